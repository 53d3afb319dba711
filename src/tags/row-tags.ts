import type { EventCondition } from '../segments/predicate.ts';
import { RoaringBitmap32 } from '../segments/bitmap.ts';
import type { Rule } from '../segments/rule.ts';
import { AppError } from '../shared/errors.ts';
import { checkTagRule, type TagDefinition } from './definition.ts';
import type { FactChunk, FactScanner } from './facts.ts';
import { compileRowRule, ruleNeeds, type RowTest } from './rules.ts';

// Tags computed row by row during the scan of customer facts: attribute (first matching rule), bucket (first band
// holding the number) and lifecycle (first matching stage). Each chunk's members go into the value bitmaps with one
// sorted addMany per value, so memory stays at the bitmaps plus one chunk.

const NONE = 255;

/** A row-evaluated tag: its values, what it reads, and how it assigns a value per row of a chunk. */
export class RowTag {
  readonly key: string;
  readonly values: readonly string[];
  readonly fields = new Set<string>();
  readonly events = new Map<string, EventCondition>();
  readonly bitmaps: RoaringBitmap32[];
  /** Milliseconds spent evaluating this tag (the scan itself is shared). */
  elapsedMs = 0;
  error: string | null = null;
  readonly #rules: (Rule | null)[];
  readonly #band?: { field: string; bands: { min: number; max: number }[]; missing: number };
  readonly #fallback: number;
  #buffers: Uint32Array[] = [];

  constructor(def: TagDefinition, today: number) {
    this.key = def.key;
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
      this.#fallback = def.spec.default ? this.values.length - 1 : NONE;
    } else if (def.kind === 'lifecycle') {
      this.values = def.spec.stages.map((s) => s.value);
      this.#rules = def.spec.stages.map((s, i) =>
        s.rule === undefined ? null : parse(s.rule, 'lifecycle', `stages[${i}].rule`),
      );
      this.#fallback = NONE;
    } else if (def.kind === 'bucket') {
      this.values = [
        ...def.spec.buckets.map((b) => b.value),
        ...(def.spec.missing ? [def.spec.missing.value] : []),
      ];
      this.#rules = [];
      this.#band = {
        field: def.spec.field,
        bands: def.spec.buckets.map((b) => ({ min: b.min ?? -Infinity, max: b.max ?? Infinity })),
        missing: def.spec.missing ? this.values.length - 1 : NONE,
      };
      this.fields.add(def.spec.field);
      this.#fallback = NONE;
    } else {
      throw new AppError('internal', `${def.kind} tags are not row-evaluated`);
    }
    if (this.values.length >= NONE)
      throw new AppError('validation_failed', `tag ${def.key} has too many values`);
    this.bitmaps = this.values.map(() => new RoaringBitmap32());
  }

  /** Assigns this tag's values to the rows of a chunk. */
  evaluate(
    chunk: FactChunk,
    scanner: Pick<FactScanner, 'dictionary' | 'code'>,
    today: number,
    eventMask: (key: string) => Uint8Array,
  ): void {
    if (this.error !== null) return;
    const started = performance.now();
    try {
      const n = chunk.ids.length;
      if (this.#buffers.length === 0 || this.#buffers[0]!.length < n)
        this.#buffers = this.values.map(() => new Uint32Array(n));
      const counts = new Uint32Array(this.values.length);
      const assign = this.#assigner(chunk, scanner, today, eventMask);
      const ids = chunk.ids;
      for (let i = 0; i < n; i++) {
        const v = assign(i);
        if (v !== NONE) this.#buffers[v]![counts[v]!++] = ids[i]!;
      }
      for (let v = 0; v < this.values.length; v++)
        if (counts[v]! > 0) this.bitmaps[v]!.addMany(this.#buffers[v]!.subarray(0, counts[v]));
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.elapsedMs += performance.now() - started;
    }
  }

  /** The values with their members (after the scan). */
  result(): Map<string, RoaringBitmap32> {
    this.#buffers = [];
    return new Map(this.values.map((v, i) => [v, this.bitmaps[i]!]));
  }

  #assigner(
    chunk: FactChunk,
    scanner: Pick<FactScanner, 'dictionary' | 'code'>,
    today: number,
    eventMask: (key: string) => Uint8Array,
  ): (i: number) => number {
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
      r === null ? null : compileRowRule(r, chunk, scanner, today, eventMask),
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
}
