import { binaryArm, metricLift, type Comparison } from '../../analytics/experiments/lift.ts';
import { reasonText } from '../../analytics/reasons.ts';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { ResultGroup, StageCounts } from './model.ts';
import type { RunSets } from './read.ts';

// The arithmetic of results, pure over the run's customer sets: stage counts overall and within a group, the lift of
// the targeted customers' conversion over the control group's, and cost.

/** Counts of every stage within `group` (every customer when absent). */
export function stageCounts(sets: RunSets, group?: RoaringBitmap32): StageCounts {
  const n = (b: RoaringBitmap32) => (group ? b.andCardinality(group) : b.size);
  const targetedConverted = RoaringBitmap32.and(sets.targeted, sets.converted);
  const controlConverted = RoaringBitmap32.and(sets.control, sets.converted);
  return {
    audience: n(sets.audience),
    targeted: n(sets.targeted),
    sent: n(sets.sent),
    delivered: n(sets.delivered),
    opened: n(sets.opened),
    clicked: n(sets.clicked),
    converted: n(targetedConverted),
    control: n(sets.control),
    controlConverted: n(controlConverted),
  };
}

/** One row per group, largest first; groups with no targeted or control customer are left out. */
export function breakdown(sets: RunSets, groups: ReadonlyMap<string, RoaringBitmap32>): ResultGroup[] {
  return [...groups]
    .map(([key, members]) => ({ key, ...stageCounts(sets, members) }))
    .filter((g) => g.targeted + g.control > 0)
    .sort((a, b) => b.targeted + b.control - (a.targeted + a.control) || a.key.localeCompare(b.key));
}

/** The lift of conversion, targeted against control; a reason instead when it cannot be computed. */
export function conversionLift(
  totals: StageCounts,
  hasConversion: boolean,
): { lift: Comparison | null; reason: string | null } {
  if (!hasConversion) return { lift: null, reason: reasonText('campaignNoConversion') };
  if (totals.control === 0) return { lift: null, reason: reasonText('runNoControl') };
  if (totals.targeted === 0) return { lift: null, reason: reasonText('runTargetedNobody') };
  const lift = metricLift(
    'converted',
    'binary',
    [
      binaryArm('targeted', totals.targeted, totals.converted),
      binaryArm('control', totals.control, totals.controlConverted),
    ],
    'control',
  );
  return { lift: lift.comparisons[0] ?? null, reason: null };
}

/** What the run cost, per conversion and per conversion it caused. */
export function runCost(
  perMessage: number | undefined,
  totals: StageCounts,
  lift: Comparison | null,
): {
  perMessage: number;
  total: number;
  perConversion: number | null;
  perIncrementalConversion: number | null;
} | null {
  if (perMessage === undefined) return null;
  const total = round2(perMessage * totals.sent);
  const incremental = lift?.absolute ? lift.absolute.estimate * totals.targeted : null;
  return {
    perMessage,
    total,
    perConversion: totals.converted > 0 ? round2(total / totals.converted) : null,
    perIncrementalConversion: incremental !== null && incremental > 0 ? round2(total / incremental) : null,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
