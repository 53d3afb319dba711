import { Alert, App, Button, Card, Descriptions, Popconfirm, Skeleton, Space, Tag } from 'antd';
import { useState } from 'react';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TestClockBar } from '../../components/TestClockBar.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { actorName, formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { OgsmReview } from '../ogsm/OgsmReview.tsx';
import { activitiesApi, type ActivityView } from './api.ts';
import { FollowUpsDialog, InviteDialog } from './ActivityDialogs.tsx';
import { ActivityInvitees } from './ActivityInvitees.tsx';
import { ActivityStatus, SceneText, whenText } from './ActivityList.tsx';
import { AttendanceCard, CheckInCard, LeadCard } from './ActivityOnSite.tsx';
import { ActivityResultsCard } from './ActivityResultsCard.tsx';

/** The activity's facts: scene, time, venue, capacity, check-in window, products, staff, partner and its members. */
function Facts({ a }: { a: ActivityView }) {
  const { t, lang } = useI18n();
  const { timeZone } = useMe();
  const none = t('act.none');
  return (
    <Card size="small" title={t('act.facts')} data-testid="activity-facts">
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
        <Descriptions.Item label={t('act.scene')}>
          <SceneText scene={a.scene} />
        </Descriptions.Item>
        <Descriptions.Item label={t('act.when')}>
          {whenText(a.startsAt, a.endsAt, timeZone)}
        </Descriptions.Item>
        <Descriptions.Item label={t('act.venue')}>{a.venue ?? none}</Descriptions.Item>
        <Descriptions.Item label={t('act.capacity')}>{formatInteger(a.capacity, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('act.checkInMargin')}>
          {t('act.checkInMargin.value', {
            before: a.checkInMargin.beforeMinutes,
            after: a.checkInMargin.afterMinutes,
          })}
        </Descriptions.Item>
        <Descriptions.Item label={t('act.createdBy')}>{actorName(a.createdBy)}</Descriptions.Item>
        <Descriptions.Item label={t('act.products')} span={3}>
          {a.products.length === 0
            ? none
            : a.products.map((p) => (
                <Tag key={p.productId}>
                  {p.productId} · {t(`act.role.${p.role as 'traffic'}`)}
                </Tag>
              ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('act.staff')} span={3}>
          {a.staff.length === 0
            ? none
            : a.staff.map((s) => (
                <Tag key={s.staffId}>
                  {s.staffId} · {s.role}
                </Tag>
              ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('act.partner')}>
          {a.partner ? `${a.partner.name} (${a.partner.kind})` : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('act.partnerMembers')} span={2}>
          {a.partnerMembers.length === 0 ? none : a.partnerMembers.map((m) => m.name).join('、')}
        </Descriptions.Item>
        {a.finishedAt && (
          <Descriptions.Item label={t('act.status.finished')}>
            {formatDateTime(a.finishedAt)}
          </Descriptions.Item>
        )}
      </Descriptions>
    </Card>
  );
}

/**
 * /activities/{id}: the facts, invite / finish / follow-ups, invitees with QR codes, on-site capture, results, OGSM; for
 * the activity's own staff without bank-wide reading, the door: the facts, check-in and leads.
 */
export function ActivityDetail({ id }: { id: number }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const [dialog, setDialog] = useState<'invite' | 'followUps' | null>(null);
  const activity = useLoad((signal) => activitiesApi.get(id, signal), [id, tick]);
  const { busy, failure, submit } = useSubmit();
  const refresh = () => setTick((n) => n + 1);
  if (activity.error && !activity.data)
    return <LoadError error={activity.error} title={t('act.loadFailed')} onRetry={activity.reload} />;
  if (!activity.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  const a = activity.data;
  const writer = can(me, 'campaigns.write');
  const finished = a.status === 'finished';
  const finish = () =>
    submit(async () => {
      await activitiesApi.finish(id);
      message.success(t('act.finished'));
      refresh();
    });
  return (
    <div data-testid="activity-detail">
      <PageHeader
        title={
          <Space>
            {a.name}
            <ActivityStatus status={a.status} />
          </Space>
        }
        back={
          <Button type="link" onClick={() => navigate('/activities')}>
            {t('act.back')}
          </Button>
        }
        extra={
          writer && (
            <Space wrap>
              {!finished && (
                <Button onClick={() => navigate(`/activities/${id}/edit`)} data-testid="activity-edit">
                  {t('act.edit')}
                </Button>
              )}
              {!finished && (
                <Button type="primary" onClick={() => setDialog('invite')} data-testid="activity-invite">
                  {t('act.invite')}
                </Button>
              )}
              {!finished && (
                <Popconfirm title={t('act.finish.confirm')} onConfirm={() => void finish()}>
                  <Button loading={busy} data-testid="activity-finish">
                    {t('act.finish')}
                  </Button>
                </Popconfirm>
              )}
              {finished && (
                <Button onClick={() => setDialog('followUps')} data-testid="activity-follow-ups">
                  {t('act.followUps')}
                </Button>
              )}
            </Space>
          )
        }
      />
      {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 12 }} />}
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <TestClockBar onMoved={refresh} />
        <Facts a={a} />
        {a.door && <Alert type="info" showIcon message={t('act.door')} data-testid="activity-door" />}
        {/* Sheets are taken once the activity is open (its first invitation sent). */}
        {!a.door && <ActivityInvitees id={id} tick={tick} />}
        {(writer || a.door) && a.status === 'open' && <CheckInCard id={id} onDone={refresh} />}
        {writer && a.status === 'open' && <AttendanceCard id={id} onDone={refresh} />}
        {(writer || a.door) && !finished && <LeadCard activity={a} onDone={refresh} />}
        {!a.door && <ActivityResultsCard id={id} tick={tick} />}
        {!a.door && <OgsmReview kind="activity" id={id} />}
      </Space>
      {dialog === 'invite' && (
        <InviteDialog
          id={id}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {dialog === 'followUps' && (
        <FollowUpsDialog
          id={id}
          onClose={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}
