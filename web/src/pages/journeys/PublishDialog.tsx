import { Alert, App, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { journeysApi, type JourneyBody, type JourneyView, type MigrationPreview } from './api.ts';

/**
 * Publishing a new version of a live journey: customers inside an earlier version finish on it, or move to the new
 * one by an explicit mapping of their nodes, previewed (who moves where, who would be orphaned) before it is applied.
 */
export function PublishDialog(props: { journey: JourneyView; onClose: () => void; onPublished: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const j = props.journey;
  const from = j.versions.find((v) => v.id !== j.latest.id && v.inside > 0);
  const [mode, setMode] = useState<'stay' | 'migrate'>('stay');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<MigrationPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const { busy, failure, submit } = useSubmit();
  const newNodes = useMemo(
    () => (j.latest.body as unknown as JourneyBody).nodes.map((n) => n.id),
    [j.latest.body],
  );

  useEffect(() => {
    if (mode !== 'migrate' || !from) return;
    const controller = new AbortController();
    journeysApi
      .previewMigration(j.id, { fromVersionId: from.id, mapping })
      .then((p) => {
        setPreview(p);
        setPreviewError(null);
        // Nodes the mapping leaves out start mapped to the node of the same id, when the new version has one.
        const missing = p.orphans.filter((o) => mapping[o.node] === undefined && newNodes.includes(o.node));
        if (missing.length)
          setMapping((m) => ({ ...m, ...Object.fromEntries(missing.map((o) => [o.node, o.node])) }));
      })
      .catch((e: unknown) => setPreviewError(errorText(e)));
    return () => controller.abort();
  }, [mode, mapping, from, j.id, newNodes]);

  const publish = () =>
    submit(async () => {
      await journeysApi.publish(
        j.id,
        mode === 'migrate' && from ? { fromVersionId: from.id, mapping } : undefined,
      );
      message.success(t('jny.published'));
      props.onPublished();
    });
  const oldNodes = [
    ...new Set([
      ...(preview?.moves ?? []).map((m) => m.from),
      ...(preview?.orphans ?? []).map((o) => o.node),
    ]),
  ];
  return (
    <Modal
      open
      title={t('jny.publishVersion', { version: j.latest.version })}
      okText={t('jny.publish')}
      onOk={() => void publish()}
      okButtonProps={{
        loading: busy,
        disabled: mode === 'migrate' && (preview === null || preview.orphans.length > 0),
      }}
      classNames={{ footer: 'publish-footer' }}
      onCancel={props.onClose}
      width={640}
    >
      {from ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {t('jny.migrate.inside', { n: formatInteger(from.inside, lang), version: from.version })}
          </Typography.Text>
          <Radio.Group
            value={mode}
            onChange={(e) => setMode(e.target.value as 'stay' | 'migrate')}
            data-testid="publish-mode"
          >
            <Space direction="vertical">
              <Radio value="stay">{t('jny.migrate.stay')}</Radio>
              <Radio value="migrate">{t('jny.migrate.move')}</Radio>
            </Space>
          </Radio.Group>
          {mode === 'migrate' && (
            <>
              {previewError && <Alert type="error" message={previewError} />}
              <Table
                size="small"
                rowKey={(r) => r}
                pagination={false}
                dataSource={oldNodes}
                columns={[
                  {
                    title: t('jny.migrate.from'),
                    render: (_: unknown, node: string) => <span data-raw-key>{node}</span>,
                  },
                  {
                    title: t('jny.migrate.to'),
                    render: (_: unknown, node: string) => (
                      <Select
                        style={{ width: 160 }}
                        value={mapping[node]}
                        onChange={(to: string) => setMapping({ ...mapping, [node]: to })}
                        options={newNodes.map((n) => ({ value: n, label: n }))}
                      />
                    ),
                  },
                  {
                    title: t('jny.migrate.customers'),
                    render: (_: unknown, node: string) => {
                      const moving =
                        preview?.moves.filter((m) => m.from === node).reduce((s, m) => s + m.customers, 0) ??
                        0;
                      const orphan = preview?.orphans.find((o) => o.node === node);
                      return orphan ? (
                        <Typography.Text type="danger">
                          {formatInteger(orphan.customers, lang)} · {orphan.reason}
                        </Typography.Text>
                      ) : (
                        formatInteger(moving, lang)
                      );
                    },
                  },
                ]}
              />
            </>
          )}
        </Space>
      ) : (
        <Typography.Text>{t('jny.migrate.nobody')}</Typography.Text>
      )}
      {failure && (
        <Alert
          type="error"
          showIcon
          message={failure}
          style={{ marginTop: 12 }}
          data-testid="publish-error"
        />
      )}
    </Modal>
  );
}
