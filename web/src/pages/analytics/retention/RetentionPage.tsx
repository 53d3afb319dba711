import { Empty } from 'antd';

/** Placeholder until this analysis's page lands (issue #5, in progress this session). */
export function RetentionPage() {
  return <Empty />;
}
