import type { Prng } from '../../src/shared/prng.ts';
import { addDays } from './segments-reference.ts';
import {
  PRODUCT_CATEGORIES,
  type AttrRule,
  type Bounds,
  type EventRule,
  type PropertyPredicate,
  type Rule,
  type Scalar,
} from '../../src/segments/rule.ts';
import { everyLeaf, walkRule, type RuleVisitor } from '../../src/segments/rule-walk.ts';

// Test support: random rules over a vocabulary, reaching every leaf kind and op with edge values (bounds equal to
// existing values, just beside them, outside the data, nulls, zero counts, empty groups).

export interface RuleVocabulary {
  readonly attributeTypes: Readonly<Record<string, 'number' | 'string' | 'date' | 'boolean'>>;
  readonly tags: Readonly<Record<string, readonly string[]>>;
  /** Values present in the data, per attribute. */
  readonly seen: ReadonlyMap<string, readonly Scalar[]>;
  readonly segments: readonly string[];
  readonly lists: readonly string[];
  readonly events: readonly string[];
  /** String event properties and their values. */
  readonly eventStrings: Readonly<Record<string, readonly string[]>>;
}

const TODAY = '2024-03-15';

/**
 * A random rule whose leaves sit at most `maxDepth` levels deep (1 = a single leaf). Sub-rules generated earlier
 * in `pool` are sometimes repeated, so that shared sub-rules (computed once by the engine) are exercised.
 */
export function randomRule(
  rng: Prng,
  vocabulary: RuleVocabulary,
  maxDepth: number,
  pool: [Rule, number][] = [],
): Rule {
  const reusable = pool.filter(([, depth]) => depth <= maxDepth);
  if (reusable.length > 0 && rng.chance(0.1)) return structuredClone(rng.pick(reusable)[0]);
  let rule: Rule;
  let depth = 1;
  if (maxDepth > 1 && rng.chance(0.55)) {
    const kind = rng.weighted([4, 4, 2]);
    const children = Array.from({ length: kind === 2 ? 1 : rng.weighted([0.3, 3, 4, 3, 2]) }, () =>
      randomRule(rng, vocabulary, maxDepth - 1, pool),
    );
    rule = kind === 2 ? { not: children[0]! } : kind === 0 ? { all: children } : { any: children };
    depth = 1 + Math.max(0, ...children.map(ruleDepth));
  } else {
    rule = randomLeaf(rng, vocabulary);
  }
  if (pool.length < 50) pool.push([rule, depth]);
  return rule;
}

const DEPTH: RuleVisitor<number> = {
  all: (children) => 1 + Math.max(0, ...children),
  any: (children) => 1 + Math.max(0, ...children),
  not: (child) => 1 + child,
  ...everyLeaf(() => 1),
};
const ruleDepth = (rule: Rule): number => walkRule(rule, DEPTH);

function randomLeaf(rng: Prng, v: RuleVocabulary): Rule {
  const kinds = ['tag', 'attr', 'holds', 'event', 'segment', 'list', 'sample'] as const;
  const kind = kinds[rng.weighted([5, 8, 3, 4, v.segments.length > 0 ? 2 : 0, 1, 1])]!;
  switch (kind) {
    case 'tag': {
      const tag = rng.pick(Object.keys(v.tags));
      const values = v.tags[tag]!;
      return { tag, in: Array.from({ length: rng.int(1, 3) }, () => rng.pick(values)) };
    }
    case 'attr':
      return randomAttr(rng, v);
    case 'holds': {
      const holds = rng.pick(PRODUCT_CATEGORIES);
      return rng.chance(0.3)
        ? { holds }
        : { holds, balance: randomBounds(rng, [0, 100, 1000.5, 50_000, 200_000, 1e6]) };
    }
    case 'event':
      return randomEvent(rng, v);
    case 'segment':
      return { segment: rng.pick(v.segments) };
    case 'list':
      return { list: rng.pick(v.lists) };
    case 'sample':
      return {
        sample: {
          percent: rng.pick([0.5, 10, 33.3, 50, 99, 100]),
          seed: rng.pick(['a', 'b', 'holdout-Q1', '种子']),
        },
      };
  }
}

/** Bounds that admit at least one value, with ends taken from `points`. */
function randomBounds(rng: Prng, points: readonly number[]): Bounds {
  const [a, b] = [rng.pick(points), rng.pick(points)].sort((x, y) => x - y) as [number, number];
  switch (rng.int(0, 6)) {
    case 0:
      return { gte: a };
    case 1:
      return { gt: a };
    case 2:
      return { lt: b };
    case 3:
      return { lte: b };
    case 4:
      return { gte: a, lte: b };
    case 5:
      return a < b ? { gt: a, lt: b } : { eq: a };
    default:
      return { eq: a };
  }
}

