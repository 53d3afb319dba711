import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge as FlowEdge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { JourneyBody } from './api.ts';
import { connect, disconnect, moveNode, positions, removeNode } from './graph.ts';
import { exitLabel, NodeCard, type CardNode, type NodeCardData } from './NodeCard.tsx';

const NODE_TYPES = { journeyNode: NodeCard };

/** Fits the drawing in view whenever a node is added or removed, so a new node is never drawn off the canvas. */
function FitOnCount({ count }: { count: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    // After React Flow has measured the new node.
    const timer = setTimeout(() => void flow.fitView({ padding: 0.2 }), 50);
    return () => clearTimeout(timer);
  }, [count, flow]);
  return null;
}

/** Counts of one node while the journey runs (from GET /v1/journeys/{id}/counts). */
export type CanvasCounts = ReadonlyMap<string, NonNullable<NodeCardData['counts']>>;

/**
 * The journey graph on a React Flow canvas. Editable: nodes are dragged (their position kept in the body's layout),
 * an exit's handle is dragged onto a node to connect it (one edge per exit), a selected node or edge is deleted with
 * the Delete key. Read-only: the same drawing with counts per node and per exit.
 */
export function JourneyCanvas(props: {
  body: JourneyBody;
  editable: boolean;
  problems?: ReadonlyMap<string, readonly string[]>;
  counts?: CanvasCounts;
  selected?: string | null;
  onSelect?: (nodeId: string | null) => void;
  onChange?: (body: JourneyBody) => void;
  height?: number;
}) {
  const { t } = useI18n();
  const { body, editable, onChange } = props;
  const nodes = useMemo<CardNode[]>(() => {
    const at = positions(body);
    return body.nodes.map((node) => ({
      id: node.id,
      type: 'journeyNode',
      position: at.get(node.id) ?? { x: 0, y: 0 },
      selected: props.selected === node.id,
      deletable: editable && node.id !== body.start,
      data: {
        node,
        start: node.id === body.start,
        problems: props.problems?.get(node.id) ?? [],
        ...(props.counts?.get(node.id) ? { counts: props.counts.get(node.id)! } : {}),
      },
    }));
  }, [body, editable, props.problems, props.counts, props.selected]);
  const edges = useMemo<FlowEdge[]>(
    () =>
      body.edges.map((e) => ({
        id: `${e.from}:${e.exit}`,
        source: e.from,
        sourceHandle: e.exit,
        target: e.to,
        deletable: editable,
        markerEnd: { type: MarkerType.ArrowClosed },
        ...(e.exit === 'next' ? {} : { label: exitLabel(t, e.exit) }),
      })),
    [body.edges, editable, t],
  );

  const onNodesChange = (changes: NodeChange<CardNode>[]) => {
    let next = body;
    for (const c of changes) {
      if (c.type === 'position' && c.position) next = moveNode(next, c.id, c.position);
      if (c.type === 'remove') next = removeNode(next, c.id);
      if (c.type === 'select' && c.selected) props.onSelect?.(c.id);
    }
    if (next !== body) onChange?.(next);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    let next = body;
    for (const c of changes)
      if (c.type === 'remove') {
        const [from, exit] = c.id.split(':') as [string, string];
        next = disconnect(next, from, exit);
      }
    if (next !== body) onChange?.(next);
  };
  const onConnect = (c: Connection) => {
    if (c.source && c.target && c.sourceHandle)
      onChange?.(connect(body, { from: c.source, exit: c.sourceHandle, to: c.target }));
  };

  return (
    <div
      data-testid="journey-canvas"
      style={{
        height: props.height ?? 520,
        border: '1px solid #eef0f3',
        borderRadius: 8,
        background: '#fafbfc',
      }}
    >
      <ReactFlow<CardNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={{ padding: 0.2 }}
        minZoom={0.2}
        nodesDraggable={editable}
        nodesConnectable={editable}
        elementsSelectable
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={() => props.onSelect?.(null)}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
      >
        <FitOnCount count={nodes.length} />
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
