import { nextUp } from '../../segments/numeric-column.ts';
import { formatDay } from '../../segments/predicate.ts';
import {
  compact,
  MISSING,
  pooled,
  type Draft,
  type Feature,
  type FeatureOptions,
  type Population,
} from './levels.ts';

// Numeric and date attributes as features: by value when the population has few distinct values (counts, 0/1 flags),
// otherwise in quantile bins of the population's values (a heavy value in a bin of its own). Definitions: ../README.md.

const SAMPLE = 65_536;

/** A number or date column as a feature; undefined when it has fewer than two non-empty levels. */
export function numericFeature(
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
