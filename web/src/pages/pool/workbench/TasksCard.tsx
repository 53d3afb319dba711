import { CheckOutlined } from '@ant-design/icons';
import { App, Badge, Card, Empty, List, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { poolApi, TASK_SOURCES, type Task, type TaskSource } from '../../../api/pool.ts';
import { useMe } from '../../../auth/session.tsx';
import { IconAction } from '../../../components/IconAction.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { shiftDate } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label, today } from '../labels.ts';
import { CustomerLink } from './CustomerLink.tsx';

const PAGE = 6;
const WINDOWS = ['tasksDue', 'tasksWeek', 'all'] as const;
type Window = (typeof WINDOWS)[number];

/** Open tasks of one manager, a compact page at a time, by due window and source (manual, follow-up, reminder …). */
export function TasksCard({ staffId, tick }: { staffId: string; tick: number }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const day = today(me.timeZone);
  const [due, setDue] = useState<Window>('tasksDue');
  const [source, setSource] = useState<TaskSource | 'all'>('all');
  const [page, setPage] = useState(1);
  const [own, setOwn] = useState(0);
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      poolApi.tasks(
        {
          assigneeId: staffId,
          status: 'open',
          limit: PAGE,
          offset: (page - 1) * PAGE,
          ...(due === 'tasksDue' ? { dueBy: day } : due === 'tasksWeek' ? { dueBy: shiftDate(day, 7) } : {}),
          ...(source === 'all' ? {} : { source }),
        },
        signal,
      ),
    [staffId, tick, own, due, source, page, day],
  );
  const complete = async (task: Task) => {
    try {
      await poolApi.setTask(task.id, 'done');
      message.success(t('pool.myDay.completed'));
      setOwn((n) => n + 1);
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const row = (task: Task) => (
    <List.Item
      key={task.id}
      data-testid={`myday-task-${task.id}`}
      actions={[
        <IconAction
          key="done"
          type="default"
          size="small"
          title={t('pool.myDay.complete')}
          icon={<CheckOutlined />}
          testId={`task-done-${task.id}`}
          onClick={() => void complete(task)}
        />,
      ]}
    >
      <List.Item.Meta
        title={
          <Space size={6} wrap>
            <span>{task.title}</span>
            {task.dueOn && <Tag color={task.dueOn < day ? 'red' : 'blue'}>{task.dueOn}</Tag>}
            <Tag>{label(t, 'pool.taskSource', task.source)}</Tag>
          </Space>
        }
        description={<CustomerLink no={task.customerNo} name={task.customerName} />}
      />
    </List.Item>
  );
  return (
    <Card
      size="small"
      data-testid="tasks-card"
      title={
        <Space>
          {t('pool.myDay.tasks')}
          <Badge count={data?.total ?? 0} showZero color={data?.total ? '#1677ff' : '#bfbfbf'} />
        </Space>
      }
      extra={
        <Space size={8} wrap>
          <Select
            size="small"
            style={{ width: 150 }}
            value={source}
            onChange={(v: TaskSource | 'all') => {
              setSource(v);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('care.source.all') },
              ...TASK_SOURCES.map((s) => ({ value: s, label: label(t, 'pool.taskSource', s) })),
            ]}
            data-testid="tasks-source"
          />
          <Select
            size="small"
            style={{ width: 170 }}
            value={due}
            onChange={(v: Window) => {
              setDue(v);
              setPage(1);
            }}
            options={WINDOWS.map((w) => ({ value: w, label: t(`care.window.${w}`) }))}
            aria-label={t('care.window.label')}
            data-testid="tasks-window"
          />
        </Space>
      }
    >
      {error !== null && !data && (
        <LoadError error={error} title={t('pool.myDay.loadFailed')} onRetry={reload} />
      )}
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
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pool.myDay.noTasks')} />,
        }}
      />
    </Card>
  );
}
