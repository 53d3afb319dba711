import { sql, type Kysely, type Transaction } from 'kysely';
import { contactPolicy } from '../campaigns/policy/store.ts';
import type { ContactChannel, ContactPolicy } from '../campaigns/policy/settings.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import type { MembershipState } from '../store/operational/journey-tables.ts';
import type { JourneyBody, JourneyNode } from './model.ts';
import {
  runNode,
  type ArmMembers,
  type NodeContext,
  type Outcome,
  type RuleMembers,
  type Walker,
} from './nodes.ts';

// The journey engine: any number of workers claim due memberships (FOR UPDATE SKIP LOCKED, so they share the
// timers), and move each through the nodes that act at once (branch, split, send, task, tag) until it rests on a
// wait or leaves. A batch is one transaction: every step's effect (deliveries, cap reservations, tasks, tags), the
// step log and the memberships' moves commit together or not at all, so a worker killed at any point leaves the
// batch as it was and the next claim repeats it whole — no send twice, no step skipped.

/** What the engine needs. */
export interface EngineDeps {
  readonly db: Kysely<Database>;
  /** The bank's calendar (waits until a time of day, business days of sends). */
  readonly clock: Clock;
  /** Members of a branch's rule at that moment (the segment service's `ruleMembers`). */
  readonly ruleMembers: RuleMembers;
  /** The contact policy; the stored one when omitted. */
  readonly policy?: ContactPolicy;
}

/** Counts of one batch. */
export interface ProcessReport {
  readonly claimed: number;
  readonly steps: number;
  readonly waiting: number;
  readonly exited: number;
}

/** A step to log. */
interface Step {
  readonly nodeId: string;
  readonly exit: string | null;
  readonly outcome: string;
}

interface Claimed {
  id: string;
  journey_id: number;
  version_id: number;
  customer_id: number;
  current_node: string;
  state: MembershipState;
  signal: string | null;
  arm: string | null;
  steps: number;
  holding_due_on: string | null;
}

/** Where a membership stands while a batch moves it. */
interface Move extends Walker {
  readonly versionId: number;
  node: string;
  state: MembershipState;
  dueAt: Date | null;
  arm: string | null;
  exitReason: string | null;
  readonly firstStep: number;
  readonly log: Step[];
}

/** Nodes one batch moves a membership through at most (a valid graph has no loop without a wait). */
const MAX_HOPS = 100;

// Per store: two stores in one process (tests, a migration tool) number their versions alike.
const cache = new WeakMap<Kysely<Database>, Map<number, Promise<Graph>>>();

type Graph = ReadonlyMap<string, JourneyNode> & { edges: Map<string, string> };

/** A version's nodes by id and its edges by 'from\0exit' (versions never change: cached per process). */
function graphOf(db: Kysely<Database>, versionId: number): Promise<Graph> {
  let bodies = cache.get(db);
  if (!bodies) cache.set(db, (bodies = new Map()));
  let graph = bodies.get(versionId);
  if (!graph) {
    graph = (async () => {
      const row = await db
        .selectFrom('journey_versions')
        .select('body')
        .where('id', '=', versionId)
        .executeTakeFirstOrThrow();
      const body = row.body as unknown as JourneyBody;
      const nodes = new Map(body.nodes.map((n) => [n.id, n])) as Map<string, JourneyNode> & {
        edges: Map<string, string>;
      };
      nodes.edges = new Map(body.edges.map((e) => [`${e.from}\u0000${e.exit}`, e.to]));
      return nodes;
    })();
    graph.catch(() => bodies.delete(versionId));
    bodies.set(versionId, graph);
  }
  return graph;
}

/**
 * The versions of live journeys with memberships due at `now`, with their graphs and every branch arm's members
 * evaluated now: the segment index is read outside the batch's transaction (the embedded store has one connection).
 */
async function dueVersions(
  deps: EngineDeps,
  now: Date,
): Promise<{ graphs: Map<number, Graph>; arms: Map<string, ArmMembers[]> }> {
  const { rows } = await sql<{ id: number }>`
    select v.id from journey_versions v join journeys j on j.id = v.journey_id
     where j.status = 'live'
       and exists (select 1 from journey_memberships m
                    where m.version_id = v.id and m.state in ('active', 'waiting') and m.due_at <= ${now})`.execute(
    deps.db,
  );
  const graphs = new Map<number, Graph>();
  const arms = new Map<string, ArmMembers[]>();
  for (const { id } of rows) {
    const graph = await graphOf(deps.db, id);
    graphs.set(id, graph);
    for (const node of graph.values()) {
      if (node.kind !== 'branch') continue;
      const members: ArmMembers[] = [];
      for (const arm of node.arms) {
        const result = await deps.ruleMembers(arm.rule);
        members.push(result.ok ? result.value.bitmap : result.error.message);
      }
      arms.set(`${id}\u0000${node.id}`, members);
    }
  }
  return { graphs, arms };
}

