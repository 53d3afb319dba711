import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import { parseDay } from '../../segments/predicate.ts';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../tags/labels.ts';

// The seven-stage lifecycle as bitmap algebra over the daily snapshots of the lifecycle tag: stage counts per day,
// the transition matrix between two days, the time customers have spent in their stage, and the AARRR view. Pure
// functions over bitmaps (no store access), so every figure can be checked on hand-built snapshots. Definitions:
// src/analytics/README.md, "Lifecycle and AARRR".

/** The row and column of customers without a stage on a day (not in the base then, or the tag missed them). */
export const NOT_IN_BASE = 'not_in_base';
export type MatrixKey = LifecycleStage | typeof NOT_IN_BASE;
export const MATRIX_KEYS: readonly MatrixKey[] = [...LIFECYCLE_STAGES, NOT_IN_BASE];

/** The lifecycle tag's members per stage on one snapshot day. */
export interface StageDay {
  readonly asOf: string;
  readonly stages: ReadonlyMap<string, ReadonlyRoaringBitmap32>;
}

/** Members of a stage on a day, restricted to the population when there is one (a new bitmap). */
function stageMembers(
  day: StageDay,
  stage: LifecycleStage,
  population: ReadonlyRoaringBitmap32 | null,
): RoaringBitmap32 {
  const members = day.stages.get(stage);
  if (!members) return new RoaringBitmap32();
  return population ? RoaringBitmap32.and(members, population) : members.clone();
}

/** Customers per stage on a day (population applied), in stage order, and their total. */
export function stageCounts(
  day: StageDay,
  population: ReadonlyRoaringBitmap32 | null,
): { asOf: string; total: number; counts: Record<LifecycleStage, number> } {
  const counts = {} as Record<LifecycleStage, number>;
  let total = 0;
  for (const stage of LIFECYCLE_STAGES) {
    const members = day.stages.get(stage);
    const n = !members ? 0 : population ? members.andCardinality(population) : members.size;
    counts[stage] = n;
    total += n;
  }
  return { asOf: day.asOf, total, counts };
}

/** Conversion of one stage between the two days. */
export interface StageFlow {
  readonly stage: LifecycleStage;
  /** Customers in the stage on the first day. */
  readonly from: number;
  readonly stayed: number;
  /** Now at a later stage. */
  readonly forward: number;
  /** Now at an earlier stage. */
  readonly backward: number;
  /** Without a stage on the second day. */
  readonly left: number;
  /** forward / from; null when nobody was in the stage. */
  readonly forwardRate: number | null;
  /** Customers in the stage on the second day who were not in the base on the first. */
  readonly entered: number;
}

export interface Transitions {
  readonly from: string;
  readonly to: string;
  /** Rows (first day) and columns (second day): the seven stages then not_in_base. */
  readonly keys: MatrixKey[];
  /** matrix[i][j] = customers at keys[i] on `from` and keys[j] on `to`; [not_in_base][not_in_base] is 0 (not counted). */
  readonly matrix: number[][];
  readonly flows: StageFlow[];
  /** Sankey links (non-zero cells): source and target are keys; the chart prefixes them by day. */
  readonly links: { source: MatrixKey; target: MatrixKey; value: number }[];
}

