import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { App, Badge, Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { errorText } from '../../../api/client.ts';
import { poolApi, type Reminder, type Task } from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { label } from '../labels.ts';
import { IconAction } from '../../../components/IconAction.tsx';

const customerLink = (no: string, name: string | null) => (
  <Typography.Link onClick={() => navigate(`/customers/${encodeURIComponent(no)}`)}>
    {name ?? no} <Typography.Text type="secondary">{no}</Typography.Text>
  </Typography.Link>
);

/** What is due: open tasks due by today (overdue included) and service reminders of the coming week. */
export function MyDayCard({ staffId, tick }: { staffId: string | undefined; tick: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useLoad(
    (signal) => poolApi.myDay(staffId, signal),
    [staffId, tick],
  );

  const act = async (what: Promise<unknown>, done: string) => {
    try {
      await what;
      message.success(done);
      reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  if (error && !data) return <LoadError error={error} title={t('pool.myDay.loadFailed')} onRetry={reload} />;
  const overdue = (due: string | null) => data !== null && due !== null && due < data.asOf;

  // Tasks and reminders share their small action buttons: completing either, dismissing a reminder.
  const rowAction = (kind: 'complete' | 'dismiss', run: () => Promise<unknown>, testId?: string) => (
    <IconAction
      key={kind}
      type="default"
      size="small"
      title={t(kind === 'complete' ? 'pool.myDay.complete' : 'pool.myDay.dismiss')}
      icon={kind === 'complete' ? <CheckOutlined /> : <CloseOutlined />}
      testId={testId}
      onClick={() => act(run(), t(kind === 'complete' ? 'pool.myDay.completed' : 'pool.myDay.dismissed'))}
    />
  );
  const taskRow = (task: Task) => (
    <List.Item
      key={task.id}
      data-testid={`myday-task-${task.id}`}
      actions={[rowAction('complete', () => poolApi.setTask(task.id, 'done'), `task-done-${task.id}`)]}
    >
      <List.Item.Meta
        title={
          <Space size={6} wrap>
            <span>{task.title}</span>
            {task.dueOn && <Tag color={overdue(task.dueOn) ? 'red' : 'blue'}>{task.dueOn}</Tag>}
            <Tag>{label(t, 'pool.taskSource', task.source)}</Tag>
          </Space>
        }
        description={customerLink(task.customerNo, task.customerName)}
      />
    </List.Item>
  );
  const reminderRow = (r: Reminder) => (
    <List.Item
      key={r.id}
      data-testid={`myday-reminder-${r.id}`}
      actions={[
        rowAction('complete', () => poolApi.setReminder(r.id, 'done')),
        rowAction('dismiss', () => poolApi.setReminder(r.id, 'dismissed'), `reminder-dismiss-${r.id}`),
      ]}
    >
      <List.Item.Meta
        title={
          <Space size={6} wrap>
            <span>{label(t, 'pool.reminder', r.kind)}</span>
            {/* A dormancy reminder is dated the day the customer turned dormant: say "since", not a due date. */}
            <Tag color={overdue(r.dueOn) ? 'red' : 'gold'}>
              {r.kind === 'dormant_high_value' ? t('pool.myDay.dormantSince', { date: r.dueOn }) : r.dueOn}
            </Tag>
          </Space>
        }
        description={customerLink(r.customerNo, r.customerName)}
      />
    </List.Item>
  );

  const title = (text: string, n: number | undefined) => (
    <Space>
      {text}
      <Badge count={n ?? 0} showZero color={n ? '#1677ff' : '#bfbfbf'} />
    </Space>
  );
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }} data-testid="my-day">
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('pool.myDay.tasks'), data?.tasksTotal)} loading={!data && loading}>
          <List
            size="small"
            dataSource={[...(data?.tasks ?? [])]}
            renderItem={taskRow}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pool.myDay.noTasks')} />,
            }}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card
          size="small"
          title={title(t('pool.myDay.reminders'), data?.remindersTotal)}
          loading={!data && loading}
        >
          <List
            size="small"
            dataSource={[...(data?.reminders ?? [])]}
            renderItem={reminderRow}
            locale={{
              emptyText: (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pool.myDay.noReminders')} />
              ),
            }}
          />
        </Card>
      </Col>
    </Row>
  );
}
