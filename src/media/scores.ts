import type { Dimension, MetricKey } from './definitions.ts';

// The radar's scores: each dimension 0–100 relative to the best channel of the same comparison (definitions in
// definitions.ts, DIMENSION_DEFINITIONS). Pure, so every score can be checked by hand.

export type Metrics = Record<MetricKey, number | null>;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** 100 × value / the best (highest) value of all channels; null when the value or every value is unknown or ≤ 0. */
function relative(values: readonly (number | null)[], i: number): number | null {
  const v = values[i];
  const best = Math.max(0, ...values.map((x) => x ?? 0));
  if (v === null || v === undefined || best <= 0) return null;
  return round1((100 * Math.max(0, v)) / best);
}

/** Mean of the known parts; null when none is known. */
function mean(parts: readonly (number | null)[]): number | null {
  const known = parts.filter((p): p is number => p !== null);
  return known.length ? round1(known.reduce((a, b) => a + b, 0) / known.length) : null;
}

/** The five scores of each channel, in the order of `channels`. */
export function dimensionScores(channels: readonly Metrics[]): Record<Dimension, number | null>[] {
  const column = (k: MetricKey) => channels.map((m) => m[k]);
  const cpas = column('cpa');
  const cheapest = Math.min(...cpas.filter((c): c is number => c !== null && c > 0));
  return channels.map((m, i) => ({
    scale: relative(column('newCustomers'), i),
    quality: mean([
      relative(column('retention30dRate'), i),
      relative(column('activationRate'), i),
      relative(column('aumPerCustomer'), i),
      relative(column('stageReachedRate'), i),
    ]),
    cost: m.cpa !== null && m.cpa > 0 && Number.isFinite(cheapest) ? round1((100 * cheapest) / m.cpa) : null,
    brand: relative(column('brandIndex'), i),
    spillover: mean([relative(column('referralRate'), i), relative(column('organicLift'), i)]),
  }));
}