/** Claims up to `limit` memberships due at `now` in live journeys and moves each as far as it goes now. */
export async function processDue(
  deps: EngineDeps,
  options: { readonly now: Date; readonly limit: number },
): Promise<ProcessReport> {
  const { now } = options;
  const clock: Clock = { ...deps.clock, now: () => now, today: () => deps.clock.dayOf(now) };
  const [policy, channelRows] = await Promise.all([
    deps.policy ?? contactPolicy(deps.db),
    deps.db.selectFrom('channels').select(['key', 'reaches']).where('enabled', '=', true).execute(),
  ]);
  const channels = new Map<string, ContactChannel>(channelRows.map((c) => [c.key, c.reaches]));
  const { graphs, arms } = await dueVersions(deps, now);
  if (graphs.size === 0) return { claimed: 0, steps: 0, waiting: 0, exited: 0 };
  return deps.db.transaction().execute(async (tx) => {
    // The journeys still live, share-locked before anything else: a pause or stop (which locks the journey first, then
    // its send campaigns and memberships) waits for this batch, or this batch for it and then sees it paused — a batch
    // never queues messages into the campaign of a journey paused meanwhile.
    const live = (
      await sql<{ id: number }>`
        select j.id from journeys j
         where j.status = 'live'
           and j.id in (select v.journey_id from journey_versions v where v.id = any(${[...graphs.keys()]}::int[]))
         order by j.id
           for share`.execute(tx)
    ).rows.map((r) => r.id);
    if (live.length === 0) return { claimed: 0, steps: 0, waiting: 0, exited: 0 };
    const claimed = (
      await sql<Claimed>`
        select m.id, m.journey_id, m.version_id, m.customer_id, m.current_node, m.state, m.signal, m.arm, m.steps,
               m.holding_due_on::text as holding_due_on
          from journey_memberships m
         where m.state in ('active', 'waiting') and m.due_at <= ${now}
           and m.version_id = any(${[...graphs.keys()]}::int[])
           and m.journey_id = any(${live}::int[])
         order by m.due_at
         limit ${options.limit}
           for update of m skip locked`.execute(tx)
    ).rows;
    if (claimed.length === 0) return { claimed: 0, steps: 0, waiting: 0, exited: 0 };
    const sends = new Map<string, number>();
    const context: NodeContext = {
      tx,
      clock,
      policy,
      channels,
      branchMembers: (versionId, nodeId) => arms.get(`${versionId}\u0000${nodeId}`) ?? [],
      async sendCampaign(versionId, nodeId) {
        const key = `${versionId}\u0000${nodeId}`;
        if (!sends.has(key)) {
          const row = await tx
            .selectFrom('journey_sends')
            .select('campaign_id')
            .where('version_id', '=', versionId)
            .where('node_id', '=', nodeId)
            .executeTakeFirstOrThrow();
          sends.set(key, row.campaign_id);
        }
        return sends.get(key)!;
      },
    };
    const moves = claimed.map((c): Move => ({
      id: c.id,
      journeyId: c.journey_id,
      customerId: c.customer_id,
      holdingDueOn: c.holding_due_on,
      versionId: c.version_id,
      node: c.current_node,
      state: c.state,
      dueAt: null,
      arm: c.arm,
      exitReason: null,
      firstStep: c.steps,
      log: [],
    }));
    // A membership whose wait is over leaves the wait node by its exit first.
    for (const [i, move] of moves.entries()) {
      if (move.state !== 'waiting') continue;
      const graph = graphs.get(move.versionId)!;
      const node = graph.get(move.node);
      const exit =
        node?.kind === 'wait_for_event' ? (claimed[i]!.signal === 'event' ? 'event' : 'timeout') : 'next';
      follow(move, graph.edges, { exit, outcome: exit === 'next' ? 'waited' : exit });
    }
    let moving = moves.filter((m) => m.state === 'active');
    for (let hop = 0; moving.length > 0 && hop < MAX_HOPS; hop++) {
      const groups = new Map<string, Move[]>();
      for (const m of moving) {
        const key = `${m.versionId}\u0000${m.node}`;
        const group = groups.get(key);
        if (group) group.push(m);
        else groups.set(key, [m]);
      }
      for (const group of groups.values()) {
        const graph = graphs.get(group[0]!.versionId)!;
        const node = graph.get(group[0]!.node);
        if (!node) {
          for (const m of group) leave(m, 'no_node');
          continue;
        }
        const outcomes = await runNode(context, group[0]!.versionId, node, group);
        group.forEach((m, i) => {
          const outcome = outcomes[i]!;
          if ('waitUntil' in outcome) {
            m.state = 'waiting';
            m.dueAt = outcome.waitUntil;
          } else if (node.kind === 'exit') {
            m.log.push({ nodeId: node.id, exit: null, outcome: outcome.outcome });
            leave(m, 'exit');
          } else follow(m, graph.edges, outcome);
        });
      }
      moving = moving.filter((m) => m.state === 'active');
    }
    // Still moving after MAX_HOPS: due again at once, in the next batch.
    for (const m of moving) m.dueAt = now;
    await write(tx, moves, now);
    return {
      claimed: moves.length,
      steps: moves.reduce((n, m) => n + m.log.length, 0),
      waiting: moves.filter((m) => m.state === 'waiting').length,
      exited: moves.filter((m) => m.state === 'exited').length,
    };
  });
}

