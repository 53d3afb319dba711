import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIER_POLICY as P,
  nextEffective,
  qualify,
  runMonths,
  TIER_NAMES,
  type TierState,
} from './tier.ts';

// Month-by-month fixtures: the monthly daily-average AUM, then the tier in force in each month and the tier the
// month after the last one would start with.
const names = (states: TierState[]) => states.map((s) => TIER_NAMES[s.effective]);
const after = (states: TierState[]) => TIER_NAMES[nextEffective(states[states.length - 1]!, P)];

describe('tier thresholds', () => {
  it('qualifies by monthly daily-average AUM at the default thresholds', () => {
    expect(
      [0, 49_999.99, 50_000, 499_999, 500_000, 999_999, 1_000_000, 5_999_999, 6_000_000].map(
        (a) => TIER_NAMES[qualify(a, P.thresholds)],
      ),
    ).toEqual(['mass', 'mass', 'gold', 'gold', 'platinum', 'platinum', 'diamond', 'diamond', 'private']);
  });
});

describe('tier state machine', () => {
  it('assesses the first month on its own average', () => {
    expect(names(runMonths([80_000], P))).toEqual(['gold']);
  });

  it('upgrades the month after the qualifying month', () => {
    const states = runMonths([20_000, 60_000, 60_000], P);
    // Feb qualifies for gold: Feb itself is still mass, March is gold
    expect(names(states)).toEqual(['mass', 'mass', 'gold']);
    expect(after(runMonths([20_000, 600_000], P))).toBe('platinum');
  });

  it('downgrades only after three consecutive months below, to the last month’s tier', () => {
    const states = runMonths([600_000, 100_000, 100_000, 100_000, 100_000], P);
    expect(names(states)).toEqual(['platinum', 'platinum', 'platinum', 'platinum', 'gold']);
    expect(states.map((s) => s.monthsBelow)).toEqual([0, 1, 2, 3, 0]);
    // two months below are not enough
    expect(after(runMonths([600_000, 100_000, 100_000], P))).toBe('platinum');
    // the third month below decides: the next month is gold
    expect(after(runMonths([600_000, 100_000, 100_000, 100_000], P))).toBe('gold');
    // several tiers down at once, to what the last month qualified for
    expect(after(runMonths([600_000, 100_000, 100_000, 10_000], P))).toBe('mass');
  });

  it('resets the count when a month is back at or above the tier in force', () => {
    const states = runMonths([600_000, 100_000, 100_000, 550_000, 100_000, 100_000], P);
    expect(states.map((s) => s.monthsBelow)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(names(states)).toEqual(Array(6).fill('platinum'));
    expect(after(states)).toBe('platinum');
  });

  it('keeps private banking for six months below', () => {
    const states = runMonths(
      [7_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000],
      P,
    );
    expect(names(states)).toEqual([
      'private',
      'private',
      'private',
      'private',
      'private',
      'private',
      'private',
      'diamond',
    ]);
    expect(after(runMonths([7_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000], P))).toBe(
      'private',
    );
  });

  it('upgrades straight away even while counting months below', () => {
    const states = runMonths([600_000, 100_000, 100_000, 1_200_000], P);
    expect(names(states)).toEqual(['platinum', 'platinum', 'platinum', 'platinum']);
    expect(after(states)).toBe('diamond');
  });

  it('counts months below a new tier afresh after an upgrade', () => {
    // gold from March; March and April are below gold
    const states = runMonths([20_000, 60_000, 40_000, 40_000, 40_000], P);
    expect(names(states)).toEqual(['mass', 'mass', 'gold', 'gold', 'gold']);
    expect(states.map((s) => s.monthsBelow)).toEqual([0, 0, 1, 2, 3]);
    expect(after(states)).toBe('mass');
  });

  it('honours a custom policy', () => {
    const policy = { ...P, downgradeAfter: 1, thresholds: { ...P.thresholds, gold: 10_000 } };
    expect(names(runMonths([20_000, 5_000, 5_000], policy))).toEqual(['gold', 'gold', 'mass']);
  });
});
