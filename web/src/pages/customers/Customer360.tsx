import { CheckOutlined, MessageOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, List, Modal, Row, Space, Tag } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client.ts';
import type { CustomerProfile } from '../../api/customers.ts';
import { poolApi } from '../../api/pool.ts';
import { can, useMe } from '../../auth/session.tsx';
import { DayPicker } from '../../components/DayPicker.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { InteractionForm } from '../pool/coverage/InteractionForm.tsx';
import { label } from '../pool/labels.ts';
import { HoldingsCard } from './HoldingsCard.tsx';
import { OwnerCard } from './OwnerCard.tsx';
import { TimelineCard } from './TimelineCard.tsx';

/** The pool part of Customer 360: owner, holdings and consents, open tasks and reminders, the timeline, actions. */
export function Customer360({ profile }: { profile: CustomerProfile }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const [dialog, setDialog] = useState<'interaction' | 'task' | null>(null);
  const [saving, setSaving] = useState(false);
  const no = profile.customerNo;
  const tasks = useLoad((signal) => poolApi.tasks({ customerNo: no, status: 'open' }, signal), [no, tick]);
  const writes = can(me, 'customers.write');

  const changed = () => {
    setDialog(null);
    setTick((n) => n + 1);
  };
  const createTask = async (v: { title: string; notes?: string; dueOn?: string }) => {
    setSaving(true);
    try {
      await poolApi.createTask({
        customerNo: no,
        title: v.title.trim(),
        notes: v.notes?.trim() || null,
        dueOn: v.dueOn || null,
      });
      message.success(t('c360.taskCreated'));
      changed();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setSaving(false);
    }
  };
  const complete = async (id: number) => {
    try {
      await poolApi.setTask(id, 'done');
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e));
    }
  };

  return (
    <Row gutter={[16, 16]} data-testid="customer-360">
      {writes && (
        <Col span={24}>
          <Space>
            <Button
              type="primary"
              icon={<MessageOutlined />}
              onClick={() => setDialog('interaction')}
              data-testid="c360-log"
            >
              {t('interaction.log')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setDialog('task')} data-testid="c360-task">
              {t('c360.newTask')}
            </Button>
          </Space>
        </Col>
      )}
      <Col xs={24} xl={10}>
        <OwnerCard profile={profile} />
      </Col>
      <Col xs={24} xl={14}>
        <HoldingsCard profile={profile} />
      </Col>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('c360.open')} data-testid="customer-open-work">
          <List
            size="small"
            dataSource={[...(tasks.data?.items ?? [])]}
            loading={tasks.loading && !tasks.data}
            locale={{ emptyText: t('pool.myDay.noTasks') }}
            renderItem={(task) => (
              <List.Item
                actions={[
                  <Button
                    key="done"
                    size="small"
                    icon={<CheckOutlined />}
                    aria-label={t('pool.myDay.complete')}
                    onClick={() => complete(task.id)}
                  />,
                ]}
              >
                <Space wrap>
                  <span>{task.title}</span>
                  {task.dueOn && <Tag color="blue">{task.dueOn}</Tag>}
                  <Tag>{task.assigneeId}</Tag>
                </Space>
              </List.Item>
            )}
          />
          {profile.openReminders.length > 0 && (
            <Space wrap style={{ marginTop: 8 }}>
              {profile.openReminders.map((r) => (
                <Tag key={r.id} color="gold">
                  {label(t, 'pool.reminder', r.kind)} · {r.dueOn}
                </Tag>
              ))}
            </Space>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <TimelineCard customerNo={no} tick={tick} />
      </Col>
      <Modal
        open={dialog === 'interaction'}
        title={t('interaction.log')}
        footer={null}
        destroyOnHidden
        onCancel={() => setDialog(null)}
      >
        <InteractionForm
          customerNo={no}
          onLogged={() => {
            message.success(t('interaction.logged'));
            changed();
          }}
        />
      </Modal>
      <Modal
        open={dialog === 'task'}
        title={t('c360.newTask')}
        footer={null}
        destroyOnHidden
        onCancel={() => setDialog(null)}
      >
        <Form layout="vertical" onFinish={createTask} data-testid="task-form">
          <Form.Item name="title" label={t('c360.taskTitle')} rules={[{ required: true, max: 200 }]}>
            <Input data-testid="task-title" />
          </Form.Item>
          <Form.Item name="notes" label={t('c360.taskNotes')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="dueOn" label={t('c360.taskDue')}>
            <DayPicker allowClear data-testid="task-due" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="task-save">
            {t('c360.createTask')}
          </Button>
        </Form>
      </Modal>
    </Row>
  );
}
