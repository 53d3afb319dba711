import { sql, type Kysely } from 'kysely';
import {
  binaryArm,
  compare,
  wilsonInterval,
  type Comparison,
  type Interval,
} from '../analytics/experiments/lift.ts';
import { reasonText } from '../analytics/reasons.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { EventMatch, JourneyBody, NodeKind } from './model.ts';

// Did the journey work? Conversion is the goal reached: an entry whose `converted_at` is set (the goal event came
// after it entered — while inside, which ends it, or after it left; control entries alike). Treated entries (those
// who entered the graph) are compared with the control group held out at entry: the difference with its Wald 95%
// interval and the z test's p (the experiment statistics of src/analytics/experiments/lift.ts). Each split arm is
// compared with the control group and with the first arm — a randomised comparison; each branch arm is described
// only (who took it was chosen by a rule, not by chance), its rate with a Wilson interval. The unit is an entry, so a
// customer entering twice counts twice. A figure that cannot be computed is null with its reason, never NaN.

/** A group's conversion. */
export interface Rate {
  readonly entries: number;
  readonly converted: number;
  /** converted / entries; null when there are no entries. */
  readonly rate: number | null;
  /** Wilson score interval of the rate (95%). */
  readonly interval: Interval | null;
  readonly reason: string | null;
}

/** One arm of a split: its rate, against the control group and against the split's first arm. */
export interface SplitArm extends Rate {
  readonly arm: string;
  readonly vsControl: Comparison | null;
  readonly vsControlReason: string | null;
  readonly vsFirst: Comparison | null;
  readonly vsFirstReason: string | null;
}

/** A journey's results. */
export interface JourneyResults {
  readonly journeyId: number;
  /** The goal of the latest version; null: the journey sets none, and nothing converts. */
  readonly goal: EventMatch | null;
  readonly goalReason: string | null;
  readonly treated: Rate;
  readonly control: Rate;
  /** Treated against control. */
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
  readonly splits: { node: string; arms: SplitArm[] }[];
  readonly branches: { node: string; arms: (Rate & { arm: string })[] }[];
  readonly definitions: Readonly<Record<'converted' | 'lift' | 'split' | 'branch', string>>;
}

const DEFINITIONS = {
  converted:
    "an entry converted when the journey's goal event came after it entered (converted_at set): inside, which ends " +
    'it, or after it left; the control group alike. Each entry is a unit: a customer entering twice counts twice',
  lift:
    'conversion of entries into the graph minus conversion of the control group held out at entry: Wald 95% ' +
    'interval on the unpooled standard error, two-sided z test',
  split:
    'entries that took each arm of the split (randomised): each arm against the control group and against the ' +
    'first arm, as the lift',
  branch:
    'entries that took each arm of the branch (chosen by its rule, not at random: descriptive only), Wilson 95% ' +
    'interval of the rate',
} as const;

/** A group's rate with its Wilson interval. */
function rate(entries: number, converted: number): Rate {
  const { interval, reason } = wilsonInterval(converted, entries);
  return { entries, converted, rate: entries > 0 ? converted / entries : null, interval, reason };
}

/** "<arm> has no entries": the treated and control groups by their own reasons (worded apart in Chinese). */
function noEntries(arm: string): string {
  if (arm === 'treated') return reasonText('treatedNoEntries');
  if (arm === 'control') return reasonText('controlNoEntries');
  return reasonText('armNoEntries', { arm });
}

/** Arm `t` against arm `c` (binary conversion), or why not. */
function versus(
  t: { arm: string } & Rate,
  c: { arm: string } & Rate,
  goal: boolean,
): { lift: Comparison | null; reason: string | null } {
  if (!goal) return { lift: null, reason: reasonText('journeyNoGoal') };
  if (c.entries === 0) return { lift: null, reason: noEntries(c.arm) };
  if (t.entries === 0) return { lift: null, reason: noEntries(t.arm) };
  const lift = compare(
    binaryArm(t.arm, t.entries, t.converted),
    binaryArm(c.arm, c.entries, c.converted),
    'binary',
  );
  return { lift, reason: null };
}

