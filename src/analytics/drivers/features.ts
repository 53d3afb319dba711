import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../segments/bitmap.ts';
import type { AttributeColumn, CustomerIndex } from '../../segments/index.ts';
import { nextUp } from '../../segments/numeric-column.ts';
import { formatDay, type AttrType } from '../../segments/predicate.ts';
import { BOOL_FALSE, BOOL_TRUE } from '../../segments/string-column.ts';
import type { Bilingual, TagInfo } from '../../segments/tag-source.ts';

// Candidate features of a drivers analysis, each split into levels that partition the population: tag values,
// categorical attributes by value, booleans, small-valued numbers by value, other numbers in quantile bins. Everything
// is read from the segment index (bitmaps for tags, typed arrays by ordinal for attributes): one pass over the
// population's ordinals per attribute, bitmap cardinalities per tag value, no SQL. Definitions: ../README.md.

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

/** The candidate features of the index: every tag and attribute, or the named ones; refusals are reported. */
export function candidateNames(
  index: CustomerIndex,
  requested: readonly string[] | undefined,
): { ids: string[]; unknown: string[] } {
  const described = index.describe();
  if (!requested) {
    const tags = [...described.tags.keys()].sort().map((t) => `tag:${t}`);
    const attrs = [...described.attributes.keys()].sort().map((a) => `attr:${a}`);
    return { ids: [...attrs, ...tags], unknown: [] };
  }
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    // bare names: an attribute first, then a tag
    const id = name.startsWith('attr:') || name.startsWith('tag:') ? name : `attr:${name}`;
    if (id.startsWith('attr:') && described.attributes.has(id.slice(5))) ids.push(id);
    else if (id.startsWith('tag:') && described.tags.has(id.slice(4))) ids.push(id);
    else if (!name.includes(':') && described.tags.has(name)) ids.push(`tag:${name}`);
    else unknown.push(name);
  }
  return { ids: [...new Set(ids)], unknown };
}

/** Counts a feature over the population; undefined when it has fewer than two non-empty levels (no information). */
export function buildFeature(
  id: string,
  population: Population,
  tagInfo: ReadonlyMap<string, TagInfo>,
  options: FeatureOptions,
): Feature | undefined {
  if (id.startsWith('tag:')) return tagFeature(id.slice(4), population, tagInfo, options);
  const name = id.slice(5);
  const column = population.index.attribute(name);
  return column ? attributeFeature(name, column, population, options) : undefined;
}

interface Draft {
  value: string;
  label?: Bilingual;
  min?: number;
  max?: number;
  customers: number;
  positives: number;
}

/** Drops empty levels; `raw[i]` → final index (−1 when dropped). */
function compact(drafts: readonly Draft[]): { levels: Level[]; remap: Int32Array } {
  const remap = new Int32Array(drafts.length).fill(-1);
  const levels: Level[] = [];
  drafts.forEach((d, i) => {
    if (d.customers === 0) return;
    remap[i] = levels.length;
    levels.push({ ...d });
  });
  return { levels, remap };
}

function attributeFeature(
  name: string,
  attr: AttributeColumn,
  population: Population,
  options: FeatureOptions,
): Feature | undefined {
  const { members, y } = population;
  const base = {
    id: `attr:${name}`,
    source: 'attribute' as const,
    name,
    attrType: attr.type,
    multiValued: false,
  };
  if (attr.type === 'string' || attr.type === 'boolean') {
    const slots = attr.type === 'string' ? attr.column.codes : attr.column.values;
    const size = attr.type === 'string' ? attr.column.dictionary.length + 1 : 3;
    const counts = new Float64Array(size);
    const positives = new Float64Array(size);
    for (let i = 0; i < members.length; i++) {
      const o = members[i]!;
      const code = slots[o]!;
      counts[code]!++;
      positives[code]! += y[o]!;
    }
    const valueOf =
      attr.type === 'string'
        ? (code: number) => attr.column.dictionary[code - 1]!
        : (code: number) => (code === BOOL_TRUE ? 'true' : code === BOOL_FALSE ? 'false' : MISSING);
    const { drafts, rawOf } = pooled(counts, positives, valueOf, members.length, {
      minShare: attr.type === 'string' ? options.minShare : 0,
      order: attr.type === 'string' ? 'size' : 'code',
    });
    const { levels, remap } = compact(drafts);
    if (levels.length < 2) return undefined;
    const levelOfCode = Int32Array.from(rawOf, (r) => remap[r]!);
    return {
      ...base,
      kind: attr.type === 'string' ? 'categorical' : 'boolean',
      levels,
      levelOf: () => (o) => levelOfCode[slots[o]!]!,
    };
  }
  return numericFeature(base, attr.column.values, attr.type === 'date', population, options);
}

