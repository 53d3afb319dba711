import { err, ok, type Result } from '../shared/errors.ts';
import {
  bitsetWords,
  fromBitset,
  RoaringBitmap32,
  unionAll,
  type ReadonlyRoaringBitmap32,
} from '../shared/bitmap.ts';
import type { CustomerIndex } from './index.ts';
import type { RuleIssue } from './parse.ts';
import {
  eventConditionKey,
  inInterval,
  intervalText,
  parseDay,
  type AttrPredicate,
  type EventCondition,
  type Interval,
} from './predicate.ts';
import type {
  AttrRule,
  EventRule,
  HoldsRule,
  ListRule,
  Rule,
  SampleRule,
  SegmentRule,
  TagRule,
} from './rule.ts';
import { reportTo, RuleChecker, unknownSegment, type RuleBuilder, type RuleScope } from './rule-check.ts';
import { walkRule, type RuleVisitor } from './rule-walk.ts';
import { murmur3Uint32, sampleSeed, sampleTest, sampleThreshold } from './sample.ts';

// Compiles a rule against one index snapshot into a plan: a DAG of bitmap operations over leaves bound to the
// index's bitmaps and columns. Groups are flattened (all inside all), double negations removed, and identical
// sub-rules share one node (hash-consing by a canonical key), so an evaluation computes each of them once.

/** A condition answered by the index. */
export interface Leaf {
  /** An upper bound of the number of customers selected (cheap; used to order intersections). */
  estimate(): number;
  /** The customers selected; may be a frozen bitmap of the index, never to be changed. */
  select(): ReadonlyRoaringBitmap32;
  /** Membership of one customer, when the leaf can filter a small candidate set instead of selecting. */
  readonly test?: (ordinal: number) => boolean;
  /** True when `select` is a full pass over the customers (hash or scan), so filtering pays off much sooner. */
  readonly scans?: boolean;
}

export type PlanNode =
  | { readonly kind: 'all' | 'any'; readonly key: string; readonly children: readonly PlanNode[] }
  | { readonly kind: 'not'; readonly key: string; readonly child: PlanNode }
  | { readonly kind: 'everyone' | 'nobody'; readonly key: string }
  | { readonly kind: 'leaf'; readonly key: string; readonly leaf: Leaf }
  | { readonly kind: 'event'; readonly key: string; readonly condition: EventCondition };

export interface Plan {
  readonly root: PlanNode;
  /** The distinct event conditions, to resolve (in parallel) before the bitmap work. */
  readonly events: readonly EventCondition[];
  /** How many parents refer to each node (by key); the root counts one. A node used once may be consumed. */
  readonly uses: ReadonlyMap<string, number>;
}

export interface CompileOptions {
  /** The day `within_days` windows end on, 'YYYY-MM-DD'. */
  readonly today: string;
  /** Rules of saved segments the index has no bitmap for; they are compiled inline. */
  readonly segments?: ReadonlyMap<string, Rule>;
}

const EVERYONE: PlanNode = { kind: 'everyone', key: '*' };
const NOBODY: PlanNode = { kind: 'nobody', key: '0' };
const ANY_VALUES = {};

/** Compiles a parsed rule for the index, or returns every problem (unknown names, wrong types, cycles). */
export function compile(
  rule: Rule,
  index: CustomerIndex,
  options: CompileOptions,
): Result<Plan, RuleIssue[]> {
  const today = parseDay(options.today);
  if (today === undefined) {
    return err([
      {
        path: '$',
        code: 'bad_window',
        message: `today must be a date 'YYYY-MM-DD'; got ${JSON.stringify(options.today)}`,
      },
    ]);
  }
  const builder = new PlanBuilder(index, options, today);
  const root = walkRule(rule, builder.visitor);
  const issues = builder.issues;
  if (issues.length > 0) return err(issues);
  const uses = new Map<string, number>([[root.key, 1]]);
  const seen = new Set<string>();
  const count = (node: PlanNode): void => {
    if (seen.has(node.key)) return;
    seen.add(node.key);
    const children =
      node.kind === 'all' || node.kind === 'any' ? node.children : node.kind === 'not' ? [node.child] : [];
    for (const child of children) {
      uses.set(child.key, (uses.get(child.key) ?? 0) + 1);
      count(child);
    }
  };
  count(root);
  return ok({ root, events: [...builder.events.values()], uses });
}

/**
 * The plan of a checked rule: nodes bound to the index's bitmaps and columns, each built once (hash-consed by key).
 * The index is also the scope the rule's names resolve in.
 */
