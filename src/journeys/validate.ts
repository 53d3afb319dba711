import { sql, type Kysely } from 'kysely';
import { listDictionary } from '../dictionary/service.ts';
import type { Database } from '../store/operational/database.ts';
import { exitsOf, type JourneyBody, type JourneyNode } from './model.ts';

// What the body schema cannot say about a journey: its graph (every exit leads somewhere, every node is reachable,
// no loop a customer could run round without waiting), split shares, and the world it names — approved content,
// enabled channels, events the data dictionary knows, manual tags. Each problem names the node it is about.

/** Why a journey is refused. */
export type ProblemCode =
  | 'duplicate_node'
  | 'unknown_start'
  | 'unknown_node'
  | 'unknown_exit'
  | 'duplicate_exit'
  | 'missing_exit'
  | 'branch_without_default'
  | 'cycle_without_wait'
  | 'unreachable'
  | 'split_shares'
  | 'unapproved_content'
  | 'unknown_channel'
  | 'unknown_event'
  | 'unknown_tag'
  | 'unknown_segment'
  | 'invalid_rule';

/** One problem, located: the node (when it concerns one) and the JSON path in the body. */
export interface JourneyProblem {
  readonly code: ProblemCode;
  readonly node?: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The world a journey is checked against. */
export interface ValidationContext {
  readonly knownEvents: ReadonlySet<string>;
  /** Approved content versions as 'id:version'. */
  readonly approvedContent: ReadonlySet<string>;
  /** Enabled channel keys. */
  readonly channels: ReadonlySet<string>;
  /** Manual tags and their allowed values (null: any value). */
  readonly manualTags: ReadonlyMap<string, readonly string[] | null>;
  /** Saved segment ids. */
  readonly segments: ReadonlySet<string>;
}

/** Nodes a customer rests on: a loop through one of them cannot spin. */
const WAITS = new Set<JourneyNode['kind']>(['wait', 'wait_for_event']);

/** The problems of a parsed journey body (empty: valid). */
export function validateJourney(body: JourneyBody, context: ValidationContext): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const index = new Map<string, number>();
  body.nodes.forEach((node, i) => {
    if (index.has(node.id))
      problems.push({
        code: 'duplicate_node',
        node: node.id,
        path: ['nodes', i, 'id'],
        message: `node ${node.id} is declared twice`,
      });
    else index.set(node.id, i);
  });
  if (!index.has(body.start))
    problems.push({ code: 'unknown_start', path: ['start'], message: `start names no node: ${body.start}` });
  problems.push(...edgeProblems(body, index));
  if (problems.length > 0) return problems;
  problems.push(...graphProblems(body, index));
  body.nodes.forEach((node, i) => problems.push(...nodeProblems(node, ['nodes', i], context)));
  const event = (e: string, path: (string | number)[], node?: string) => {
    if (!context.knownEvents.has(e))
      problems.push({
        code: 'unknown_event',
        ...(node ? { node } : {}),
        path,
        message: `the data dictionary knows no event ${e}`,
      });
  };
  if (body.entry.kind === 'event') event(body.entry.event, ['entry', 'event']);
  const segment =
    body.entry.kind === 'segment'
      ? { id: body.entry.segmentId, path: ['entry', 'segmentId'] }
      : body.entry.kind === 'schedule' && 'segmentId' in body.entry.population
        ? { id: body.entry.population.segmentId, path: ['entry', 'population', 'segmentId'] }
        : undefined;
  if (segment && !context.segments.has(segment.id))
    problems.push({ code: 'unknown_segment', path: segment.path, message: `no saved segment ${segment.id}` });
  if (body.goal) event(body.goal.event, ['goal', 'event']);
  body.nodes.forEach((node, i) => {
    if (node.kind === 'wait_for_event') event(node.event, ['nodes', i, 'event'], node.id);
  });
  return problems;
}

function edgeProblems(body: JourneyBody, index: ReadonlyMap<string, number>): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const taken = new Set<string>();
  body.edges.forEach((edge, i) => {
    const from = index.get(edge.from);
    if (from === undefined || !index.has(edge.to)) {
      const missing = from === undefined ? edge.from : edge.to;
      problems.push({
        code: 'unknown_node',
        node: missing,
        path: ['edges', i, from === undefined ? 'from' : 'to'],
        message: `edge ${i} names no node ${missing}`,
      });
      return;
    }
    const node = body.nodes[from]!;
    if (!exitsOf(node).includes(edge.exit))
      problems.push({
        code: 'unknown_exit',
        node: node.id,
        path: ['edges', i, 'exit'],
        message: `${node.kind} node ${node.id} has no exit ${edge.exit} (exits: ${exitsOf(node).join(', ') || 'none'})`,
      });
    const key = `${edge.from}\u0000${edge.exit}`;
    if (taken.has(key))
      problems.push({
        code: 'duplicate_exit',
        node: node.id,
        path: ['edges', i],
        message: `exit ${edge.exit} of node ${node.id} leads to two nodes`,
      });
    taken.add(key);
  });
  body.nodes.forEach((node, i) => {
    for (const exit of exitsOf(node)) {
      if (taken.has(`${node.id}\u0000${exit}`)) continue;
      const noDefault = node.kind === 'branch' && exit === 'default';
      problems.push({
        code: noDefault ? 'branch_without_default' : 'missing_exit',
        node: node.id,
        path: ['nodes', i],
        message: noDefault
          ? `branch ${node.id} has no default exit: a customer no arm matches would have nowhere to go`
          : `exit ${exit} of node ${node.id} leads nowhere`,
      });
    }
  });
  return problems;
}