/**
 * Levels from counts by code (code 0 = missing): values below `minShare` of the population pooled into OTHER, then
 * MISSING last. `rawOf[code]` is the draft index of the code.
 */
function pooled(
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

const SAMPLE = 65_536;

function numericFeature(
  base: Pick<Feature, 'id' | 'source' | 'name' | 'attrType' | 'multiValued'>,
  values: Float64Array,
  isDate: boolean,
  population: Population,
  options: FeatureOptions,
): Feature | undefined {
  const { members, y } = population;
  // Evenly spaced members (all of them up to SAMPLE): ordinals carry no value order, so this is a fair sample.
  const step = Math.max(1, members.length / SAMPLE);
  const sample: number[] = [];
  for (let k = 0; k * step < members.length; k++) {
    const v = values[members[Math.floor(k * step)]!]!;
    if (v === v) sample.push(v);
  }
  const fmt = (v: number) => (isDate ? formatDay(v) : String(v));
  const distinct = new Set(sample);
  if (distinct.size <= options.discreteUpTo) {
    const discrete = discreteFeature(values, population, options, fmt);
    if (discrete) return discrete.levels.length < 2 ? undefined : { ...base, ...discrete };
  }
  const sorted = Float64Array.from(sample).sort();
  const cuts = binCuts(sorted, options.bins);
  const bins = cuts.length + 1;
  const counts = new Float64Array(bins + 1); // last slot: missing
  const positives = new Float64Array(bins + 1);
  const mins = new Float64Array(bins).fill(Infinity);
  const maxs = new Float64Array(bins).fill(-Infinity);
  // few cuts (≤ 2 · bins): a linear scan beats a binary search
  const cut = Float64Array.from(cuts);
  const binOf = (v: number) => {
    let b = 0;
    while (b < cut.length && cut[b]! <= v) b++;
    return b;
  };
  for (let i = 0; i < members.length; i++) {
    const o = members[i]!;
    const v = values[o]!;
    let b = bins;
    if (v === v) {
      b = 0;
      while (b < cut.length && cut[b]! <= v) b++;
      if (v < mins[b]!) mins[b] = v;
      if (v > maxs[b]!) maxs[b] = v;
    }
    counts[b]!++;
    positives[b]! += y[o]!;
  }
  const drafts: Draft[] = [];
  for (let b = 0; b < bins; b++) {
    const [min, max] = [mins[b]!, maxs[b]!];
    const value = min === max ? fmt(min) : `${fmt(min)} – ${fmt(max)}`;
    drafts.push({ value, min, max, customers: counts[b]!, positives: positives[b]! });
  }
  drafts.push({ value: MISSING, customers: counts[bins]!, positives: positives[bins]! });
  const { levels, remap } = compact(drafts);
  if (levels.length < 2) return undefined;
  return {
    ...base,
    kind: 'binned',
    levels,
    values,
    levelOf: () => (o) => {
      const v = values[o]!;
      return remap[v === v ? binOf(v) : bins]!;
    },
  };
}

/**
 * Quantile cut points of the sorted sample: value v falls in bin (number of cuts ≤ v). A value holding at least one
 * bin's share of the sample (balance 0, say) gets a bin of its own (cuts at v and just above it), so it is never split.
 */
export function binCuts(sorted: Float64Array, bins: number): number[] {
  const m = sorted.length;
  if (m === 0) return [];
  const cuts = new Set<number>();
  for (let j = 1; j < bins; j++) cuts.add(sorted[Math.floor((j * m) / bins)]!);
  for (let i = 0; i < m;) {
    let k = i;
    while (k < m && sorted[k] === sorted[i]) k++;
    if ((k - i) * bins >= m) {
      cuts.add(sorted[i]!);
      cuts.add(nextUp(sorted[i]!));
    }
    i = k;
  }
  // a cut at or below the smallest value leaves an empty first bin: harmless (empty levels are dropped)
  return [...cuts].sort((a, b) => a - b);
}

/** Numbers by value when the whole population has at most `discreteUpTo` distinct values; undefined otherwise. */
function discreteFeature(
  values: Float64Array,
  population: Population,
  options: FeatureOptions,
  fmt: (v: number) => string,
): Pick<Feature, 'kind' | 'levels' | 'levelOf'> | undefined {
  const { members, y } = population;
  const codeOf = new Map<number, number>();
  const codes = new Uint8Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const v = values[members[i]!]!;
    if (v !== v) continue;
    let code = codeOf.get(v);
    if (code === undefined) {
      if (codeOf.size >= options.discreteUpTo) return undefined;
      codeOf.set(v, (code = codeOf.size + 1));
    }
    codes[i] = code;
  }
  const counts = new Float64Array(codeOf.size + 1);
  const positives = new Float64Array(codeOf.size + 1);
  for (let i = 0; i < members.length; i++) {
    counts[codes[i]!]!++;
    positives[codes[i]!]! += y[members[i]!]!;
  }
  // codes renumbered by ascending value, so levels read 1, 2, 3, …
  const byValue = [...codeOf.entries()].sort((a, b) => a[0] - b[0]);
  const order = new Int32Array(codeOf.size + 1);
  byValue.forEach(([, code], k) => (order[k + 1] = code));
  const c2 = Float64Array.from(order, (code, k) => (k === 0 ? counts[0]! : counts[code]!));
  const p2 = Float64Array.from(order, (code, k) => (k === 0 ? positives[0]! : positives[code]!));
  const { drafts, rawOf } = pooled(c2, p2, (k) => fmt(byValue[k - 1]![0]), members.length, {
    minShare: options.minShare,
    order: 'code',
  });
  const { levels, remap } = compact(drafts);
  const levelOfValue = new Map(byValue.map(([v], k) => [v, remap[rawOf[k + 1]!]!]));
  const missing = remap[rawOf[0]!]!;
  return {
    kind: 'discrete',
    levels,
    levelOf: () => (o) => {
      const v = values[o]!;
      return v === v ? (levelOfValue.get(v) ?? missing) : missing;
    },
  };
}