// A class, not closures: see RuleChecker (rule-check.ts).
class PlanBuilder implements RuleScope, RuleBuilder<PlanNode> {
  readonly refused = NOBODY;
  readonly issues: RuleIssue[] = [];
  /** The distinct event conditions, by key. */
  readonly events = new Map<string, EventCondition>();
  readonly visitor: RuleVisitor<PlanNode>;
  private readonly report = reportTo(this.issues);
  private readonly nodes = new Map<string, PlanNode>();
  /** The saved segments being compiled inline, outermost first. */
  private readonly expanding: string[] = [];

  constructor(
    private readonly index: CustomerIndex,
    private readonly options: CompileOptions,
    readonly today: number,
  ) {
    this.visitor = new RuleChecker(this, this, this.report);
  }

  // ---- scope ----

  lookupTag(name: string) {
    // A value the snapshot has never seen is simply empty: the tag catalogue may be ahead of the snapshot.
    return this.index.hasTag(name) ? ANY_VALUES : undefined;
  }

  attributeType(name: string) {
    return this.index.attribute(name)?.type;
  }

  hasList(name: string) {
    return this.index.list(name) !== undefined;
  }

  // ---- builder ----

  all(children: PlanNode[]): PlanNode {
    return this.group('all', children);
  }

  any(children: PlanNode[]): PlanNode {
    return this.group('any', children);
  }

  not(child: PlanNode): PlanNode {
    if (child.kind === 'not') return child.child;
    if (child.kind === 'everyone') return NOBODY;
    if (child.kind === 'nobody') return EVERYONE;
    return this.intern({ kind: 'not', key: `!${child.key}`, child });
  }

  tag(node: TagRule): PlanNode {
    const values = [...new Set(node.in)].sort();
    return this.bitmapLeaf(
      `tag${JSON.stringify([node.tag, values])}`,
      values.map((v) => this.index.tagValue(node.tag, v)!),
    );
  }

  attr(node: AttrRule, p: AttrPredicate): PlanNode {
    const attribute = this.index.attribute(node.attr)!;
    const key = `attr${JSON.stringify([node.attr])}`;
    if (p.kind === 'isNull' || p.kind === 'notNull') {
      const nonNull = this.bitmapLeaf(`${key}:notnull`, [attribute.column.nonNull]);
      return p.kind === 'notNull'
        ? nonNull
        : this.intern({ kind: 'not', key: `!${nonNull.key}`, child: nonNull });
    }
    if (attribute.type === 'boolean') {
      if (p.kind !== 'booleans') throw new Error('unreachable');
      const c = attribute.column;
      return this.bitmapLeaf(
        `${key}:${[...p.values].sort().join()}`,
        p.values.map((v) => (v ? c.trueBits : c.falseBits)),
      );
    }
    if (attribute.type === 'string') {
      if (p.kind !== 'strings' && p.kind !== 'contains') throw new Error('unreachable');
      const column = attribute.column;
      const match = p.kind === 'contains' ? p : { ...p, values: [...p.values].sort() };
      return this.leaf(`${key}:${JSON.stringify(match)}`, () => {
        const table = column.matcher(match);
        const codes = column.codes;
        return {
          estimate: () => column.estimate(match),
          select: () => column.select(match),
          test: (o) => table[codes[o] ?? 0] === 1,
          scans: column.scans,
        };
      });
    }
    if (p.kind !== 'intervals') throw new Error('unreachable');
    return this.rangeLeaf(`${key}:${p.intervals.map(intervalText).join('|')}`, attribute.column, p.intervals);
  }

  holds(node: HoldsRule, interval: Interval): PlanNode {
    return this.rangeLeaf(`holds:${node.holds}:${intervalText(interval)}`, this.index.holdings(node.holds), [
      interval,
    ]);
  }

  event(_node: EventRule, condition: EventCondition): PlanNode {
    const key = `event${eventConditionKey(condition)}`;
    this.events.set(key, condition);
    return this.nodes.get(key) ?? this.intern({ kind: 'event', key, condition });
  }

  segment(node: SegmentRule, path: string): PlanNode {
    const id = node.segment;
    const members = this.index.segment(id);
    if (members) return this.bitmapLeaf(`segment${JSON.stringify(id)}`, [members]);
    const definition = this.options.segments?.get(id);
    if (!definition) {
      this.report(path, [unknownSegment(id)]);
      return NOBODY;
    }
    const expanding = this.expanding;
    if (expanding.includes(id)) {
      const cycle = [...expanding.slice(expanding.indexOf(id)), id].join(' → ');
      this.report(path, [{ code: 'segment_cycle', field: 'segment', message: `segment cycle: ${cycle}` }]);
      return NOBODY;
    }
    // A saved segment without a bitmap is compiled inline; its issues are located below the reference.
    expanding.push(id);
    const expanded = walkRule(definition, this.visitor, `${path}<${id}>`);
    expanding.pop();
    return expanded;
  }

