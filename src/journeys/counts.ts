import { sql, type Kysely } from 'kysely';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { JourneyBody } from './model.ts';

// How many customers each node of a journey saw, from the step log and the memberships, in two `group by`
// statements. A step is logged when a membership leaves a node (or ends on an exit node); a membership resting on a
// node — inside (active or waiting), or ended there by its goal or a stop — has arrived without a step yet, so a
// node's arrivals are its steps plus the memberships resting on it. The control group never enters the graph.

/** One node's figures. */
export interface NodeCounts {
  readonly node: string;
  /** Arrivals at the node (a membership passing it twice counts twice). */
  readonly entered: number;
  /** Memberships inside the journey resting on it now (waiting, or due for their next step there). */
  readonly waiting: number;
  /** Steps that left the node, by the exit taken ('next', an arm, 'default', 'event', 'timeout'). */
  readonly exits: Record<string, number>;
  /** Memberships that reached the node and converted (the goal) — at that node or after it. */
  readonly converted: number;
}

/** The journey's totals. */
export interface JourneyTotals {
  /** Entries into the graph (the control group left out). */
  readonly entered: number;
  /** Entries inside now (active or waiting). */
  readonly inside: number;
  /** Entries that left, by reason: exit (an exit node), goal, stopped, no_path… */
  readonly exited: Record<string, number>;
  /** Entries into the graph whose goal was reached. */
  readonly converted: number;
  /** Entries held out as the control group, and how many of them reached the goal. */
  readonly control: number;
  readonly controlConverted: number;
}

/** Per node and in total, for every version or one. */
export interface JourneyCounts {
  readonly versionId: number | null;
  readonly nodes: NodeCounts[];
  readonly totals: JourneyTotals;
}

/**
 * The counts of a journey, of one version when `versionId` is given; nodes in the order of the latest version (of
 * that version), then nodes only older versions have.
 */
export async function journeyCounts(
  db: Kysely<Database>,
  journeyId: number,
  versionId?: number,
): Promise<Result<JourneyCounts>> {
  let versions = db
    .selectFrom('journey_versions')
    .select(['id', 'body'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc');
  if (versionId !== undefined) versions = versions.where('id', '=', versionId);
  const bodies = await versions.execute();
  if (bodies.length === 0)
    return err({
      code: 'not_found',
      message:
        versionId === undefined
          ? `no journey ${journeyId}`
          : `journey ${journeyId} has no version ${versionId}`,
    });
  const inVersion = versionId === undefined ? sql`true` : sql`m.version_id = ${versionId}`;
  // A step counts for the version it was taken on: a membership migrated since keeps its earlier steps there.
  const stepInVersion = versionId === undefined ? sql`true` : sql`s.version_id = ${versionId}`;
  const [perNode, perState] = await Promise.all([
    sql<{ node: string; exit: string | null; whole: boolean; n: number; waiting: number; converted: number }>`
      with arrivals as (
        select s.node_id as node, s.exit, s.membership_id as id, m.state, m.converted_at, true as logged
          from journey_steps s join journey_memberships m on m.id = s.membership_id
         where m.journey_id = ${journeyId} and ${stepInVersion}
        union all
        select m.current_node, null, m.id, m.state, m.converted_at, false
          from journey_memberships m
         where m.journey_id = ${journeyId} and ${inVersion} and m.arm is distinct from 'control'
           and (m.state in ('active', 'waiting') or m.exit_reason in ('goal', 'stopped'))
      )
      select node, exit, grouping(exit, logged) = 3 as whole, count(*)::int as n,
             count(*) filter (where not logged and state in ('active', 'waiting'))::int as waiting,
             count(distinct id) filter (where converted_at is not null)::int as converted
        from arrivals
       group by grouping sets ((node), (node, exit, logged))`.execute(db),
    sql<{ state: string; reason: string | null; control: boolean; n: number; converted: number }>`
      select m.state, m.exit_reason as reason, m.arm is not distinct from 'control' as control,
             count(*)::int as n, count(*) filter (where m.converted_at is not null)::int as converted
        from journey_memberships m
       where m.journey_id = ${journeyId} and ${inVersion}
       group by 1, 2, 3`.execute(db),
  ]);
  const nodes = new Map<
    string,
    { entered: number; waiting: number; exits: Record<string, number>; converted: number }
  >();
  for (const body of bodies)
    for (const node of (body.body as unknown as JourneyBody).nodes)
      if (!nodes.has(node.id)) nodes.set(node.id, { entered: 0, waiting: 0, exits: {}, converted: 0 });
  for (const r of perNode.rows) {
    let counts = nodes.get(r.node);
    if (!counts) nodes.set(r.node, (counts = { entered: 0, waiting: 0, exits: {}, converted: 0 }));
    if (r.whole) Object.assign(counts, { entered: r.n, waiting: r.waiting, converted: r.converted });
    else if (r.exit !== null) counts.exits[r.exit] = (counts.exits[r.exit] ?? 0) + r.n;
  }
  const totals = {
    entered: 0,
    inside: 0,
    exited: {} as Record<string, number>,
    converted: 0,
    control: 0,
    controlConverted: 0,
  };
  for (const r of perState.rows) {
    if (r.control) {
      totals.control += r.n;
      totals.controlConverted += r.converted;
      continue;
    }
    totals.entered += r.n;
    totals.converted += r.converted;
    if (r.state === 'active' || r.state === 'waiting') totals.inside += r.n;
    else {
      const reason = r.reason ?? r.state;
      totals.exited[reason] = (totals.exited[reason] ?? 0) + r.n;
    }
  }
  return ok({
    versionId: versionId ?? null,
    nodes: [...nodes].map(([node, c]) => ({ node, ...c })),
    totals,
  });
}
