import { Typography } from 'antd';
import { navigate } from '../router.ts';

/** A customer number linking to that customer's 360 page: a real link (new tab works), navigated in-app on click. */
export function CustomerNoLink({ no, testId }: { no: string; testId?: string }) {
  const href = `/customers/${encodeURIComponent(no)}`;
  return (
    <Typography.Link
      href={href}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
      data-testid={testId}
    >
      {no}
    </Typography.Link>
  );
}
