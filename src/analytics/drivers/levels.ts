import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { CustomerIndex } from '../../segments/index.ts';
import type { AttrType } from '../../segments/predicate.ts';
import type { Bilingual } from '../../segments/tag-source.ts';

// The shapes every feature builder shares (the population counted over, options, levels, features) and the helpers
// that turn counts by code into levels: rare values pooled into OTHER, missing last, empty levels dropped.

/** The population and outcome a feature is counted over. */
export interface Population {
  readonly index: CustomerIndex;
  /** The population's ordinals, ascending. */
  readonly members: Uint32Array;
  readonly bitmap: ReadonlyRoaringBitmap32;
  /** Population members with the outcome. */
  readonly positives: ReadonlyRoaringBitmap32;
  /** 1 for population members with the outcome, by ordinal. */
  readonly y: Uint8Array;
}

export interface FeatureOptions {
  /** Quantile bins of a numeric attribute (default 5). */
  readonly bins: number;
  /** Values (categories, tag values, small numbers) held by less than this share are pooled into "(other)". */
  readonly minShare: number;
  /** Numbers with at most this many distinct values are levels by value, not bins (default 10). */
  readonly discreteUpTo: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { bins: 5, minShare: 0.01, discreteUpTo: 10 };

/** Level names that are not values. */
export const MISSING = '(missing)';
export const OTHER = '(other)';
export const NONE = '(none)';

export interface Level {
  /** The category, 'true'/'false', the number, a bin's 'min – max', or MISSING / OTHER / NONE. */
  readonly value: string;
  /** A tag value's label. */
  readonly label?: Bilingual;
  /** A numeric bin's smallest and largest member value (day numbers for dates). */
  readonly min?: number;
  readonly max?: number;
  readonly customers: number;
  readonly positives: number;
}

/** tag: values of a tag; categorical: strings; boolean; discrete: numbers by value; binned: numbers in quantile bins. */
export type FeatureKind = 'tag' | 'categorical' | 'boolean' | 'discrete' | 'binned';

export interface Feature {
  /** `attr:<name>` or `tag:<key>`. */
  readonly id: string;
  readonly source: 'attribute' | 'tag';
  readonly name: string;
  /** A tag's name. */
  readonly title?: Bilingual;
  readonly kind: FeatureKind;
  readonly attrType?: AttrType;
  /** Non-empty levels; together they hold every population member (once, except for multi-valued tags). */
  readonly levels: readonly Level[];
  /** A tag some members carry several values of: its levels overlap. */
  readonly multiValued: boolean;
  /** The level index of a population member (a multi-valued tag member gets its first level). */
  levelOf(): (ordinal: number) => number;
  /** Numeric values by ordinal (NaN = missing), for binned features: the regression uses the value, not the bin. */
  readonly values?: Float64Array;
}

/** A level being counted. */
export interface Draft {
  value: string;
  label?: Bilingual;
  min?: number;
  max?: number;
  customers: number;
  positives: number;
}

/** Drops empty levels; `raw[i]` → final index (−1 when dropped). */
export function compact(drafts: readonly Draft[]): { levels: Level[]; remap: Int32Array } {
  const remap = new Int32Array(drafts.length).fill(-1);
  const levels: Level[] = [];
  drafts.forEach((d, i) => {
    if (d.customers === 0) return;
    remap[i] = levels.length;
    levels.push({ ...d });
  });
  return { levels, remap };
}

/**
 * Levels from counts by code (code 0 = missing): values below `minShare` of the population pooled into OTHER, then
 * MISSING last. `rawOf[code]` is the draft index of the code.
 */
export function pooled(
  counts: Float64Array,
  positives: Float64Array,
  valueOf: (code: number) => string,
  total: number,
  options: { minShare: number; order: 'size' | 'code' },
): { drafts: Draft[]; rawOf: Int32Array } {
  const codes: number[] = [];
  for (let c = 1; c < counts.length; c++) if (counts[c]! > 0) codes.push(c);
  if (options.order === 'size') codes.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const drafts: Draft[] = [];
  const rawOf = new Int32Array(counts.length);
  const other: Draft = { value: OTHER, customers: 0, positives: 0 };
  const rare = codes.filter((c) => counts[c]! < options.minShare * total);
  const rareSet = new Set(rare.length > 0 ? rare : []);
  for (const c of codes) {
    if (rareSet.has(c)) continue;
    rawOf[c] = drafts.length;
    drafts.push({ value: valueOf(c), customers: counts[c]!, positives: positives[c]! });
  }
  if (rare.length > 0) {
    for (const c of rare) {
      rawOf[c] = drafts.length;
      other.customers += counts[c]!;
      other.positives += positives[c]!;
    }
    drafts.push(other);
  }
  rawOf[0] = drafts.length;
  drafts.push({ value: MISSING, customers: counts[0]!, positives: positives[0]! });
  return { drafts, rawOf };
}