function randomAttr(rng: Prng, v: RuleVocabulary): AttrRule {
  const attr = rng.pick(Object.keys(v.attributeTypes));
  const type = v.attributeTypes[attr]!;
  const seen = v.seen.get(attr) ?? [];
  const ops =
    type === 'number' || type === 'date'
      ? (['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'empty'] as const)
      : type === 'string'
        ? (['=', '!=', 'in', 'contains', 'empty'] as const)
        : (['=', '!=', 'in', 'empty'] as const);
  const op = rng.pick<(typeof ops)[number]>(ops);
  if (op === 'empty') return { attr, op, value: rng.chance(0.5) };
  if (op === 'contains') {
    const base = seen.length > 0 ? String(rng.pick(seen)) : 'x';
    const start = rng.int(0, base.length);
    return {
      attr,
      op,
      value: rng.chance(0.1) ? '' : rng.chance(0.1) ? 'zz' : base.slice(start, start + rng.int(1, 3)),
    };
  }
  const value = (): Scalar => {
    if (type === 'boolean') return rng.chance(0.5);
    if (type === 'string') return rng.chance(0.1) || seen.length === 0 ? 'nowhere' : rng.pick(seen);
    if (type === 'date') {
      const base = seen.length > 0 ? (rng.pick(seen) as string) : TODAY;
      return rng.chance(0.1)
        ? rng.pick(['1900-01-01', '2100-12-31'])
        : addDays(base, rng.pick([0, 0, 0, -1, 1, -30]));
    }
    const numbers = seen as readonly number[];
    const base = numbers.length > 0 ? rng.pick(numbers) : 0;
    const edge = rng.int(0, 9);
    if (edge === 0) return numbers.reduce((m, x) => Math.min(m, x), Infinity) - rng.pick([0, 1]);
    if (edge === 1) return numbers.reduce((m, x) => Math.max(m, x), -Infinity) + rng.pick([0, 1]);
    if (edge === 2) return base + rng.pick([-0.5, 0.5, -1, 1]);
    if (edge === 3) return rng.pick([0, -0, 1e9, -1e9]);
    return base;
  };
  switch (op) {
    case 'between': {
      const [a, b] = [value(), value()] as [number | string, number | string];
      return { attr, op, value: a <= b ? [a, b] : [b, a] };
    }
    case 'in':
      return { attr, op, value: Array.from({ length: rng.int(1, 4) }, value) };
    case '=':
    case '!=':
      return { attr, op, value: value() };
    default:
      return { attr, op, value: value() as number | string };
  }
}

function randomEvent(rng: Prng, v: RuleVocabulary): EventRule {
  const rule: EventRule = { event: rng.pick(v.events) };
  const measure = rng.weighted([55, 25, 20]);
  if (measure === 0) {
    rule.count = rng.pick<Bounds>([
      { gte: 1 },
      { gte: 2 },
      { lt: 1 },
      { eq: 0 },
      { lte: 2 },
      { gt: 0, lt: 3 },
      { eq: 1 },
      { gte: 0 },
    ]);
  } else if (measure === 1) {
    rule.sum = {
      property: 'amount',
      ...rng.pick<Bounds>([
        { gte: 1000 },
        { lt: 100 },
        { gte: 0 },
        { gt: 0 },
        { eq: 0 },
        { gte: 50, lte: 5000 },
        { lt: 0 },
      ]),
    };
  }
  const window = rng.weighted([40, 30, 30]);
  if (window === 0) rule.within_days = rng.int(1, 70);
  if (window === 1) {
    const from = addDays(TODAY, -rng.int(0, 70));
    if (rng.chance(0.8)) rule.from = from;
    if (rng.chance(0.8)) rule.to = addDays(from, rng.int(0, 40));
  }
  const where: Record<string, Scalar | PropertyPredicate> = {};
  for (let n = rng.weighted([40, 40, 20]); n > 0; n--) {
    const [key, condition] = rng.pick<[string, Scalar | PropertyPredicate]>([
      ['channel', rng.pick(v.eventStrings.channel ?? ['app'])],
      ['channel', { ne: 'app' }],
      ['channel', { in: ['app', 'wecom'] }],
      ['amount', { gte: 100 }],
      ['amount', { lt: 1000 }],
      ['amount', { eq: 0 }],
      ['amount', 1000],
      ['amount', { gt: '0' }],
      ['product', { contains: 'F' }],
      ['product', { in: ['F1', 'D1'] }],
      ['missing_property', { eq: 1 }],
    ]);
    where[key] = condition;
  }
  if (Object.keys(where).length > 0) rule.where = where;
  return rule;
}
