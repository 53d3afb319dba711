import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { eventCondition, eventConditionKey, inInterval, type EventCondition } from '../segments/predicate.ts';
import type { Rule } from '../segments/rule.ts';
import { AppError } from '../shared/errors.ts';
import { checkTagRule, type TagDefinition } from './definition.ts';
import type { ConditionResult } from './event-batch.ts';
import type { FactChunk, FactScanner } from './facts.ts';
import { compileRowRule, ruleNeeds, type RowTest } from './rules.ts';

// Tags computed during the scan of customer facts: attribute (first matching rule), bucket (first band holding the
// number) and lifecycle (first matching stage). Rules without event conditions are evaluated row by row and each
// chunk's members go into the value bitmaps with one sorted addMany per value. Rules with event conditions (lifecycle)
// are split: their event-free parts are evaluated row by row into bitmaps during the scan, their event conditions
// come from the event store as bitmaps, and the rule is combined with bitmap algebra once both are in, so the scan
// never waits for the event store.

const NONE = 255;
type Scanner = Pick<FactScanner, 'dictionary' | 'code'>;

/** A rule over bitmaps: event-free parts are row leaves (by index), event conditions are event leaves. */
type Plan =
  | { op: 'all' | 'any'; kids: Plan[] }
  | { op: 'not'; kid: Plan }
  | { op: 'row'; index: number }
  | { op: 'event'; key: string; zero: boolean }
  | { op: 'everyone' };

/** A scan-evaluated tag: its values, what it reads, and how it assigns values chunk by chunk. */
export class RowTag {
  readonly key: string;
  readonly values: readonly string[];
  readonly fields = new Set<string>();
  readonly events = new Map<string, EventCondition>();
  /** Milliseconds spent evaluating this tag (the scan itself is shared). */
  elapsedMs = 0;
  error: string | null = null;
  readonly #today: number;
  readonly #bitmaps: RoaringBitmap32[];
  readonly #rules: (Rule | null)[] = [];
  readonly #band?: { field: string; bands: { min: number; max: number }[]; missing: number };
  readonly #fallback: number = NONE;
  /** Bitmap path (rules with event conditions): one plan per value and the row leaves they use. */
  readonly #plans: Plan[] | null = null;
  readonly #leaves: Rule[] = [];
  readonly #leafBitmaps: RoaringBitmap32[] = [];
  #buffers: Uint32Array[] = [];

