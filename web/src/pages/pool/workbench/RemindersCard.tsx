import { CheckOutlined, CloseOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Empty, List, Segmented, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { poolApi, REMINDER_KINDS, type Reminder, type ReminderKind } from '../../../api/pool.ts';
import { useMe } from '../../../auth/session.tsx';
import { IconAction } from '../../../components/IconAction.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatCnyCompact, formatCnyFull, shiftDate } from '../../../format.ts';
import type { MessageKey } from '../../../i18n/en-US.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label, today } from '../labels.ts';
import { CustomerLink } from './CustomerLink.tsx';
import { ReasonDialog } from '../../../components/ReasonDialog.tsx';

const PAGE = 6;
const WINDOWS = ['week', 'overdue', 'today', 'month'] as const;
type Window = (typeof WINDOWS)[number];
const DISMISS_REASONS: readonly MessageKey[] = [
  'care.dismiss.reason.handled',
  'care.dismiss.reason.not_relevant',
  'care.dismiss.reason.customer_declined',
  'care.dismiss.reason.duplicate',
];

/** The due days of a window, from the bank's today (overdue ones included where the window says so). */
function dueRange(due: Window, day: string): { dueFrom?: string; dueTo?: string } {
  if (due === 'overdue') return { dueTo: shiftDate(day, -1) };
  if (due === 'today') return { dueFrom: day, dueTo: day };
  if (due === 'month') return { dueTo: shiftDate(day, 30) };
  return { dueTo: shiftDate(day, 7) };
}

/**
 * Service reminders of one manager, a compact page at a time: tabs by kind (with counts), a due window, the amount
 * that matters on each row; dismissing asks for a reason and can be undone until the bank's day ends (the
 * "dismissed today" view lists what can still be reopened).
 */
export function RemindersCard({ staffId, tick }: { staffId: string; tick: number }) {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const day = today(me.timeZone);
  const [view, setView] = useState<'open' | 'dismissed'>('open');
  const [kind, setKind] = useState<ReminderKind | 'all'>('all');
  const [due, setDue] = useState<Window>('week');
  const [page, setPage] = useState(1);
  const [dismissing, setDismissing] = useState<Reminder | null>(null);
  const [own, setOwn] = useState(0);
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      poolApi.reminders(
        {
          staffId,
          limit: PAGE,
          offset: (page - 1) * PAGE,
          ...(kind === 'all' ? {} : { kind }),
          ...(view === 'open'
            ? { status: 'open', ...dueRange(due, day) }
            : { status: 'dismissed', closedOn: day }),
        },
        signal,
      ),
    [staffId, tick, own, view, kind, due, page, day],
  );
  const refresh = () => setOwn((n) => n + 1);
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      message.success(done);
      refresh();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const undo = (r: Reminder) => act(() => poolApi.undoReminder(r.id), t('care.undone'));
  const dismiss = async (reason: string) => {
    const r = dismissing;
    if (!r) return;
    try {
      await poolApi.setReminder(r.id, 'dismissed', reason);
    } catch (e) {
      message.error(errorText(e));
      return;
    }
    setDismissing(null);
    refresh();
    message.success(
      <span data-testid="dismissed-notice">
        {t('care.dismiss.done')}{' '}
        <Button
          size="small"
          type="link"
          onClick={() => void undo(r)}
          data-testid={`reminder-undo-notice-${r.id}`}
        >
          {t('care.undo')}
        </Button>
      </span>,
      8,
    );
  };

  const amount = (r: Reminder) =>
    r.amount && (
      <Tag color="blue" title={formatCnyFull(r.amount.value, lang)} data-testid={`reminder-amount-${r.id}`}>
        {t(`care.amount.${r.amount.kind}`, { amount: formatCnyCompact(r.amount.value, lang) })}
      </Tag>
    );
  const row = (r: Reminder) => (
    <List.Item
      key={r.id}
      data-testid={`myday-reminder-${r.id}`}
      actions={
        view === 'open'
          ? [
              <IconAction
                key="done"
                type="default"
                size="small"
                title={t('pool.myDay.complete')}
                icon={<CheckOutlined />}
                onClick={() => void act(() => poolApi.setReminder(r.id, 'done'), t('pool.myDay.completed'))}
              />,
              <IconAction
                key="dismiss"
                type="default"
                size="small"
                title={t('pool.myDay.dismiss')}
                icon={<CloseOutlined />}
                testId={`reminder-dismiss-${r.id}`}
                onClick={() => setDismissing(r)}
              />,
            ]
          : [
              <Button
                key="undo"
                size="small"
                icon={<UndoOutlined />}
                disabled={r.undoableUntil === null}
                title={r.undoableUntil === null ? t('care.undoExpired') : undefined}
                onClick={() => void undo(r)}
                data-testid={`reminder-undo-${r.id}`}
              >
                {t('care.undo')}
              </Button>,
            ]
      }
    >
      <List.Item.Meta
        title={
          <Space size={6} wrap>
            <span>{label(t, 'pool.reminder', r.kind)}</span>
            {/* A dormancy reminder is dated the day the customer turned dormant: say "since", not a due date. */}
            <Tag color={r.dueOn < day ? 'red' : 'gold'}>
              {r.kind === 'dormant_high_value' ? t('pool.myDay.dormantSince', { date: r.dueOn }) : r.dueOn}
            </Tag>
            {amount(r)}
          </Space>
        }
        description={
          <>
            <CustomerLink no={r.customerNo} name={r.customerName} />
            {r.dismissReason && (
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                {t('care.dismissedBecause', { reason: r.dismissReason })}
              </Typography.Text>
            )}
          </>
        }
      />
    </List.Item>
  );

  const counts = data?.byKind ?? {};
  const all = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const tab = (key: ReminderKind | 'all', text: string, n: number) => ({
    key,
    label: (
      <span data-testid={`reminder-kind-${key}`}>
        {text} <Badge count={n} showZero size="small" color={n ? '#1677ff' : '#bfbfbf'} />
      </span>
    ),
  });
  return (
    <Card
      size="small"
      data-testid="reminders-card"
      title={
        <Space>
          {t('pool.myDay.reminders')}
          <Badge count={data?.total ?? 0} showZero color={data?.total ? '#1677ff' : '#bfbfbf'} />
        </Space>
      }
      extra={
        <Space size={8} wrap>
          <Segmented
            size="small"
            value={view}
            onChange={(v) => {
              setView(v as 'open' | 'dismissed');
              setPage(1);
            }}
            options={[
              { value: 'open', label: t('care.view.open') },
              {
                value: 'dismissed',
                label: <span data-testid="reminders-dismissed-view">{t('care.view.dismissedToday')}</span>,
              },
            ]}
          />
          {view === 'open' && (
            <Select
              size="small"
              style={{ width: 190 }}
              value={due}
              onChange={(v: Window) => {
                setDue(v);
                setPage(1);
              }}
              options={WINDOWS.map((w) => ({ value: w, label: t(`care.window.${w}`) }))}
              aria-label={t('care.window.label')}
              data-testid="reminders-window"
            />
          )}
        </Space>
      }
    >
      {error !== null && !data && (
        <LoadError error={error} title={t('pool.myDay.loadFailed')} onRetry={reload} />
      )}
      <Tabs
        size="small"
        activeKey={kind}
        onChange={(k) => {
          setKind(k as ReminderKind | 'all');
          setPage(1);
        }}
        items={[
          tab('all', t('care.kind.all'), all),
          ...REMINDER_KINDS.filter((k) => (counts[k] ?? 0) > 0 || k === kind).map((k) =>
            tab(k, label(t, 'pool.reminder', k), counts[k] ?? 0),
          ),
        ]}
      />
      <List
        size="small"
        loading={loading && !data}
        dataSource={[...(data?.items ?? [])]}
        renderItem={row}
        pagination={
          (data?.total ?? 0) > PAGE
            ? {
                current: page,
                pageSize: PAGE,
                total: data?.total ?? 0,
                size: 'small',
                showSizeChanger: false,
                onChange: setPage,
              }
            : false
        }
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={view === 'open' ? t('pool.myDay.noReminders') : t('care.noDismissed')}
            />
          ),
        }}
      />
      <ReasonDialog
        open={dismissing !== null}
        title={t('care.dismiss.title')}
        reasonLabel={t('care.dismiss.reasonLabel')}
        reasons={DISMISS_REASONS}
        detailLabel={t('care.dismiss.detail')}
        required={t('care.dismiss.required')}
        okText={t('care.dismiss.ok')}
        hint={t('care.dismiss.undoHint')}
        testId="dismiss-dialog"
        onCancel={() => setDismissing(null)}
        onConfirm={dismiss}
      />
    </Card>
  );
}
