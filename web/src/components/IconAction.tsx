import { Button, Tooltip, type ButtonProps } from 'antd';
import type { ReactNode } from 'react';

/** An icon-only button whose title is both its tooltip and its accessible name (table rows, list items). */
export function IconAction(props: {
  readonly title: string;
  readonly icon: ReactNode;
  readonly onClick?: () => void;
  readonly href?: string;
  readonly testId?: string;
  readonly type?: ButtonProps['type'];
  readonly size?: ButtonProps['size'];
  readonly danger?: boolean;
}) {
  return (
    <Tooltip title={props.title}>
      <Button
        type={props.type ?? 'text'}
        size={props.size}
        danger={props.danger}
        icon={props.icon}
        aria-label={props.title}
        onClick={props.onClick}
        href={props.href}
        data-testid={props.testId}
      />
    </Tooltip>
  );
}
