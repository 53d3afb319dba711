import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import type { ReactNode } from 'react';
import { navigate } from '../router.ts';

/** A page's title, one line on what it is for, and its actions on the right (as on the Overview page). */
export function PageHeader(props: {
  title: ReactNode;
  subtitle?: ReactNode;
  extra?: ReactNode;
  back?: ReactNode;
}) {
  return (
    <div
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'flex-end',
        justifyContent: 'space-between',
        gap: 16,
        marginBottom: 20,
      }}
    >
      <div style={{ minWidth: 0 }}>
        {props.back}
        <Typography.Title level={3} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        {props.subtitle && <Typography.Text type="secondary">{props.subtitle}</Typography.Text>}
      </div>
      {props.extra && <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12 }}>{props.extra}</div>}
    </div>
  );
}

/** The link back up from a page to the list it belongs to. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Button
      type="link"
      icon={<ArrowLeftOutlined />}
      onClick={() => navigate(to)}
      style={{ paddingInline: 0 }}
    >
      {children}
    </Button>
  );
}
