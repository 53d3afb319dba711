import { Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { ogsmApi, SUBJECT_KINDS, type AttainmentItem, type SubjectKind } from './api.ts';
import { LiftText } from './figures.tsx';
import { AttainmentBar } from './OgsmReview.tsx';

/** Where a subject's OGSM card lives: its detail page. Activities have none on the dashboard yet. */
function subjectPath(s: AttainmentItem['subject']): string | null {
  if (s.kind === 'campaign') return `/campaigns/${s.id}`;
  if (s.kind === 'journey') return `/journeys/${s.id}`;
  return null;
}

/** /campaigns/ogsm: every subject's OGSM plan with each goal's attainment, one kind or all, linking to its page. */
export function OgsmList() {
  const { t } = useI18n();
  const [kind, setKind] = useState<SubjectKind | undefined>(undefined);
  const list = useLoad((signal) => ogsmApi.list(kind, signal), [kind]);
  if (list.error && !list.data)
    return <LoadError error={list.error} title={t('ogsm.list.loadFailed')} onRetry={list.reload} />;
  return (
    <div data-testid="ogsm-list">
      <PageHeader
        title={t('ogsm.list.title')}
        subtitle={t('ogsm.list.subtitle')}
        extra={
          <Select<SubjectKind | ''>
            value={kind ?? ''}
            style={{ width: 160 }}
            onChange={(v) => setKind(v === '' ? undefined : v)}
            options={[
              { value: '', label: t('ogsm.list.allKinds') },
              ...SUBJECT_KINDS.map((k) => ({ value: k, label: t(`ogsm.kind.${k}`) })),
            ]}
            data-testid="ogsm-list-kind"
          />
        }
      />
      <Table<AttainmentItem>
        size="small"
        loading={list.loading}
        rowKey={(r) => `${r.subject.kind}:${r.subject.id}`}
        dataSource={list.data ?? []}
        locale={{ emptyText: t('ogsm.list.empty') }}
        onRow={(r) => ({ 'data-testid': `ogsm-row-${r.subject.kind}-${r.subject.id}` }) as object}
        columns={[
          {
            title: t('ogsm.list.name'),
            render: (_, r) => {
              const path = subjectPath(r.subject);
              return (
                <Space direction="vertical" size={0}>
                  <Space size={6}>
                    <Tag>{t(`ogsm.kind.${r.subject.kind}`)}</Tag>
                    {path ? (
                      <Typography.Link onClick={() => navigate(path)}>{r.subject.name}</Typography.Link>
                    ) : (
                      r.subject.name
                    )}
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.objective}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            title: t('ogsm.goals'),
            render: (_, r) => (
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                {r.goals.map((g) => (
                  <Space key={g.id} size={8} wrap>
                    <Tooltip title={g.id}>
                      <span style={{ display: 'inline-block', minWidth: 110 }}>
                        {t(`ogsm.metric.${g.metric}`)}
                      </span>
                    </Tooltip>
                    <AttainmentBar attainment={g.attainment} />
                    {g.lift && <LiftText interval={g.lift} metric={g.metric} />}
                  </Space>
                ))}
              </Space>
            ),
          },
          {
            title: t('ogsm.list.attained'),
            align: 'right',
            render: (_, r) => `${r.attained} / ${r.goals.length}`,
          },
          {
            title: t('ogsm.list.reviewed'),
            render: (_, r) =>
              r.reviewed ? (
                <Tag color="green">{t('ogsm.list.reviewed')}</Tag>
              ) : (
                <Tag>{t('ogsm.list.notReviewed')}</Tag>
              ),
          },
          {
            title: t('ogsm.list.updated'),
            dataIndex: 'updatedAt',
            render: (v: string) => formatDateTime(v),
          },
        ]}
      />
    </div>
  );
}
