import { AppError, ok, type Result } from '../shared/errors.ts';
import { filterBitmap, RoaringBitmap32, unionAll, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import { compile, EMPTY_BITMAP, type CompileOptions, type Leaf, type PlanNode } from './compile.ts';
import type { CustomerIndex } from './index.ts';
import type { RuleIssue } from './parse.ts';
import { eventConditionKey, inInterval, type EventCondition } from './predicate.ts';
import type { Rule } from './rule.ts';

// Evaluates a rule on an index snapshot: compile, resolve every event condition in parallel (the only I/O), then
// combine bitmaps synchronously. Intersections run smallest-first, stop at the first empty result, subtract
// negated children from the running result instead of complementing them, and filter small candidate sets value
// by value rather than building a leaf's full bitmap.

/**
 * Answers an event condition from the event store: the customers with at least one matching event whose aggregate
 * lies in `condition.having` (see EventCondition). Customers without a matching event are added by the engine.
 * Calls run in parallel, one per distinct condition; a rejection (event store unavailable) rejects `evaluate`.
 */
export type EventResolver = (condition: EventCondition) => Promise<ReadonlyRoaringBitmap32>;

/** When to filter candidates instead of selecting a leaf's bitmap (fractions of the universe). */
export interface Tuning {
  /** Filter leaves with a bitmap index (ranges, strings with per-value bitmaps) below this candidate share. */
  readonly filterBelow: number;
  /** Filter leaves whose selection is a full pass (samples, large string dictionaries) below this share. */
  readonly filterScansBelow: number;
}

/**
 * Defaults from the 10M-customer benchmark. A range select costs 1-5 ms, while testing a candidate reads its value
 * by ordinal, a cache miss of ~0.2 µs: filtering pays below ~5k candidates. Hashing for a sample costs no memory
 * read, and selecting an uncached sample hashes everyone (~60 ms at 10M): filtering pays up to 1/8 of the universe.
 */
export const DEFAULT_TUNING: Tuning = { filterBelow: 1 / 2000, filterScansBelow: 1 / 8 };

export interface EvaluateOptions extends CompileOptions {
  /** Needed when the rule has event conditions. */
  readonly events?: EventResolver;
  readonly tuning?: Partial<Tuning>;
}

export interface Evaluation {
  /** The members; a new bitmap owned by the caller. */
  readonly bitmap: RoaringBitmap32;
  readonly count: number;
  /** Wall time of compile + event resolution + bitmap work. */
  readonly elapsedMs: number;
}

/** Evaluates a parsed rule on the index: the members, their count and the time taken; or the rule's problems. */
export async function evaluate(
  rule: Rule,
  index: CustomerIndex,
  options: EvaluateOptions,
): Promise<Result<Evaluation, RuleIssue[]>> {
  const started = performance.now();
  const plan = compile(rule, index, options);
  if (!plan.ok) return plan;
  const events = await resolveEvents(plan.value.events, index, options.events);
  const run = new Run(index, events, plan.value.uses, { ...DEFAULT_TUNING, ...options.tuning });
  const result = run.evaluate(plan.value.root);
  const bitmap = result.isFrozen ? (result as RoaringBitmap32).clone() : (result as RoaringBitmap32);
  run.release(bitmap);
  return ok({ bitmap, count: bitmap.size, elapsedMs: performance.now() - started });
}

/** The count of a rule's members and the time taken, as the dashboard's live preview shows them. */
export async function preview(
  rule: Rule,
  index: CustomerIndex,
  options: EvaluateOptions,
): Promise<Result<{ count: number; elapsed_ms: number }, RuleIssue[]>> {
  const evaluation = await evaluate(rule, index, options);
  if (!evaluation.ok) return evaluation;
  return ok({
    count: evaluation.value.count,
    elapsed_ms: Math.round(evaluation.value.elapsedMs * 100) / 100,
  });
}

/** Resolves the event conditions in parallel; adds the customers without matching events where 0 qualifies. */
async function resolveEvents(
  conditions: readonly EventCondition[],
  index: CustomerIndex,
  resolver: EventResolver | undefined,
): Promise<Map<string, ReadonlyRoaringBitmap32>> {
  const out = new Map<string, ReadonlyRoaringBitmap32>();
  if (conditions.length === 0) return out;
  if (!resolver)
    throw new AppError('internal', 'the rule has event conditions but no event resolver was given');
  const calls = new Map<string, Promise<ReadonlyRoaringBitmap32>>();
  const ask = (c: EventCondition) => {
    const key = eventConditionKey(c);
    let call = calls.get(key);
    if (!call) calls.set(key, (call = resolver(c)));
    return call;
  };
  await Promise.all(
    conditions.map(async (condition) => {
      const zeroQualifies = inInterval(0, condition.having);
      // "Active" = at least one matching event; the rest have count 0 and sum 0.
      const active: EventCondition = {
        ...condition,
        measure: { kind: 'count' },
        having: { lo: 1, loInclusive: true, hi: Infinity, hiInclusive: false },
      };
      const [matched, withEvents] = await Promise.all([
        ask(condition),
        zeroQualifies ? ask(active) : undefined,
      ]);
      // The event store may know customers newer than the snapshot: keep only the snapshot's.
      const bitmap = RoaringBitmap32.and(matched, index.universe);
      if (withEvents) {
        const without = RoaringBitmap32.andNot(index.universe, withEvents);
        bitmap.orInPlace(without);
        without.dispose();
      }
      out.set(`event${eventConditionKey(condition)}`, bitmap);
    }),
  );
  return out;
}

/** One synchronous evaluation: caches each plan node's bitmap (shared sub-rules are computed once). */
class Run {
  readonly #index: CustomerIndex;
  readonly #events: ReadonlyMap<string, ReadonlyRoaringBitmap32>;
  readonly #uses: ReadonlyMap<string, number>;
  readonly #tuning: Tuning;
  readonly #results = new Map<string, ReadonlyRoaringBitmap32>();
  readonly #estimates = new Map<string, number>();

  constructor(
    index: CustomerIndex,
    events: ReadonlyMap<string, ReadonlyRoaringBitmap32>,
    uses: ReadonlyMap<string, number>,
    tuning: Tuning,
  ) {
    this.#index = index;
    this.#events = events;
    this.#uses = uses;
    this.#tuning = tuning;
  }

  /**
   * The node's members for a parent that may change them in place (`owned`): a bitmap this run made that no other
   * parent will read. Saves copying a dense bitmap (~1 MB at 10M customers) per group.
   */
  #take(node: PlanNode): { bitmap: ReadonlyRoaringBitmap32; owned: boolean } {
    const bitmap = this.evaluate(node);
    const owned = !bitmap.isFrozen && (this.#uses.get(node.key) ?? 0) <= 1;
    if (owned) this.#results.delete(node.key); // changed from now on: no longer this node's answer
    return { bitmap, owned };
  }

  /** The members of the node; may be a frozen bitmap of the index. */
  evaluate(node: PlanNode): ReadonlyRoaringBitmap32 {
    const cached = this.#results.get(node.key);
    if (cached) return cached;
    let result: ReadonlyRoaringBitmap32;
    switch (node.kind) {
      case 'everyone':
        result = this.#index.universe;
        break;
      case 'nobody':
        result = EMPTY_BITMAP;
        break;
      case 'leaf':
        result = node.leaf.select();
        break;
      case 'event':
        result = this.#events.get(node.key) ?? EMPTY_BITMAP;
        break;
      case 'not':
        result = RoaringBitmap32.andNot(this.#index.universe, this.evaluate(node.child));
        break;
      case 'all':
        result = this.#all(node.children);
        break;
      case 'any':
        result = this.#any(node.children);
        break;
    }
    this.#results.set(node.key, result);
    return result;
  }

  /** An upper bound of the node's member count, without evaluating it (events are already resolved). */
  estimate(node: PlanNode): number {
    const known = this.#results.get(node.key)?.size ?? this.#estimates.get(node.key);
    if (known !== undefined) return known;
    const universe = this.#index.size;
    let estimate: number;
    switch (node.kind) {
      case 'everyone':
        estimate = universe;
        break;
      case 'nobody':
        estimate = 0;
        break;
      case 'leaf':
        estimate = node.leaf.estimate();
        break;
      case 'event':
        estimate = this.#events.get(node.key)?.size ?? 0;
        break;
      case 'not':
        estimate = universe - this.#lowerBound(node.child);
        break;
      case 'all':
        estimate = Math.min(...node.children.map((c) => this.estimate(c)));
        break;
      case 'any':
        estimate = Math.min(
          universe,
          node.children.reduce((sum, c) => sum + this.estimate(c), 0),
        );
        break;
    }
    this.#estimates.set(node.key, estimate);
    return estimate;
  }

  // Estimates are upper bounds, so the complement of a child is bounded by what the child surely holds: exact sizes
  // only (bitmaps of tags, segments, events); otherwise nothing is assumed.
  #lowerBound(node: PlanNode): number {
    if (node.kind === 'event' || node.kind === 'everyone' || node.kind === 'nobody')
      return this.estimate(node);
    return this.#results.get(node.key)?.size ?? 0;
  }

  /**
   * Frees the native memory of every bitmap this run made, except `keep`. Roaring reports its allocations to V8 as
   * external memory; left to the garbage collector, the megabytes of temporaries per evaluation at 10M customers
   * triggered a full mark-compact every ~100 ms (3-45 ms each), the main source of slow evaluations.
   */
  release(keep: ReadonlyRoaringBitmap32): void {
    for (const b of [...this.#results.values(), ...this.#events.values()]) if (b !== keep) this.#drop(b);
  }

  #drop(b: ReadonlyRoaringBitmap32 | undefined): void {
    if (b && !b.isFrozen) (b as RoaringBitmap32).dispose(); // frozen bitmaps belong to the index
  }

  #all(children: readonly PlanNode[]): ReadonlyRoaringBitmap32 {
    const positive = children.filter((c) => c.kind !== 'not');
    const negative = children
      .filter((c): c is Extract<PlanNode, { kind: 'not' }> => c.kind === 'not')
      .map((c) => c.child);
    positive.sort((a, b) => this.estimate(a) - this.estimate(b));
    // The running result starts as a child's (shared) bitmap; once this method made its own copy, later steps
    // change that copy in place instead of allocating a new bitmap per step.
    let acc: ReadonlyRoaringBitmap32 = this.#index.universe;
    let own = false;
    const replace = (next: RoaringBitmap32) => {
      if (own) this.#drop(acc);
      [acc, own] = [next, true];
    };
    for (const [i, child] of positive.entries()) {
      if (i === 0) {
        ({ bitmap: acc, owned: own } = this.#take(child));
        continue;
      }
      if (acc.isEmpty) break;
      const test = this.#filterWith(child, acc.size);
      if (test) replace(filterBitmap(acc, test));
      else if (own) (acc as RoaringBitmap32).andInPlace(this.evaluate(child) as RoaringBitmap32);
      else replace(RoaringBitmap32.and(acc, this.evaluate(child)));
    }
    // subtract the biggest negated sets first: they shrink the running result (and later work) the most
    negative.sort((a, b) => this.estimate(b) - this.estimate(a));
    for (const child of negative) {
      if (acc.isEmpty) break;
      const test = this.#filterWith(child, acc.size);
      if (test) replace(filterBitmap(acc, (o) => !test(o)));
      else if (own) (acc as RoaringBitmap32).andNotInPlace(this.evaluate(child) as RoaringBitmap32);
      else replace(RoaringBitmap32.andNot(acc, this.evaluate(child)));
    }
    return acc;
  }

  #any(children: readonly PlanNode[]): ReadonlyRoaringBitmap32 {
    const universe = this.#index.size;
    const ordered = [...children].sort((a, b) => this.estimate(b) - this.estimate(a));
    const parts: ReadonlyRoaringBitmap32[] = [];
    const owned: ReadonlyRoaringBitmap32[] = []; // taken from children: freed here once merged
    for (const child of ordered) {
      const part = this.#take(child);
      if (part.owned) owned.push(part.bitmap);
      if (part.bitmap.size === universe) {
        for (const b of owned) if (b !== part.bitmap) this.#drop(b);
        return part.bitmap; // one child already covers everybody
      }
      parts.push(part.bitmap);
    }
    // OR into the largest part this node may change (children are ordered largest first), else into a copy
    const into = owned[0] as RoaringBitmap32 | undefined;
    if (!into) return unionAll(parts);
    for (const part of parts) if (part !== into) into.orInPlace(part as RoaringBitmap32);
    for (const b of owned) if (b !== into) this.#drop(b);
    return into;
  }

  /** The leaf's membership test when filtering `candidates` customers is cheaper than selecting the leaf. */
  #filterWith(node: PlanNode, candidates: number): Leaf['test'] {
    if (node.kind !== 'leaf' || !node.leaf.test || this.#results.has(node.key)) return undefined;
    const share = candidates / Math.max(1, this.#index.size);
    return share < (node.leaf.scans ? this.#tuning.filterScansBelow : this.#tuning.filterBelow)
      ? node.leaf.test
      : undefined;
  }
}
