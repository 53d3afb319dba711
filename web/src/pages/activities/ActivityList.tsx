import { PlusOutlined } from '@ant-design/icons';
import { Button, Table, Tag, Typography } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger, formatZonedDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { activitiesApi, type ActivitySummary, type Scene } from './api.ts';

const STATUS_COLORS: Record<string, string> = { draft: 'default', open: 'green', finished: 'blue' };

/** An activity's status tag. */
export function ActivityStatus({ status }: { status: ActivitySummary['status'] }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="activity-status">
      {t(`act.status.${status}`)}
    </Tag>
  );
}

/** The scene in words: offline · low frequency · transaction. */
export function SceneText({ scene }: { scene: Scene }) {
  const { t } = useI18n();
  return (
    <span>
      {t(`act.mode.${scene.mode}`)} · {t(`act.frequency.${scene.frequency}`)} · {t(`act.aim.${scene.aim}`)}
    </span>
  );
}

/** From–to in the bank's zone, the end's day left out when it is the start's. */
export function whenText(startsAt: string, endsAt: string, timeZone: string): string {
  const from = formatZonedDateTime(startsAt, timeZone);
  const to = formatZonedDateTime(endsAt, timeZone);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}

/** /activities: every activity with its scene, time, venue, status and how many were invited, registered, present. */
export function ActivityList() {
  const { t, lang } = useI18n();
  const me = useMe();
  const list = useLoad((signal) => activitiesApi.list(signal), []);
  const n = (v: number) => formatInteger(v, lang);
  return (
    <div data-testid="activity-list">
      <PageHeader
        title={t('act.list.title')}
        subtitle={t('act.list.subtitle')}
        extra={
          can(me, 'campaigns.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/activities/new')}
              data-testid="activity-new"
            >
              {t('act.new')}
            </Button>
          )
        }
      />
      {list.error ? (
        <LoadError error={list.error} title={t('act.loadFailed')} onRetry={list.reload} />
      ) : (
        <Table<ActivitySummary>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data ?? []}
          onRow={(r) => ({ onClick: () => navigate(`/activities/${r.id}`), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('act.name'),
              dataIndex: 'name',
              render: (v: string, r) => (
                <Typography.Link data-testid={`activity-row-${r.id}`}>{v}</Typography.Link>
              ),
            },
            { title: t('act.scene'), render: (_, r) => <SceneText scene={r.scene} /> },
            { title: t('act.when'), render: (_, r) => whenText(r.startsAt, r.endsAt, me.timeZone) },
            { title: t('act.venue'), dataIndex: 'venue', render: (v: string | null) => v ?? '—' },
            { title: t('act.status'), render: (_, r) => <ActivityStatus status={r.status} /> },
            { title: t('act.capacity'), dataIndex: 'capacity', align: 'right', render: n },
            { title: t('act.invited'), dataIndex: 'invited', align: 'right', render: n },
            { title: t('act.registered'), dataIndex: 'registered', align: 'right', render: n },
            { title: t('act.checkedIn'), dataIndex: 'checkedIn', align: 'right', render: n },
            { title: t('act.leads'), dataIndex: 'leads', align: 'right', render: n },
          ]}
        />
      )}
    </div>
  );
}
