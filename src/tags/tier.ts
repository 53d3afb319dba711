// The bank tier state machine over monthly daily-average AUM, pure so that it can be checked month by month.
// Rules (as banks apply them): the tier a month qualifies for is set by its daily-average AUM; an upgrade takes
// effect the month after the qualifying month; a downgrade only after N consecutive months below the tier in force
// (3, or 6 for private banking), to the tier the last of those months qualified for; a month at or above the tier in
// force resets the count. A customer's first month is assessed on its own average.

/** Tier codes, lowest first: 0 mass, 1 gold, 2 platinum, 3 diamond, 4 private. */
export type TierCode = 0 | 1 | 2 | 3 | 4;
export const TIER_NAMES = ['mass', 'gold', 'platinum', 'diamond', 'private'] as const;
export const PRIVATE: TierCode = 4;

/** Entry thresholds (daily-average AUM, CNY) of each tier above mass. */
export interface TierThresholds {
  readonly gold: number;
  readonly platinum: number;
  readonly diamond: number;
  readonly private: number;
}

/** How the state machine behaves. */
export interface TierPolicy {
  readonly thresholds: TierThresholds;
  /** Consecutive months below before a downgrade (default 3). */
  readonly downgradeAfter: number;
  /** The same for private banking (default 6). */
  readonly privateDowngradeAfter: number;
}

/** The defaults: mass < 50k ≤ gold < 500k ≤ platinum < 1M ≤ diamond < 6M ≤ private; downgrade after 3 (6) months. */
export const DEFAULT_TIER_POLICY: TierPolicy = {
  thresholds: { gold: 50_000, platinum: 500_000, diamond: 1_000_000, private: 6_000_000 },
  downgradeAfter: 3,
  privateDowngradeAfter: 6,
};

/** A customer's tier state for one month. */
export interface TierState {
  /** The tier the month's average qualifies for. */
  readonly qualified: TierCode;
  /** The tier in force during the month. */
  readonly effective: TierCode;
  /** Consecutive months (this one included) whose average was below the tier in force. */
  readonly monthsBelow: number;
}

/** The tier a monthly daily-average AUM qualifies for. */
export function qualify(average: number, t: TierThresholds): TierCode {
  if (average >= t.private) return 4;
  if (average >= t.diamond) return 3;
  if (average >= t.platinum) return 2;
  if (average >= t.gold) return 1;
  return 0;
}

/** The tier in force in the month after `state`'s month. */
export function nextEffective(state: TierState, policy: TierPolicy): TierCode {
  if (state.qualified > state.effective) return state.qualified;
  const limit = state.effective === PRIVATE ? policy.privateDowngradeAfter : policy.downgradeAfter;
  if (state.qualified < state.effective && state.monthsBelow >= limit) return state.qualified;
  return state.effective;
}

/** A month's state from the previous month's (undefined for the customer's first month) and this month's average. */
export function stepMonth(previous: TierState | undefined, average: number, policy: TierPolicy): TierState {
  const qualified = qualify(average, policy.thresholds);
  if (previous === undefined) return { qualified, effective: qualified, monthsBelow: 0 };
  const effective = nextEffective(previous, policy);
  const below = qualified < effective;
  const monthsBelow = !below ? 0 : effective === previous.effective ? previous.monthsBelow + 1 : 1;
  return { qualified, effective, monthsBelow };
}

/** Runs the machine over consecutive monthly averages; returns each month's state. */
export function runMonths(averages: readonly number[], policy: TierPolicy, start?: TierState): TierState[] {
  const out: TierState[] = [];
  let state = start;
  for (const average of averages) out.push((state = stepMonth(state, average, policy)));
  return out;
}