/** The transition matrix, per-stage flows and Sankey links between two snapshot days. */
export function transitions(
  first: StageDay,
  second: StageDay,
  population: ReadonlyRoaringBitmap32 | null,
): Transitions {
  const before = LIFECYCLE_STAGES.map((s) => stageMembers(first, s, population));
  const after = LIFECYCLE_STAGES.map((s) => stageMembers(second, s, population));
  const allBefore = RoaringBitmap32.orMany(before);
  const allAfter = RoaringBitmap32.orMany(after);
  const n = LIFECYCLE_STAGES.length;
  const matrix: number[][] = MATRIX_KEYS.map(() => MATRIX_KEYS.map(() => 0));
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    const b = before[i]!;
    for (let j = 0; j < n; j++) row[j] = b.andCardinality(after[j]!);
    row[n] = b.size - b.andCardinality(allAfter);
  }
  const outside = matrix[n]!;
  for (let j = 0; j < n; j++) outside[j] = after[j]!.size - after[j]!.andCardinality(allBefore);
  const flows: StageFlow[] = LIFECYCLE_STAGES.map((stage, i) => {
    const row = matrix[i]!;
    let forward = 0;
    let backward = 0;
    for (let j = 0; j < n; j++) {
      if (j > i) forward += row[j]!;
      else if (j < i) backward += row[j]!;
    }
    const from = before[i]!.size;
    return {
      stage,
      from,
      stayed: row[i]!,
      forward,
      backward,
      left: row[n]!,
      forwardRate: from > 0 ? forward / from : null,
      entered: outside[i]!,
    };
  });
  const links: Transitions['links'] = [];
  MATRIX_KEYS.forEach((source, i) =>
    MATRIX_KEYS.forEach((target, j) => {
      const value = matrix[i]![j]!;
      if (value > 0) links.push({ source, target, value });
    }),
  );
  for (const b of [...before, ...after, allBefore, allAfter]) b.dispose();
  return { from: first.asOf, to: second.asOf, keys: [...MATRIX_KEYS], matrix, flows, links };
}

/** Bands of days in stage shown as a histogram: [min, max] inclusive, max null = no upper bound. */
export const DAY_BANDS: readonly { label: string; min: number; max: number | null }[] = [
  { label: '1', min: 1, max: 1 },
  { label: '2-7', min: 2, max: 7 },
  { label: '8-30', min: 8, max: 30 },
  { label: '31-90', min: 31, max: 90 },
  { label: '91-180', min: 91, max: 180 },
  { label: '181-365', min: 181, max: 365 },
  { label: '366+', min: 366, max: null },
];

/** Time in stage of one stage's customers on the day. */
export interface StageTime {
  readonly stage: LifecycleStage;
  readonly customers: number;
  /** Median days in stage; null when the stage is empty. */
  readonly medianDays: number | null;
  readonly meanDays: number | null;
  /** Customers already in the stage on the earliest snapshot read: their time is at least the days shown. */
  readonly censored: number;
  /** Customers per band of DAY_BANDS. */
  readonly bands: number[];
  /** Exact distribution: days → customers, ascending. */
  readonly distribution: { days: number; customers: number }[];
}

/**
 * For each stage s, the customers in s on the last day of `days` (ascending by date), and for how many calendar days
 * they have been in s: from the earliest snapshot day of their unbroken run of snapshot days in s, to the last day,
 * both included. Days between two consecutive snapshot days count as in the stage when both show it (the snapshots
 * are the only evidence), so sparse snapshots give coarse durations. Runs reaching the first day given are censored.
 */
export function timeInStage(
  days: readonly StageDay[],
  population: ReadonlyRoaringBitmap32 | null,
): StageTime[] {
  const last = days.at(-1);
  if (!last) return [];
  const lastDay = parseDay(last.asOf)!;
  return LIFECYCLE_STAGES.map((stage) => {
    let current = stageMembers(last, stage, population);
    const customers = current.size;
    const runs: { days: number; customers: number }[] = [];
    let censored = 0;
    // walk back: those in the stage at days[k + 1] but not at days[k] started their run at days[k + 1]
    for (let k = days.length - 2; k >= -1 && current.size > 0; k--) {
      const startDay = parseDay(days[k + 1]!.asOf)!;
      const length = lastDay - startDay + 1;
      if (k < 0) {
        censored = current.size;
        runs.push({ days: length, customers: current.size });
        break;
      }
      const earlier = days[k]!.stages.get(stage);
      const still = earlier ? RoaringBitmap32.and(current, earlier) : new RoaringBitmap32();
      const started = current.size - still.size;
      if (started > 0) runs.push({ days: length, customers: started });
      current.dispose();
      current = still;
    }
    current.dispose();
    runs.sort((a, b) => a.days - b.days);
    return {
      stage,
      customers,
      medianDays: weightedMedian(runs),
      meanDays: customers > 0 ? runs.reduce((sum, r) => sum + r.days * r.customers, 0) / customers : null,
      censored,
      bands: DAY_BANDS.map((band) =>
        runs
          .filter((r) => r.days >= band.min && (band.max === null || r.days <= band.max))
          .reduce((sum, r) => sum + r.customers, 0),
      ),
      distribution: runs,
    };
  });
}

