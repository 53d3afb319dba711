import { App, Button, Card, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useMe } from '../../auth/session.tsx';
import { errorText } from '../../api/client.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ContentVersion } from './api.ts';
import { StatusTag } from './StatusTag.tsx';

/** A version list with its review actions: submit (author side), approve or reject (someone else, content.approve). */
export function ReviewActions(props: {
  status: string;
  author: string;
  onReview: (action: 'submit' | 'approve' | 'reject', note?: string) => Promise<unknown>;
  testPrefix: string;
}) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (action: 'submit' | 'approve' | 'reject') => {
    setBusy(true);
    try {
      await props.onReview(action, note || undefined);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const mine = props.author === me.actor;
  if ((props.status === 'draft' || props.status === 'rejected') && me.permissions.includes('content.write'))
    return (
      <Button
        size="small"
        loading={busy}
        onClick={() => act('submit')}
        data-testid={`${props.testPrefix}-submit`}
      >
        {t('content.submit')}
      </Button>
    );
  if (props.status !== 'pending' || !me.permissions.includes('content.approve')) return null;
  if (mine) return <Typography.Text type="secondary">{t('content.ownVersion')}</Typography.Text>;
  return (
    <Space>
      <Input
        size="small"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t('content.notePlaceholder')}
      />
      <Button
        size="small"
        type="primary"
        loading={busy}
        onClick={() => act('approve')}
        data-testid={`${props.testPrefix}-approve`}
      >
        {t('content.approve')}
      </Button>
      <Button
        size="small"
        danger
        loading={busy}
        onClick={() => act('reject')}
        data-testid={`${props.testPrefix}-reject`}
      >
        {t('content.reject')}
      </Button>
    </Space>
  );
}

/** Every version of a content item with its review state and actions. */
export function ContentVersions(props: {
  versions: readonly ContentVersion[];
  onReview: (version: number, action: 'submit' | 'approve' | 'reject', note?: string) => Promise<unknown>;
}) {
  const { t } = useI18n();
  return (
    <Card title={t('content.versions')} size="small" style={{ marginTop: 16 }}>
      <Table<ContentVersion>
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={[...props.versions]}
        data-testid="content-versions"
        columns={[
          { title: '#', dataIndex: 'version', render: (n: number) => t('content.version', { n }) },
          {
            title: t('content.col.status'),
            dataIndex: 'status',
            render: (s: string, row) => (
              <StatusTag status={s} testId={`content-version-${row.version}-status`} />
            ),
          },
          { title: t('content.col.author'), dataIndex: 'author', render: actorName },
          { title: t('content.col.updated'), dataIndex: 'createdAt', render: formatDateTime },
          {
            title: t('content.col.decidedBy'),
            dataIndex: 'decidedBy',
            render: (d: string | null) => (d ? actorName(d) : t('cmp.none')),
          },
          { title: t('content.col.note'), dataIndex: 'decisionNote', render: (n: string | null) => n ?? '' },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, row) => (
              <ReviewActions
                status={row.status}
                author={row.author}
                onReview={(action, note) => props.onReview(row.version, action, note)}
                testPrefix={`content-version-${row.version}`}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}