  constructor(def: TagDefinition, today: number) {
    this.key = def.key;
    this.#today = today;
    const needs = { fields: this.fields, events: this.events };
    const parse = (json: unknown, allowed: 'attribute' | 'lifecycle', path: string): Rule => {
      const rule = checkTagRule(json, allowed, path);
      if (!rule.ok)
        throw new AppError('validation_failed', rule.error.map((i) => `${i.path}: ${i.message}`).join('; '));
      ruleNeeds(rule.value, today, needs);
      return rule.value;
    };
    if (def.kind === 'attribute') {
      this.values = [
        ...def.spec.values.map((v) => v.value),
        ...(def.spec.default ? [def.spec.default.value] : []),
      ];
      this.#rules = def.spec.values.map((v, i) => parse(v.rule, 'attribute', `values[${i}].rule`));
      if (def.spec.default) this.#fallback = this.values.length - 1;
    } else if (def.kind === 'lifecycle') {
      this.values = def.spec.stages.map((s) => s.value);
      this.#rules = def.spec.stages.map((s, i) =>
        s.rule === undefined ? null : parse(s.rule, 'lifecycle', `stages[${i}].rule`),
      );
    } else if (def.kind === 'bucket') {
      this.values = [
        ...def.spec.buckets.map((b) => b.value),
        ...(def.spec.missing ? [def.spec.missing.value] : []),
      ];
      this.#band = {
        field: def.spec.field,
        bands: def.spec.buckets.map((b) => ({ min: b.min ?? -Infinity, max: b.max ?? Infinity })),
        missing: def.spec.missing ? this.values.length - 1 : NONE,
      };
      this.fields.add(def.spec.field);
    } else {
      throw new AppError('internal', `${def.kind} tags are not evaluated during the scan`);
    }
    if (this.values.length >= NONE)
      throw new AppError('validation_failed', `tag ${def.key} has too many values`);
    this.#bitmaps = this.values.map(() => new RoaringBitmap32());
    if (this.events.size > 0) {
      this.#plans = this.#rules.map((r) => (r === null ? { op: 'everyone' } : this.#plan(r)));
      this.#leafBitmaps = this.#leaves.map(() => new RoaringBitmap32());
    }
  }

  /** Evaluates the chunk's rows (or the event-free parts of the rules). */
  evaluate(chunk: FactChunk, scanner: Scanner): void {
    if (this.error !== null) return;
    const started = performance.now();
    try {
      if (this.#plans) this.#evaluateLeaves(chunk, scanner);
      else this.#evaluateRows(chunk, scanner);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.elapsedMs += performance.now() - started;
    }
  }

  /** The values with their members, once the scan (and, for rules with events, the event store) is done. */
  result(
    universe: RoaringBitmap32,
    condition: (key: string) => ConditionResult,
  ): Map<string, RoaringBitmap32> {
    const started = performance.now();
    this.#buffers = [];
    if (this.#plans) {
      // First match wins: each value keeps the members its rule selects that no earlier value took.
      const taken = new RoaringBitmap32();
      this.#plans.forEach((plan, v) => {
        const members = this.#combine(plan, universe, condition);
        members.andNotInPlace(taken);
        taken.orInPlace(members);
        this.#bitmaps[v] = members;
      });
    }
    this.elapsedMs += performance.now() - started;
    return new Map(this.values.map((v, i) => [v, this.#bitmaps[i]!]));
  }

  #evaluateRows(chunk: FactChunk, scanner: Scanner): void {
    const n = chunk.ids.length;
    if (this.#buffers.length === 0 || this.#buffers[0]!.length < n)
      this.#buffers = this.values.map(() => new Uint32Array(n));
    const counts = new Uint32Array(this.values.length);
    const assign = this.#assigner(chunk, scanner);
    const ids = chunk.ids;
    const buffers = this.#buffers;
    for (let i = 0; i < n; i++) {
      const v = assign(i);
      if (v !== NONE) buffers[v]![counts[v]!++] = ids[i]!;
    }
    for (let v = 0; v < this.values.length; v++)
      if (counts[v]! > 0) this.#bitmaps[v]!.addMany(buffers[v]!.subarray(0, counts[v]));
  }

  #evaluateLeaves(chunk: FactChunk, scanner: Scanner): void {
    const n = chunk.ids.length;
    if (this.#buffers.length === 0 || this.#buffers[0]!.length < n) this.#buffers = [new Uint32Array(n)];
    const buffer = this.#buffers[0]!;
    this.#leaves.forEach((leaf, k) => {
      const test = compileRowRule(leaf, chunk, scanner);
      let count = 0;
      for (let i = 0; i < n; i++) if (test(i)) buffer[count++] = chunk.ids[i]!;
      if (count > 0) this.#leafBitmaps[k]!.addMany(buffer.subarray(0, count));
    });
  }

  #assigner(chunk: FactChunk, scanner: Scanner): (i: number) => number {
    const band = this.#band;
    if (band) {
      const values = chunk.numbers.get(band.field);
      if (!values) throw new AppError('internal', `fact ${band.field} was not loaded`);
      const { bands, missing } = band;
      return (i) => {
        const x = values[i]!;
        if (x !== x) return missing;
        for (let b = 0; b < bands.length; b++) if (x >= bands[b]!.min && x < bands[b]!.max) return b;
        return NONE;
      };
    }
    const tests: (RowTest | null)[] = this.#rules.map((r) =>
      r === null ? null : compileRowRule(r, chunk, scanner),
    );
    const fallback = this.#fallback;
    return (i) => {
      for (let t = 0; t < tests.length; t++) {
        const test = tests[t];
        if (test === null || test!(i)) return t;
      }
      return fallback;
    };
  }

  /** Splits a rule into row leaves (maximal event-free subtrees) and event leaves. */
  #plan(rule: Rule): Plan {
    if (!hasEvent(rule)) {
      this.#leaves.push(rule);
      return { op: 'row', index: this.#leaves.length - 1 };
    }
    if ('all' in rule) return { op: 'all', kids: rule.all.map((r) => this.#plan(r)) };
    if ('any' in rule) return { op: 'any', kids: rule.any.map((r) => this.#plan(r)) };
    if ('not' in rule) return { op: 'not', kid: this.#plan(rule.not) };
    if ('event' in rule) {
      const condition = eventCondition(rule, this.#today);
      if (!condition.ok) throw new AppError('validation_failed', condition.error[0]?.message ?? 'bad event');
      return {
        op: 'event',
        key: eventConditionKey(condition.value),
        zero: inInterval(0, condition.value.having),
      };
    }
    throw new AppError('internal', 'unexpected rule');
  }

  #combine(
    plan: Plan,
    universe: RoaringBitmap32,
    condition: (key: string) => ConditionResult,
  ): RoaringBitmap32 {
    switch (plan.op) {
      case 'everyone':
        return universe.clone();
      case 'row':
        return this.#leafBitmaps[plan.index]!.clone();
      case 'event': {
        const answer = condition(plan.key);
        // A condition admitting 0 also holds for every customer without a matching event.
        return plan.zero
          ? RoaringBitmap32.andNot(universe, answer.any).orInPlace(answer.members)
          : answer.members.clone();
      }
      case 'not':
        return RoaringBitmap32.andNot(universe, this.#combine(plan.kid, universe, condition));
      case 'all': {
        const [first, ...rest] = plan.kids.map((k) => this.#combine(k, universe, condition));
        for (const b of rest) first!.andInPlace(b);
        return first ?? universe.clone();
      }
      case 'any': {
        const out = new RoaringBitmap32();
        for (const k of plan.kids) out.orInPlace(this.#combine(k, universe, condition));
        return out;
      }
    }
  }
}

function hasEvent(rule: Rule): boolean {
  if ('all' in rule) return rule.all.some(hasEvent);
  if ('any' in rule) return rule.any.some(hasEvent);
  if ('not' in rule) return hasEvent(rule.not);
  return 'event' in rule;
}