/** The median of values with counts, sorted ascending by value (mean of the two middle ones for an even total). */
export function weightedMedian(sorted: readonly { days: number; customers: number }[]): number | null {
  const n = sorted.reduce((sum, r) => sum + r.customers, 0);
  if (n === 0) return null;
  const at = (position: number) => {
    let seen = 0;
    for (const r of sorted) {
      seen += r.customers;
      if (position < seen) return r.days;
    }
    return sorted.at(-1)!.days;
  };
  return (at(Math.floor((n - 1) / 2)) + at(Math.ceil((n - 1) / 2))) / 2;
}

/** One AARRR step. */
export interface AarrrStep {
  readonly step: 'acquisition' | 'activation' | 'retention' | 'revenue' | 'referral';
  readonly customers: number;
  /** customers / the base (customers with a stage on the day). */
  readonly shareOfBase: number | null;
  /** The step's own rate: customers / the customers of `rateOf`. */
  readonly rate: number | null;
  readonly rateOf: 'base' | 'acquisition' | 'revenue';
}

/** Stages from `stage` on (the stage and every later one). */
function stagesFrom(stage: LifecycleStage): LifecycleStage[] {
  return LIFECYCLE_STAGES.slice(LIFECYCLE_STAGES.indexOf(stage));
}

/**
 * The AARRR view of a day: acquisition = reached or beyond; activation = interested or beyond with ≥ 1 behaviour
 * event in the 30 days to the day (`active`); retention = transaction or beyond and active, as a rate of those at
 * transaction or beyond; revenue = transaction or beyond; referral = super customer.
 */
export function aarrr(
  day: StageDay,
  active: ReadonlyRoaringBitmap32,
  population: ReadonlyRoaringBitmap32 | null,
): { base: number; steps: AarrrStep[] } {
  const union = (stages: readonly LifecycleStage[]) =>
    RoaringBitmap32.orMany(stages.map((s) => stageMembers(day, s, population)));
  const base = union(LIFECYCLE_STAGES);
  const acquired = union(stagesFrom('reached'));
  const interested = union(stagesFrom('interested'));
  const transacted = union(stagesFrom('transaction'));
  const referral = stageMembers(day, 'super_customer', population);
  const activated = interested.andCardinality(active);
  const retained = transacted.andCardinality(active);
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const n = base.size;
  const steps: AarrrStep[] = [
    { step: 'acquisition', customers: acquired.size, rateOf: 'base', rate: ratio(acquired.size, n) },
    {
      step: 'activation',
      customers: activated,
      rateOf: 'acquisition',
      rate: ratio(activated, acquired.size),
    },
    { step: 'retention', customers: retained, rateOf: 'revenue', rate: ratio(retained, transacted.size) },
    {
      step: 'revenue',
      customers: transacted.size,
      rateOf: 'acquisition',
      rate: ratio(transacted.size, acquired.size),
    },
    {
      step: 'referral',
      customers: referral.size,
      rateOf: 'revenue',
      rate: ratio(referral.size, transacted.size),
    },
  ].map((s) => ({ ...s, shareOfBase: ratio(s.customers, n) }) as AarrrStep);
  for (const b of [base, acquired, interested, transacted, referral]) b.dispose();
  return { base: n, steps };
}
