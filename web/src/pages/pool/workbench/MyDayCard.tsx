import { Col, Row } from 'antd';
import { RemindersCard } from './RemindersCard.tsx';
import { TasksCard } from './TasksCard.tsx';

/**
 * What is due for one manager: open tasks and service reminders side by side, each a compact page with its own
 * filters, so the pool below stays in view however many reminders there are.
 */
export function MyDayCard({ staffId, tick }: { staffId: string; tick: number }) {
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }} data-testid="my-day">
      <Col xs={24} xl={12}>
        <TasksCard staffId={staffId} tick={tick} />
      </Col>
      <Col xs={24} xl={12}>
        <RemindersCard staffId={staffId} tick={tick} />
      </Col>
    </Row>
  );
}
