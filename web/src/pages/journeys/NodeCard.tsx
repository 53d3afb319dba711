import {
  BranchesOutlined,
  ClockCircleOutlined,
  ExportOutlined,
  FieldTimeOutlined,
  ForkOutlined,
  ScheduleOutlined,
  SendOutlined,
  TagOutlined,
} from '@ant-design/icons';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { JourneyNode, NodeKind } from './api.ts';
import { exitsOf } from './graph.ts';
import { useNodeSummary } from './summary.ts';

/** What one node of the canvas shows: the node, its problems, and (on a running journey) its counts. */
export interface NodeCardData extends Record<string, unknown> {
  readonly node: JourneyNode;
  readonly start: boolean;
  readonly problems: readonly string[];
  readonly counts?: {
    readonly entered: number;
    readonly waiting: number;
    readonly converted: number;
    readonly exits: Readonly<Record<string, number>>;
  };
}
export type CardNode = Node<NodeCardData, 'journeyNode'>;

export const KIND_ICONS: Record<NodeKind, ReactNode> = {
  wait: <ClockCircleOutlined />,
  branch: <BranchesOutlined />,
  split: <ForkOutlined />,
  send: <SendOutlined />,
  task: <ScheduleOutlined />,
  tag: <TagOutlined />,
  wait_for_event: <FieldTimeOutlined />,
  exit: <ExportOutlined />,
};

const KIND_COLORS: Record<NodeKind, string> = {
  wait: '#faad14',
  branch: '#722ed1',
  split: '#13c2c2',
  send: '#1677ff',
  task: '#52c41a',
  tag: '#eb2f96',
  wait_for_event: '#fa8c16',
  exit: '#8c8c8c',
};

/** One node on the canvas: kind, id, what it does, its exits as handles, counts while the journey runs. */
export function NodeCard({ data, selected }: NodeProps<CardNode>) {
  const { t, lang } = useI18n();
  const format = (n: number) => formatInteger(n, lang);
  const { node, counts, problems } = data;
  const summary = useNodeSummary(node);
  const exits = exitsOf(node);
  const bad = problems.length > 0;
  return (
    <div
      data-testid={`journey-node-${node.id}`}
      data-problems={bad ? 'yes' : 'no'}
      title={problems.join('\n')}
      style={{
        width: 220,
        background: '#fff',
        borderRadius: 8,
        border: `${selected ? 2 : 1}px solid ${bad ? '#ff4d4f' : selected ? '#1677ff' : '#d9d9d9'}`,
        boxShadow: '0 1px 4px rgba(0,0,0,0.08)',
        fontSize: 12,
      }}
    >
      <Handle
        type="target"
        position={Position.Top}
        style={{ background: '#8c8c8c', width: 10, height: 10 }}
      />
      <div
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 6,
          padding: '6px 10px',
          borderBottom: '1px solid #f0f0f0',
          borderTop: `3px solid ${KIND_COLORS[node.kind]}`,
          borderRadius: '8px 8px 0 0',
        }}
      >
        <span style={{ color: KIND_COLORS[node.kind] }}>{KIND_ICONS[node.kind]}</span>
        <Typography.Text strong style={{ fontSize: 12 }}>
          {t(`jny.kind.${node.kind}`)}
        </Typography.Text>
        {data.start && (
          <Typography.Text type="success" style={{ fontSize: 11 }}>
            {t('jny.start')}
          </Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 11, marginLeft: 'auto' }} data-raw-key>
          {node.id}
        </Typography.Text>
      </div>
      <div style={{ padding: '6px 10px', minHeight: 22, color: '#434343' }}>{summary}</div>
      {counts && (
        <div
          data-testid={`journey-counts-${node.id}`}
          style={{ padding: '4px 10px', background: '#f6f8fa', display: 'flex', gap: 10, flexWrap: 'wrap' }}
        >
          <span>
            {t('jny.count.entered')}{' '}
            <b data-testid={`journey-entered-${node.id}`}>{format(counts.entered)}</b>
          </span>
          <span>
            {t('jny.count.waiting')}{' '}
            <b data-testid={`journey-waiting-${node.id}`}>{format(counts.waiting)}</b>
          </span>
          {counts.converted > 0 && (
            <span>
              {t('jny.count.converted')} <b>{format(counts.converted)}</b>
            </span>
          )}
        </div>
      )}
      {exits.length > 0 && (
        <div style={{ display: 'flex', justifyContent: 'space-around', padding: '2px 4px 8px' }}>
          {exits.map((exit) => (
            <div key={exit} style={{ position: 'relative', textAlign: 'center', minWidth: 30 }}>
              <Typography.Text type="secondary" style={{ fontSize: 10 }}>
                {exit === 'next' ? '' : exitLabel(t, exit)}
                {counts?.exits[exit] !== undefined && (
                  <b data-testid={`journey-exit-${node.id}-${exit}`}> {format(counts.exits[exit] ?? 0)}</b>
                )}
              </Typography.Text>
              <Handle
                type="source"
                id={exit}
                position={Position.Bottom}
                style={{ background: KIND_COLORS[node.kind], bottom: -10, width: 10, height: 10 }}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** The label of an exit: the fixed ones translated, arm keys as the author named them. */
export function exitLabel(t: ReturnType<typeof useI18n>['t'], exit: string): string {
  if (exit === 'default' || exit === 'event' || exit === 'timeout' || exit === 'next')
    return t(`jny.exit.${exit}`);
  return exit;
}
