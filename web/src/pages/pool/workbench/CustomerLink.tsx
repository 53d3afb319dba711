import { Typography } from 'antd';
import { navigate } from '../../../router.ts';

/** A customer's masked name and number, opening Customer 360. */
export function CustomerLink({ no, name }: { no: string; name: string | null }) {
  return (
    <Typography.Link onClick={() => navigate(`/customers/${encodeURIComponent(no)}`)}>
      {name ?? no} <Typography.Text type="secondary">{no}</Typography.Text>
    </Typography.Link>
  );
}
