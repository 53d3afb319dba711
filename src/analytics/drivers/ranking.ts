import type { Feature, Level } from './features.ts';

// Rate lift, weight of evidence and information value of each level of a feature, and the ranking of features by
// information value. Pure arithmetic on counts; definitions in ../README.md ("Drivers (key factors)").

/** A level with its figures. */
export interface RankedLevel extends Level {
  /** positives / customers. */
  readonly rate: number;
  /** rate / the population's rate. */
  readonly lift: number;
  /** ln(share of the positives / share of the negatives), 0.5 added to both cells of a level with an empty one. */
  readonly woe: number;
  /** (share of positives − share of negatives) · woe: the level's part of the information value. */
  readonly iv: number;
  /** customers / population. */
  readonly share: number;
}

export interface RankedFeature {
  readonly id: string;
  readonly source: Feature['source'];
  readonly name: string;
  readonly title?: Feature['title'];
  readonly kind: Feature['kind'];
  readonly multiValued: boolean;
  /** Σ of the levels' iv. */
  readonly iv: number;
  readonly levels: RankedLevel[];
  /** The level whose rate differs most from the population's: the largest |ln lift|. */
  readonly top: {
    readonly value: string;
    readonly lift: number;
    readonly rate: number;
    readonly customers: number;
  };
}

/** Totals of the population: customers and positives (0 < positives < customers). */
export interface Totals {
  readonly customers: number;
  readonly positives: number;
}

/** Rate, lift, WoE and IV of each level. */
export function rankLevels(levels: readonly Level[], totals: Totals): { levels: RankedLevel[]; iv: number } {
  const P = totals.positives;
  const N = totals.customers - totals.positives;
  const baseRate = P / totals.customers;
  let iv = 0;
  const out = levels.map((level) => {
    let pos = level.positives;
    let neg = level.customers - level.positives;
    // An empty cell would make the WoE infinite: add 0.5 to both cells of that level (the shares' denominators stay).
    if (pos === 0 || neg === 0) [pos, neg] = [pos + 0.5, neg + 0.5];
    const sharePos = pos / P;
    const shareNeg = neg / N;
    const woe = Math.log(sharePos / shareNeg);
    const part = (sharePos - shareNeg) * woe;
    iv += part;
    const rate = level.positives / level.customers;
    return {
      ...level,
      rate,
      lift: rate / baseRate,
      woe,
      iv: part,
      share: level.customers / totals.customers,
    };
  });
  return { levels: out, iv };
}

/** Ranks features by information value (descending, then by id). */
export function rankFeatures(features: readonly Feature[], totals: Totals): RankedFeature[] {
  const ranked = features.map((f): RankedFeature => {
    const { levels, iv } = rankLevels(f.levels, totals);
    const top = levels.reduce((best, l) => (distance(l.lift) > distance(best.lift) ? l : best), levels[0]!);
    return {
      id: f.id,
      source: f.source,
      name: f.name,
      ...(f.title ? { title: f.title } : {}),
      kind: f.kind,
      multiValued: f.multiValued,
      iv,
      levels,
      top: { value: top.value, lift: top.lift, rate: top.rate, customers: top.customers },
    };
  });
  return ranked.sort((a, b) => b.iv - a.iv || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** |ln lift|: a lift of 2 and one of 0.5 are as far from 1; a rate of 0 is the farthest. */
function distance(lift: number): number {
  return lift === 0 ? Infinity : Math.abs(Math.log(lift));
}
