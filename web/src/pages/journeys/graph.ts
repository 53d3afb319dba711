import { exitsOf } from '../../../../src/journeys/exits.ts';
import type { JourneyBody, JourneyNode, NodeKind } from './api.ts';

export { exitsOf };

// The canvas's view of a journey body: positions (the body's `layout`, or a layered layout from the start node for
// nodes without one), the exits each node has (the server's rule, src/journeys/model.ts exitsOf), and the edits the
// canvas makes — add a node, connect an exit, delete — each returning a new body (the body stays the one source).

export type Edge = JourneyBody['edges'][number];
export interface Position {
  readonly x: number;
  readonly y: number;
}

const COLUMN = 260;
const ROW = 170;

/** Where each node is drawn: its stored position, else a row by distance from the start (top down) and a column in it. */
export function positions(body: JourneyBody): Map<string, Position> {
  const depth = new Map<string, number>([[body.start, 0]]);
  const queue = [body.start];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const e of body.edges)
      if (e.from === from && !depth.has(e.to)) {
        depth.set(e.to, depth.get(from)! + 1);
        queue.push(e.to);
      }
  }
  const maxDepth = Math.max(0, ...depth.values());
  const rows = new Map<number, number>();
  const out = new Map<string, Position>();
  for (const node of body.nodes) {
    const stored = body.layout?.[node.id];
    if (stored) {
      out.set(node.id, stored);
      continue;
    }
    const level = depth.get(node.id) ?? maxDepth + 1; // unreachable nodes stand below the rest
    const column = rows.get(level) ?? 0;
    rows.set(level, column + 1);
    out.set(node.id, { x: column * COLUMN, y: level * ROW });
  }
  return out;
}

/** A fresh node id for a kind: `send_1`, `send_2`, … */
export function newNodeId(body: JourneyBody, kind: NodeKind): string {
  const taken = new Set(body.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** A node of `kind` with the defaults an author starts from (a send still needs its content chosen). */
export function defaultNode(
  id: string,
  kind: NodeKind,
  defaults: { contentId?: number; contentVersion?: number; channel?: string } = {},
): JourneyNode {
  switch (kind) {
    case 'wait':
      return { id, kind, duration: { days: 1 } };
    case 'branch':
      return { id, kind, arms: [{ key: 'yes', rule: { all: [] } }] };
    case 'split':
      return {
        id,
        kind,
        arms: [
          { key: 'a', share: 50 },
          { key: 'b', share: 50 },
        ],
      };
    case 'send':
      return {
        id,
        kind,
        content: { id: defaults.contentId ?? 1, version: defaults.contentVersion ?? 1 },
        channels: [defaults.channel ?? 'sms'],
        purpose: 'marketing',
      } as JourneyNode;
    case 'task':
      return { id, kind, title: 'Call the customer', dueDays: 3 };
    case 'tag':
      return { id, kind, action: 'add', tag: '', value: '' };
    case 'wait_for_event':
      return { id, kind, event: '', timeout: { days: 3 } };
    case 'exit':
      return { id, kind };
  }
}

/** The body with a node added at `at`. */
export function addNode(body: JourneyBody, node: JourneyNode, at: Position): JourneyBody {
  return { ...body, nodes: [...body.nodes, node], layout: { ...currentLayout(body), [node.id]: at } };
}

/** The body with `node` replacing the node of the same id; edges leaving exits the node no longer has are dropped. */
export function replaceNode(body: JourneyBody, node: JourneyNode): JourneyBody {
  const exits = new Set(exitsOf(node));
  return {
    ...body,
    nodes: body.nodes.map((n) => (n.id === node.id ? node : n)),
    edges: body.edges.filter((e) => e.from !== node.id || exits.has(e.exit)),
  };
}

/** The body with an exit leading to `to` (an exit leads to one node: a new edge replaces the old). */
export function connect(body: JourneyBody, edge: Edge): JourneyBody {
  if (edge.from === edge.to) return body;
  return {
    ...body,
    edges: [...body.edges.filter((e) => !(e.from === edge.from && e.exit === edge.exit)), edge],
  };
}

/** The body without the edge leaving `from` by `exit`. */
export function disconnect(body: JourneyBody, from: string, exit: string): JourneyBody {
  return { ...body, edges: body.edges.filter((e) => !(e.from === from && e.exit === exit)) };
}

/** The body without a node and its edges (the start node stays: a journey needs one). */
export function removeNode(body: JourneyBody, id: string): JourneyBody {
  if (id === body.start) return body;
  const layout = { ...currentLayout(body) };
  delete layout[id];
  return {
    ...body,
    nodes: body.nodes.filter((n) => n.id !== id),
    edges: body.edges.filter((e) => e.from !== id && e.to !== id),
    layout,
  };
}

/** The body with every node's drawn position stored (so a moved node stays where it was put). */
export function moveNode(body: JourneyBody, id: string, to: Position): JourneyBody {
  const all = Object.fromEntries(positions(body));
  return { ...body, layout: { ...all, [id]: { x: Math.round(to.x), y: Math.round(to.y) } } };
}

function currentLayout(body: JourneyBody): Record<string, Position> {
  return Object.fromEntries(positions(body));
}

/** The node a server problem is about: its `node`, else the node its path (['nodes', i, …]) points into. */
export function problemNode(
  body: JourneyBody,
  problem: { node?: string | null; path: readonly (string | number)[] | string },
): string | undefined {
  if (problem.node) return problem.node;
  const path = typeof problem.path === 'string' ? problem.path.split('/').filter(Boolean) : problem.path;
  if (path[0] === 'nodes' && path[1] !== undefined) return body.nodes[Number(path[1])]?.id;
  if (path[0] === 'edges' && path[1] !== undefined) return body.edges[Number(path[1])]?.from;
  return undefined;
}

/**
 * A deposit-maturity journey to start from: customers whose time deposit matures in 7 days are split A/B; arm A gets
 * a reminder at once, arm B a day later; then wait three days for a renewal (the goal) before a manager's call.
 */
export function depositMaturityTemplate(send: {
  contentId: number;
  contentVersion: number;
  channel: string;
}): JourneyBody {
  const sendNode = (id: string): JourneyNode =>
    ({
      id,
      kind: 'send',
      content: { id: send.contentId, version: send.contentVersion },
      channels: [send.channel],
      purpose: 'service',
    }) as JourneyNode;
  return {
    entry: { kind: 'date', field: 'deposit_maturity', daysBefore: 7 },
    start: 'split_1',
    nodes: [
      {
        id: 'split_1',
        kind: 'split',
        arms: [
          { key: 'a', share: 50 },
          { key: 'b', share: 50 },
        ],
      },
      sendNode('send_a'),
      { id: 'wait_b', kind: 'wait', duration: { days: 1 } },
      sendNode('send_b'),
      { id: 'wait_1', kind: 'wait', duration: { days: 3 } },
      { id: 'task_1', kind: 'task', title: 'Call about the maturing deposit', dueDays: 2 },
      { id: 'exit_1', kind: 'exit' },
    ],
    edges: [
      { from: 'split_1', exit: 'a', to: 'send_a' },
      { from: 'split_1', exit: 'b', to: 'wait_b' },
      { from: 'wait_b', exit: 'next', to: 'send_b' },
      { from: 'send_a', exit: 'next', to: 'wait_1' },
      { from: 'send_b', exit: 'next', to: 'wait_1' },
      { from: 'wait_1', exit: 'next', to: 'task_1' },
      { from: 'task_1', exit: 'next', to: 'exit_1' },
    ],
    reentry: { kind: 'once' },
    controlPercent: 10,
    goal: { event: 'purchase' },
  };
}