/** The results of a journey over all its versions. */
export async function journeyResults(
  db: Kysely<Database>,
  journeyId: number,
): Promise<Result<JourneyResults>> {
  const versions = await db
    .selectFrom('journey_versions')
    .select('body')
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .execute();
  if (versions.length === 0) return err({ code: 'not_found', message: `no journey ${journeyId}` });
  const bodies = versions.map((v) => v.body as unknown as JourneyBody);
  // A node's kind as the latest version that has it says (node ids keep their meaning across versions).
  const kinds = new Map<string, NodeKind>();
  for (const body of bodies) for (const n of body.nodes) if (!kinds.has(n.id)) kinds.set(n.id, n.kind);
  const choosers = [...kinds].filter(([, k]) => k === 'split' || k === 'branch').map(([id]) => id);
  const [groups, arms] = await Promise.all([
    sql<{ control: boolean; n: number; converted: number }>`
      select m.arm is not distinct from 'control' as control, count(*)::int as n,
             count(*) filter (where m.converted_at is not null)::int as converted
        from journey_memberships m where m.journey_id = ${journeyId} group by 1`.execute(db),
    choosers.length === 0
      ? { rows: [] }
      : sql<{ node: string; exit: string; n: number; converted: number }>`
          select s.node_id as node, s.exit, count(distinct m.id)::int as n,
                 count(distinct m.id) filter (where m.converted_at is not null)::int as converted
            from journey_steps s join journey_memberships m on m.id = s.membership_id
           where m.journey_id = ${journeyId} and s.node_id = any(${choosers}::text[]) and s.exit is not null
           group by 1, 2`.execute(db),
  ]);
  const group = (control: boolean) => groups.rows.find((g) => g.control === control);
  const goal = bodies[0]!.goal ?? null;
  const hasGoal = bodies.some((b) => b.goal !== undefined);
  const treated = { arm: 'treated', ...rate(group(false)?.n ?? 0, group(false)?.converted ?? 0) };
  const control = { arm: 'control', ...rate(group(true)?.n ?? 0, group(true)?.converted ?? 0) };
  const lift = versus(treated, control, hasGoal);
  const armsOf = (node: string, order: readonly string[]) => {
    const rows = arms.rows.filter((r) => r.node === node);
    // The arms in the body's order, then any an older version had.
    const keys = [...order, ...rows.map((r) => r.exit).filter((k) => !order.includes(k))];
    return keys.map((arm) => {
      const r = rows.find((x) => x.exit === arm);
      return { arm, ...rate(r?.n ?? 0, r?.converted ?? 0) };
    });
  };
  const declared = (id: string): string[] => {
    for (const body of bodies) {
      const node = body.nodes.find((n) => n.id === id);
      if (node?.kind === 'split') return node.arms.map((a) => a.key);
      if (node?.kind === 'branch') return [...node.arms.map((a) => a.key), 'default'];
    }
    return [];
  };
  const splits = choosers
    .filter((id) => kinds.get(id) === 'split')
    .map((node) => {
      const list = armsOf(node, declared(node));
      const first = list[0]!;
      return {
        node,
        arms: list.map((a, i): SplitArm => {
          const vsControl = versus(a, control, hasGoal);
          const vsFirst =
            i === 0 ? { lift: null, reason: reasonText('firstArmReference') } : versus(a, first, hasGoal);
          return {
            ...a,
            vsControl: vsControl.lift,
            vsControlReason: vsControl.reason,
            vsFirst: vsFirst.lift,
            vsFirstReason: vsFirst.reason,
          };
        }),
      };
    });
  const branches = choosers
    .filter((id) => kinds.get(id) === 'branch')
    .map((node) => ({ node, arms: armsOf(node, declared(node)) }));
  const { arm: _t, ...treatedRate } = treated;
  const { arm: _c, ...controlRate } = control;
  return ok({
    journeyId,
    goal,
    goalReason: goal ? null : reasonText('latestVersionNoGoal'),
    treated: treatedRate,
    control: controlRate,
    lift: lift.lift,
    liftReason: lift.reason,
    splits,
    branches,
    definitions: DEFINITIONS,
  });
}
