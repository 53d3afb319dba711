import { SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Row, Segmented, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, errorText, type Issue } from '../../api/client.ts';
import { segmentsApi, type SegmentCatalogue } from '../../api/segments.ts';
import {
  EDITABLE_KINDS,
  TAG_CATEGORIES,
  tagsApi,
  type EditableKind,
  type TagDetail,
} from '../../api/tags.ts';
import { NotReady } from '../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { categoryLabel, kindLabel } from './labels.ts';
import { SpecEditor } from './SpecEditor.tsx';
import { draftFromTag, inputOf, NEW_DRAFT, specOf, type TagDraft } from './tagDraft.ts';
import { fieldStatus } from './ValueRows.tsx';

/** Create a tag (no key) or edit one (a new version) of the kinds the dashboard edits. */
export function TagFormPage({ tagKey }: { tagKey?: string }) {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const { message } = App.useApp();
  const loaded = useLoad(
    async (signal): Promise<{ tag: TagDetail | null; catalogue: SegmentCatalogue }> => {
      const [tag, catalogue] = await Promise.all([
        tagKey ? tagsApi.get(tagKey, signal) : Promise.resolve(null),
        segmentsApi.catalogue(signal),
      ]);
      return { tag, catalogue };
    },
    [tagKey],
  );
  const [draft, setDraft] = useState<TagDraft>(NEW_DRAFT);
  const [issues, setIssues] = useState<readonly Issue[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.data?.tag) setDraft(draftFromTag(loaded.data.tag));
  }, [loaded.data]);

  const change = (patch: Partial<TagDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const back = (
    <BackLink to={tagKey ? `/tags/${encodeURIComponent(tagKey)}` : '/tags'}>
      {tagKey ? t('tagForm.backToTag') : t('tags.backToCatalogue')}
    </BackLink>
  );
  const title = tagKey
    ? t('tagForm.titleEdit', { key: dictionary.displayName('tag', tagKey) })
    : t('tagForm.titleNew');
  if (!loaded.data)
    return (
      <NotReady
        header={<PageHeader title={title} back={back} />}
        error={loaded.error}
        failedTitle={t('tags.detailLoadFailed')}
        onRetry={loaded.reload}
        rows={8}
      />
    );

  const submit = async () => {
    setSaving(true);
    setIssues([]);
    setFailure(null);
    try {
      const input = inputOf(draft);
      const saved = tagKey
        ? await tagsApi.update(tagKey, (({ key: _k, ...rest }) => rest)(input))
        : await tagsApi.create(input);
      message.success(t('tagForm.saved', { version: saved.version ?? '' }));
      navigate(`/tags/${encodeURIComponent(saved.key ?? input.key)}`);
    } catch (e) {
      setFailure(
        e instanceof ApiError && e.issues.length > 0
          ? t('tagForm.invalid', { n: e.issues.length })
          : errorText(e),
      );
      if (e instanceof ApiError) setIssues(e.issues);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid="tag-form">
      <PageHeader back={back} title={title} subtitle={t('tagForm.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card>
            <Form layout="vertical" requiredMark onFinish={submit}>
              {failure && (
                <Alert
                  type="error"
                  showIcon
                  title={failure}
                  data-testid="tag-form-error"
                  description={
                    issues.length > 0 && (
                      <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                        {issues.map((i, n) => (
                          <li key={n}>
                            <Typography.Text code>{i.path || '—'}</Typography.Text> {i.message}
                          </li>
                        ))}
                      </ul>
                    )
                  }
                  style={{ marginBottom: 16 }}
                />
              )}
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item
                    label={t('tags.key')}
                    required
                    extra={t('tagForm.keyHelp')}
                    {...fieldStatus(issues, 'key')}
                  >
                    <Input
                      value={draft.key}
                      onChange={(e) => change({ key: e.target.value })}
                      disabled={tagKey !== undefined}
                      data-testid="tag-form-key"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item label={t('tagForm.nameZh')} required {...fieldStatus(issues, 'name_zh')}>
                    <Input
                      value={draft.name_zh}
                      onChange={(e) => change({ name_zh: e.target.value })}
                      data-testid="tag-form-name-zh"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item label={t('tagForm.nameEn')} required {...fieldStatus(issues, 'name_en')}>
                    <Input
                      value={draft.name_en}
                      onChange={(e) => change({ name_en: e.target.value })}
                      data-testid="tag-form-name-en"
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item label={t('builder.description')} {...fieldStatus(issues, 'description')}>
                <Input.TextArea
                  value={draft.description}
                  onChange={(e) => change({ description: e.target.value })}
                  autoSize={{ minRows: 2, maxRows: 5 }}
                />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item label={t('tagForm.category')} required {...fieldStatus(issues, 'category')}>
                    <Select
                      value={draft.category}
                      onChange={(category) => change({ category })}
                      options={TAG_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c, t) }))}
                      data-testid="tag-form-category"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item
                    label={t('tags.kind')}
                    required
                    extra={t(`tagForm.kindHelp.${draft.kind}`)}
                    {...fieldStatus(issues, 'kind')}
                  >
                    <Segmented<EditableKind>
                      value={draft.kind}
                      onChange={(kind) => change({ kind, values: [] })}
                      options={EDITABLE_KINDS.map((k) => ({
                        value: k,
                        label: <span data-testid={`tag-form-kind-${k}`}>{kindLabel(k, t)}</span>,
                      }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <SpecEditor draft={draft} onChange={change} issues={issues} catalogue={loaded.data.catalogue} />
              <Space>
                <Button
                  type="primary"
                  htmlType="submit"
                  icon={<SaveOutlined />}
                  loading={saving}
                  data-testid="tag-form-submit"
                >
                  {tagKey ? t('tagForm.saveVersion') : t('tagForm.create')}
                </Button>
                <Button onClick={() => navigate(tagKey ? `/tags/${encodeURIComponent(tagKey)}` : '/tags')}>
                  {t('common.cancel')}
                </Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('tagForm.specPreview')} size="small" style={{ position: 'sticky', top: 72 }}>
            <pre
              data-testid="tag-form-spec"
              style={{ margin: 0, maxHeight: 520, overflow: 'auto', fontSize: 12 }}
            >
              {JSON.stringify(specOf(draft), null, 2)}
            </pre>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
