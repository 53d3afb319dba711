import { Card, List, Typography } from 'antd';
import { useMe } from '../../../auth/session.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { activitiesApi } from '../../activities/api.ts';
import { whenText } from '../../activities/ActivityList.tsx';

/** Most activities listed: today's and the next ones. */
const SHOWN = 5;

/**
 * The activities an account manager works (on their staff) that are open and not over yet, soonest first, each
 * opening its door view (check-in, leads). Shown only to a manager who works one.
 */
export function MyActivitiesCard({ tick }: { tick: number }) {
  const { t } = useI18n();
  const me = useMe();
  const list = useLoad((signal) => activitiesApi.list(signal).catch(() => []), [tick]);
  const now = Date.now();
  const mine = (list.data ?? [])
    .filter((a) => a.status === 'open' && Date.parse(a.endsAt) >= now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))
    .slice(0, SHOWN);
  if (mine.length === 0) return null;
  return (
    <Card title={t('pool.workbench.myActivities')} style={{ marginTop: 16 }} data-testid="my-activities">
      <List
        size="small"
        dataSource={mine}
        renderItem={(a) => (
          <List.Item
            onClick={() => navigate(`/activities/${a.id}`)}
            style={{ cursor: 'pointer' }}
            extra={a.venue ?? undefined}
          >
            <List.Item.Meta
              title={<Typography.Link data-testid={`my-activity-${a.id}`}>{a.name}</Typography.Link>}
              description={whenText(a.startsAt, a.endsAt, me.timeZone)}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
