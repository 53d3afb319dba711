import { DownloadOutlined, EditOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Drawer,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, client, errorText, ok } from '../../api/client.ts';
import { IconAction } from '../../components/IconAction.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useDictionary, type DictionaryEntry, type DictionaryKind } from '../../dictionary/useDictionary.tsx';
import { formatInteger } from '../../format.ts';
import { useI18n, type Translate } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';

const KINDS: readonly DictionaryKind[] = ['event', 'event_property', 'attribute', 'tag'];
const kindLabel = (t: Translate, kind: string) => t(`dictionary.kind.${kind}` as MessageKey);

interface Draft {
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  unit: string;
}

/** Admin › Data dictionary: every entry with its names, description and unit; edit in a drawer, import and export CSV. */
export function DictionaryTab() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const dictionary = useDictionary();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<DictionaryKind | undefined>();
  const [needsNaming, setNeedsNaming] = useState(false);
  const [editing, setEditing] = useState<DictionaryEntry | null>(null);
  const [rejected, setRejected] = useState<string[] | null>(null);
  const [form] = Form.useForm<Draft>();

  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return dictionary.entries.filter(
      (e) =>
        (kind === undefined || e.kind === kind) &&
        (!needsNaming || e.needsNaming) &&
        (needle === '' || [e.key, e.name.zh, e.name.en].some((s) => s.toLowerCase().includes(needle))),
    );
  }, [dictionary.entries, q, kind, needsNaming]);

  const open = (e: DictionaryEntry) => {
    setEditing(e);
    form.setFieldsValue({
      nameZh: e.name.zh,
      nameEn: e.name.en,
      descriptionZh: e.description.zh,
      descriptionEn: e.description.en,
      unit: e.unit,
    });
  };

  const save = async () => {
    if (!editing) return;
    const d = await form.validateFields();
    try {
      const saved = await ok(
        client.PUT('/v1/dictionary/{kind}/{key}', {
          params: { path: { kind: editing.kind, key: editing.key } },
          body: {
            name: { zh: d.nameZh, en: d.nameEn },
            description: { zh: d.descriptionZh ?? '', en: d.descriptionEn ?? '' },
            unit: d.unit ?? '',
          },
        }),
      );
      message.success(t('dictionary.saved', { name: lang === 'zh-CN' ? saved.name.zh : saved.name.en }));
      setEditing(null);
      dictionary.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const upload = async (csv: string) => {
    setRejected(null);
    try {
      const report = await ok(client.POST('/v1/dictionary/import', { body: { csv } }));
      message.success(t('dictionary.imported', { ...report }));
      dictionary.reload();
    } catch (e) {
      if (e instanceof ApiError && e.validationIssues.length > 0)
        setRejected(
          e.validationIssues.map((i) =>
            t('dictionary.rejectedRow', {
              line: i.line ?? '—',
              field: i.path.split('/').pop() ?? '',
              reason: i.message,
            }),
          ),
        );
      else message.error(errorText(e));
    }
  };

  return (
    <div data-testid="admin-dictionary">
      <PageHeader
        title={t('dictionary.title')}
        subtitle={t('dictionary.subtitle')}
        extra={
          <Space>
            <Upload
              accept=".csv,text/csv"
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then(upload);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="dictionary-upload">
                {t('dictionary.upload')}
              </Button>
            </Upload>
            <Button icon={<DownloadOutlined />} href="/v1/dictionary/export">
              {t('dictionary.export')}
            </Button>
          </Space>
        }
      />
      <Typography.Paragraph type="secondary">{t('dictionary.uploadHelp')}</Typography.Paragraph>
      {rejected && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setRejected(null)}
          style={{ marginBottom: 12 }}
          message={t('dictionary.rejected', { n: rejected.length })}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="dictionary-rejected">
              {rejected.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          }
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('dictionary.search')}
          onSearch={setQ}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 260 }}
          data-testid="dictionary-search"
        />
        <Select
          allowClear
          placeholder={t('dictionary.kind')}
          value={kind}
          onChange={setKind}
          style={{ width: 180 }}
          options={KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))}
        />
        <Checkbox
          checked={needsNaming}
          onChange={(e) => setNeedsNaming(e.target.checked)}
          data-testid="dictionary-needs-naming"
        >
          {t('dictionary.onlyNeedsNaming')}
        </Checkbox>
        <Typography.Text type="secondary">
          {t('dictionary.total', { n: formatInteger(rows.length, lang) })}
        </Typography.Text>
      </Space>
      <Table<DictionaryEntry>
        size="small"
        rowKey={(e) => `${e.kind}:${e.key}`}
        dataSource={rows}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={[
          {
            title: t('dictionary.kind'),
            dataIndex: 'kind',
            width: 130,
            render: (k: string) => kindLabel(t, k),
          },
          {
            title: t('dictionary.key'),
            dataIndex: 'key',
            // The key itself is this page's subject: marked so the page walk does not count it as a raw key shown.
            render: (key: string) => (
              <Typography.Text code data-raw-key>
                {key}
              </Typography.Text>
            ),
          },
          {
            title: t('dictionary.nameZh'),
            render: (_, e) =>
              e.needsNaming ? <Tag color="orange">{t('dictionary.needsNaming')}</Tag> : e.name.zh,
          },
          { title: t('dictionary.nameEn'), render: (_, e) => e.name.en },
          {
            title: t('dictionary.description'),
            render: (_, e) =>
              lang === 'zh-CN' ? e.description.zh || e.description.en : e.description.en || e.description.zh,
          },
          { title: t('dictionary.unit'), dataIndex: 'unit', width: 80 },
          {
            title: t('dictionary.origin'),
            dataIndex: 'origin',
            width: 110,
            render: (o: string) => t(`dictionary.origin.${o}` as MessageKey),
          },
          {
            key: 'edit',
            width: 60,
            render: (_, e) => (
              <IconAction
                icon={<EditOutlined />}
                title={t('dictionary.edit')}
                onClick={() => open(e)}
                testId={`dictionary-edit-${e.kind}-${e.key}`}
              />
            ),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={480}
        title={
          editing ? t('dictionary.editTitle', { kind: kindLabel(t, editing.kind), key: editing.key }) : ''
        }
        extra={
          <Button type="primary" onClick={() => void save()} data-testid="dictionary-save">
            {t('dictionary.save')}
          </Button>
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="nameZh"
            label={t('dictionary.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('dictionary.required') }]}
          >
            <Input data-testid="dictionary-name-zh" maxLength={100} />
          </Form.Item>
          <Form.Item
            name="nameEn"
            label={t('dictionary.nameEn')}
            rules={[{ required: true, whitespace: true, message: t('dictionary.required') }]}
          >
            <Input data-testid="dictionary-name-en" maxLength={100} />
          </Form.Item>
          <Form.Item name="descriptionZh" label={t('dictionary.descriptionZh')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item name="descriptionEn" label={t('dictionary.descriptionEn')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item name="unit" label={t('dictionary.unit')}>
            <Input maxLength={20} style={{ width: 160 }} />
          </Form.Item>
        </Form>
      </Drawer>
    </div>
  );
}