/** Logs the step of the node a membership stands on and moves it along the exit taken. */
function follow(move: Move, edges: ReadonlyMap<string, string>, outcome: Extract<Outcome, { exit: string }>) {
  move.log.push({ nodeId: move.node, exit: outcome.exit, outcome: outcome.outcome });
  if (outcome.arm !== undefined) move.arm = outcome.arm;
  const to = edges.get(`${move.node}\u0000${outcome.exit}`);
  if (to === undefined) {
    move.state = 'exited';
    move.exitReason = 'no_path';
    return;
  }
  move.node = to;
  move.state = 'active';
}

function leave(move: Move, reason: string) {
  move.state = 'exited';
  move.exitReason = reason;
}

/** The memberships' moves and their steps, in two statements. */
async function write(tx: Transaction<Database>, moves: readonly Move[], now: Date): Promise<void> {
  const steps = moves.flatMap((m) =>
    m.log.map((s, i) => ({ membership: m.id, stepNo: m.firstStep + i + 1, version: m.versionId, ...s })),
  );
  if (steps.length > 0)
    await sql`
      insert into journey_steps (membership_id, step_no, version_id, node_id, exit, outcome, at)
      select t.m, t.n, t.v, t.node, t.exit, t.outcome, ${now}::timestamptz
        from unnest(${steps.map((s) => s.membership)}::bigint[], ${steps.map((s) => s.stepNo)}::int[],
                    ${steps.map((s) => s.version)}::int[], ${steps.map((s) => s.nodeId)}::text[],
                    ${steps.map((s) => s.exit)}::text[], ${steps.map((s) => s.outcome)}::text[])
             as t(m, n, v, node, exit, outcome)`.execute(tx);
  const col = <T>(f: (m: Move) => T) => moves.map(f);
  await sql`
    update journey_memberships m
       set current_node = t.node, state = t.state, due_at = t.due_at, signal = null, arm = t.arm,
           steps = m.steps + t.steps, exit_reason = t.reason,
           exited_at = case when t.state = 'exited' then ${now}::timestamptz else null end
      from unnest(${col((m) => m.id)}::bigint[], ${col((m) => m.node)}::text[], ${col((m) => m.state)}::text[],
                  ${col((m) => (m.state === 'exited' ? null : (m.dueAt ?? now).toISOString()))}::timestamptz[],
                  ${col((m) => m.arm)}::text[], ${col((m) => m.log.length)}::int[],
                  ${col((m) => m.exitReason)}::text[]) as t(id, node, state, due_at, arm, steps, reason)
     where m.id = t.id`.execute(tx);
}

/**
 * Processes batches until nothing is due at `now` or `maxBatches` ran (the worker's tick: the rest waits for the next
 * one); the memberships claimed in all.
 */
export async function processAllDue(
  deps: EngineDeps,
  options: { readonly now: Date; readonly limit: number; readonly maxBatches?: number },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const report = await processDue(deps, { now: options.now, limit: options.limit });
    total += report.claimed;
    if (report.claimed === 0) break;
  }
  return total;
}