function graphProblems(body: JourneyBody, index: ReadonlyMap<string, number>): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const next = new Map<string, string[]>(body.nodes.map((n) => [n.id, []]));
  for (const edge of body.edges) next.get(edge.from)!.push(edge.to);
  const seen = new Set([body.start]);
  const queue = [body.start];
  while (queue.length > 0)
    for (const to of next.get(queue.pop()!)!)
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
  for (const node of body.nodes)
    if (!seen.has(node.id))
      problems.push({
        code: 'unreachable',
        node: node.id,
        path: ['nodes', index.get(node.id)!],
        message: `no path from the start reaches node ${node.id}`,
      });
  // A loop among nodes that pass a customer on at once would spin forever: look for cycles without the waits.
  const kind = new Map(body.nodes.map((n) => [n.id, n.kind]));
  const colour = new Map<string, 1 | 2>();
  const reported = new Set<string>();
  const visit = (id: string, trail: string[]): void => {
    colour.set(id, 1);
    for (const to of next.get(id)!) {
      if (WAITS.has(kind.get(to)!)) continue;
      if (colour.get(to) === 1) {
        const cycle = [...trail.slice(trail.indexOf(to)), id, to].filter((v, i, a) => a.indexOf(v) === i);
        if (!reported.has(to)) {
          reported.add(to);
          problems.push({
            code: 'cycle_without_wait',
            node: to,
            path: ['nodes', index.get(to)!],
            message: `nodes ${cycle.join(' → ')} → ${to} loop without a wait`,
          });
        }
      } else if (colour.get(to) === undefined) visit(to, [...trail, id]);
    }
    colour.set(id, 2);
  };
  for (const node of body.nodes)
    if (!WAITS.has(node.kind) && colour.get(node.id) === undefined) visit(node.id, []);
  return problems;
}

function nodeProblems(
  node: JourneyNode,
  path: (string | number)[],
  context: ValidationContext,
): JourneyProblem[] {
  const at = (code: ProblemCode, field: (string | number)[], message: string): JourneyProblem => ({
    code,
    node: node.id,
    path: [...path, ...field],
    message,
  });
  switch (node.kind) {
    case 'split': {
      const total = node.arms.reduce((sum, a) => sum + a.share, 0);
      return Math.abs(total - 100) > 1e-9
        ? [at('split_shares', ['arms'], `the shares of split ${node.id} sum to ${total}, not 100`)]
        : [];
    }
    case 'send': {
      const problems: JourneyProblem[] = [];
      if (!context.approvedContent.has(`${node.content.id}:${node.content.version}`))
        problems.push(
          at(
            'unapproved_content',
            ['content'],
            `send ${node.id}: content ${node.content.id} v${node.content.version} is not approved`,
          ),
        );
      node.channels.forEach((key, i) => {
        if (!context.channels.has(key))
          problems.push(at('unknown_channel', ['channels', i], `send ${node.id}: no enabled channel ${key}`));
      });
      return problems;
    }
    case 'tag': {
      const values = context.manualTags.get(node.tag);
      if (values === undefined)
        return [at('unknown_tag', ['tag'], `tag ${node.id}: ${node.tag} is not a manual tag`)];
      return values !== null && !values.includes(node.value)
        ? [at('unknown_tag', ['value'], `tag ${node.id}: ${node.tag} has no value ${node.value}`)]
        : [];
    }
    default:
      return [];
  }
}

/** The world a journey is checked against, read from the stores. */
export async function loadValidationContext(db: Kysely<Database>): Promise<ValidationContext> {
  const [dictionary, content, channels, tags, segments] = await Promise.all([
    listDictionary(db),
    db
      .selectFrom('content_versions')
      .select(['content_id', 'version'])
      .where('status', '=', 'approved')
      .execute(),
    db.selectFrom('channels').select('key').where('enabled', '=', true).execute(),
    sql<{ key: string; spec: { values?: { value: string }[] } }>`
      select distinct on (key) key, spec from tag_definitions
       where kind = 'manual' and status = 'active' order by key, version desc`.execute(db),
    db.selectFrom('segments').select('id').execute(),
  ]);
  return {
    knownEvents: new Set(dictionary.entries.filter((e) => e.kind === 'event').map((e) => e.key)),
    approvedContent: new Set(content.map((c) => `${c.content_id}:${c.version}`)),
    channels: new Set(channels.map((c) => c.key)),
    manualTags: new Map(tags.rows.map((t) => [t.key, t.spec.values?.map((v) => v.value) ?? null])),
    segments: new Set(segments.map((s) => s.id)),
  };
}
