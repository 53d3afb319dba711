import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { AttributeColumn, CustomerIndex } from '../../segments/index.ts';
import { BOOL_FALSE, BOOL_TRUE } from '../../segments/string-column.ts';
import type { TagInfo } from '../../segments/tag-source.ts';
import {
  compact,
  MISSING,
  NONE,
  OTHER,
  pooled,
  type Draft,
  type Feature,
  type FeatureOptions,
  type Population,
} from './levels.ts';
import { numericFeature } from './numeric-feature.ts';

export {
  DEFAULT_FEATURE_OPTIONS,
  MISSING,
  NONE,
  OTHER,
  type Feature,
  type FeatureKind,
  type FeatureOptions,
  type Level,
  type Population,
} from './levels.ts';
export { binCuts } from './numeric-feature.ts';

// Candidate features of a drivers analysis, each split into levels that partition the population: tag values,
// categorical attributes by value, booleans, small-valued numbers by value, other numbers in quantile bins. Everything
// is read from the segment index (bitmaps for tags, typed arrays by ordinal for attributes): one pass over the
// population's ordinals per attribute, bitmap cardinalities per tag value, no SQL. Definitions: ../README.md.

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
