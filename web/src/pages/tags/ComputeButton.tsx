import { ThunderboltOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client.ts';
import { tagsApi, type TagRun, type TagRunResult } from '../../api/tags.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** "Compute now": runs the tag computation (all tags, or the given ones) and shows each tag's outcome. */
export function ComputeButton({ keys, onDone }: { keys?: readonly string[]; onDone: () => void }) {
  const { t, lang } = useI18n();
  const [running, setRunning] = useState(false);
  const [run, setRun] = useState<TagRun | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const start = async () => {
    setRunning(true);
    setFailure(null);
    setRun(null);
    try {
      setRun(await tagsApi.compute(keys));
      onDone();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setRunning(false);
      setOpen(true);
    }
  };

  return (
    <>
      <Button
        type="primary"
        icon={<ThunderboltOutlined />}
        loading={running}
        onClick={start}
        data-testid="tag-compute"
      >
        {t('tags.computeNow')}
      </Button>
      <Modal
        open={open}
        onCancel={() => setOpen(false)}
        footer={<Button onClick={() => setOpen(false)}>{t('common.close')}</Button>}
        title={t('tags.runTitle')}
        width={760}
      >
        {failure && <Alert type="error" showIcon title={t('tags.runFailed')} description={failure} />}
        {run && (
          <div data-testid="compute-result" data-status={run.status}>
            <Typography.Paragraph type="secondary">
              {t('tags.runSummary', { id: String(run.runId), asOf: run.asOf, status: run.status })}
            </Typography.Paragraph>
            <Table<TagRunResult>
              size="small"
              rowKey="key"
              pagination={run.results.length > 10 ? { pageSize: 10 } : false}
              dataSource={[...run.results]}
              columns={[
                { title: t('tags.key'), dataIndex: 'key' },
                {
                  title: t('tags.status'),
                  dataIndex: 'status',
                  render: (s: string, r) => (
                    <Tag color={r.error ? 'red' : 'green'} data-testid={`compute-status-${r.key}`}>
                      {s}
                    </Tag>
                  ),
                },
                { title: t('tags.valueCount'), dataIndex: 'values', align: 'right' },
                {
                  title: t('tags.members'),
                  dataIndex: 'members',
                  align: 'right',
                  render: (n: number, r) => (
                    <span data-testid={`compute-members-${r.key}`} data-value={String(n)}>
                      {formatInteger(n, lang)}
                    </span>
                  ),
                },
                {
                  title: t('tags.elapsed'),
                  dataIndex: 'elapsedMs',
                  align: 'right',
                  render: (ms: number) => t('tags.ms', { ms }),
                },
                {
                  title: t('tags.error'),
                  dataIndex: 'error',
                  render: (e?: string) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : null),
                },
              ]}
            />
          </div>
        )}
      </Modal>
    </>
  );
}