  list(node: ListRule): PlanNode {
    return this.bitmapLeaf(`list${JSON.stringify(node.list)}`, [this.index.list(node.list)!]);
  }

  sample(node: SampleRule): PlanNode {
    const { percent, seed } = node.sample;
    if (percent === 100) return EVERYONE;
    const index = this.index;
    return this.leaf(`sample${JSON.stringify([seed, percent])}`, () => {
      const test = sampleTest(seed, percent);
      return {
        estimate: () => Math.ceil((index.size * percent) / 100),
        select: () => sampleOf(index, seed, percent),
        test,
        // once its bitmap is cached, a sample is as cheap to intersect as a tag
        get scans() {
          return !sampleCache.get(index)?.has(JSON.stringify([seed, percent]));
        },
      };
    });
  }

  // ---- nodes ----

  private intern(node: PlanNode): PlanNode {
    const known = this.nodes.get(node.key);
    if (known) return known;
    this.nodes.set(node.key, node);
    return node;
  }

  private leaf(key: string, make: () => Leaf): PlanNode {
    return this.nodes.get(key) ?? this.intern({ kind: 'leaf', key, leaf: make() });
  }

  private bitmapLeaf(key: string, bitmaps: readonly ReadonlyRoaringBitmap32[]): PlanNode {
    return this.leaf(key, () => ({
      estimate: () => bitmaps.reduce((sum, b) => sum + b.size, 0),
      select: () => (bitmaps.length === 1 ? bitmaps[0]! : unionAll(bitmaps)),
    }));
  }

  private rangeLeaf(
    key: string,
    column: ReturnType<CustomerIndex['holdings']>,
    intervals: readonly Interval[],
  ): PlanNode {
    return this.leaf(key, () => ({
      estimate: () => column.estimate(intervals),
      select: () => column.select(intervals),
      test: (o) => {
        const v = column.values[o];
        if (v === undefined || v !== v) return false;
        for (const i of intervals) if (inInterval(v, i)) return true;
        return false;
      },
    }));
  }

  private group(kind: 'all' | 'any', items: PlanNode[]): PlanNode {
    const [unit, zero] = kind === 'all' ? [EVERYONE, NOBODY] : [NOBODY, EVERYONE];
    const children = new Map<string, PlanNode>();
    for (const item of items) {
      if (item.kind === kind) for (const c of item.children) children.set(c.key, c);
      else if (item.kind !== unit.kind) children.set(item.key, item);
    }
    if ([...children.values()].some((c) => c.kind === zero.kind)) return zero;
    if (children.size === 0) return unit; // all [] = everyone, any [] = nobody (validation refuses empty groups)
    if (children.size === 1) return [...children.values()][0]!;
    const sorted = [...children.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.intern({ kind, key: `${kind}(${sorted.map((c) => c.key).join(',')})`, children: sorted });
  }
}

// Sampling over the whole universe hashes every customer (~40 ms at 10M), so the bitmaps of recent samples are kept
// per index: a hold-out group is evaluated again and again with the same seed.
const sampleCache = new WeakMap<CustomerIndex, Map<string, ReadonlyRoaringBitmap32>>();
const SAMPLE_CACHE_SIZE = 16;

function sampleOf(index: CustomerIndex, seed: string, percent: number): ReadonlyRoaringBitmap32 {
  let cache = sampleCache.get(index);
  if (!cache) sampleCache.set(index, (cache = new Map()));
  const key = JSON.stringify([seed, percent]);
  const hit = cache.get(key);
  if (hit) return hit;
  // Hash every ordinal up to the largest into a bitset (no per-customer call, no array of members), then keep the
  // customers: cheaper than iterating the universe when it is nearly all ordinals, as dense ordinals make it.
  const h = sampleSeed(seed);
  const threshold = sampleThreshold(percent);
  const words = bitsetWords(index.maxOrdinal);
  for (let ordinal = 1; ordinal <= index.maxOrdinal; ordinal++) {
    if (murmur3Uint32(ordinal, h) < threshold) words[ordinal >>> 5]! |= 1 << (ordinal & 31);
  }
  const bitmap = fromBitset(words);
  if (index.universe.size !== index.maxOrdinal) bitmap.andInPlace(index.universe as RoaringBitmap32);
  bitmap.freeze();
  if (cache.size >= SAMPLE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, bitmap);
  return bitmap;
}

/** The empty bitmap, shared and frozen. */
export const EMPTY_BITMAP: ReadonlyRoaringBitmap32 = new RoaringBitmap32().freeze();