function tagFeature(
  key: string,
  population: Population,
  tagInfo: ReadonlyMap<string, TagInfo>,
  options: FeatureOptions,
): Feature | undefined {
  const { index, bitmap: pop, positives, members } = population;
  const info = tagInfo.get(key);
  const labels = new Map(info?.values.map((v) => [v.value, v.label]));
  const known = index.describe().tags.get(key) ?? [];
  // declared values first, in the definition's order, then the others
  const ordered = [
    ...(info?.values.map((v) => v.value).filter((v) => known.includes(v)) ?? []),
    ...known.filter((v) => !labels.has(v)).sort(),
  ];
  const n = members.length;
  const parts: { draft: Draft; bitmap: ReadonlyRoaringBitmap32 }[] = [];
  const rare: ReadonlyRoaringBitmap32[] = [];
  let summed = 0;
  for (const value of ordered) {
    const bitmap = index.tagValue(key, value)!;
    const customers = pop.andCardinality(bitmap);
    if (customers === 0) continue;
    summed += customers;
    if (customers < options.minShare * n) {
      rare.push(bitmap);
      continue;
    }
    const label = labels.get(value);
    const draft: Draft = { value, customers, positives: positives.andCardinality(bitmap) };
    if (label) draft.label = label;
    parts.push({ draft, bitmap });
  }
  if (rare.length > 0) {
    const other = RoaringBitmap32.orMany(rare);
    other.andInPlace(pop as RoaringBitmap32);
    const draft = { value: OTHER, customers: other.size, positives: positives.andCardinality(other) };
    parts.push({ draft, bitmap: other });
  }
  const union = RoaringBitmap32.orMany(parts.map((p) => p.bitmap));
  const carrying = pop.andCardinality(union);
  const none: Draft = {
    value: NONE,
    customers: n - carrying,
    positives: positives.size - positives.andCardinality(union),
  };
  union.dispose();
  const { levels, remap } = compact([...parts.map((p) => p.draft), none]);
  if (levels.length < 2) return undefined;
  let codes: Int32Array | undefined;
  return {
    id: `tag:${key}`,
    source: 'tag',
    name: key,
    title: info?.name ?? { en: key, zh: key },
    kind: 'tag',
    levels,
    multiValued: summed > carrying,
    levelOf: () => {
      if (!codes) {
        // built on first use (the regression): the none level for everyone, then each value, first value winning
        const built = new Int32Array(index.maxOrdinal + 1).fill(remap[parts.length]!);
        for (let k = parts.length - 1; k >= 0; k--) {
          const within = RoaringBitmap32.and(pop, parts[k]!.bitmap);
          for (const o of within.toUint32Array()) built[o] = remap[k]!;
          within.dispose();
        }
        codes = built;
      }
      const c = codes;
      return (o) => c[o]!;
    },
  };
}
