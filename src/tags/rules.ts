import {
  attrPredicate,
  balanceInterval,
  eventCondition,
  eventConditionKey,
  inInterval,
  type EventCondition,
  type Interval,
} from '../segments/predicate.ts';
import type { Rule } from '../segments/rule.ts';
import { AppError } from '../shared/errors.ts';
import { BOOL_TRUE, type FactChunk, type FactScanner } from './facts.ts';
import { FIELDS, holdsField } from './fields.ts';

// Rule-based tags (attribute, lifecycle) are evaluated row by row over a chunk of facts: a rule compiles into a
// closure over the chunk's typed arrays. Semantics are the segment engine's (predicate.ts decides what every op
// means): comparisons are false for empty values, `empty` selects them, `holds` needs a holding in the category with
// the category total in bounds, `not` is everyone else.

/** A compiled rule: is row i of the chunk a member? */
export type RowTest = (i: number) => boolean;

/** The fact fields and event conditions a rule reads. */
export function ruleNeeds(
  rule: Rule,
  today: number,
  out: { fields: Set<string>; events: Map<string, EventCondition> },
) {
  const visit = (node: Rule): void => {
    if ('all' in node) node.all.forEach(visit);
    else if ('any' in node) node.any.forEach(visit);
    else if ('not' in node) visit(node.not);
    else if ('attr' in node) out.fields.add(node.attr);
    else if ('holds' in node) out.fields.add(holdsField(node.holds, node.balance !== undefined));
    else if ('event' in node) {
      const condition = eventCondition(node, today);
      if (!condition.ok)
        throw new AppError('validation_failed', condition.error.map((p) => p.message).join('; '));
      out.events.set(eventConditionKey(condition.value), condition.value);
    } else throw new AppError('validation_failed', `tags cannot use this condition: ${JSON.stringify(node)}`);
  };
  visit(rule);
  return out;
}

/** Compiles an event-free rule against one chunk (event conditions are combined as bitmaps, see row-tags.ts). */
export function compileRowRule(
  rule: Rule,
  chunk: FactChunk,
  scanner: Pick<FactScanner, 'dictionary' | 'code'>,
): RowTest {
  const compile = (node: Rule): RowTest => {
    if ('all' in node) {
      const parts = node.all.map(compile);
      if (parts.length === 1) return parts[0]!;
      if (parts.length === 2) {
        const [a, b] = parts as [RowTest, RowTest];
        return (i) => a(i) && b(i);
      }
      return (i) => {
        for (let k = 0; k < parts.length; k++) if (!parts[k]!(i)) return false;
        return true;
      };
    }
    if ('any' in node) {
      const parts = node.any.map(compile);
      if (parts.length === 1) return parts[0]!;
      if (parts.length === 2) {
        const [a, b] = parts as [RowTest, RowTest];
        return (i) => a(i) || b(i);
      }
      return (i) => {
        for (let k = 0; k < parts.length; k++) if (parts[k]!(i)) return true;
        return false;
      };
    }
    if ('not' in node) {
      const inner = compile(node.not);
      return (i) => !inner(i);
    }
    if ('holds' in node) {
      const totals = column(chunk.numbers, holdsField(node.holds, node.balance !== undefined));
      const interval = balanceInterval(node.balance);
      if (!interval.ok) throw new AppError('validation_failed', interval.error[0]?.message ?? 'bad balance');
      return numeric(totals, [interval.value]);
    }
    if ('attr' in node) {
      const field = FIELDS.get(node.attr);
      if (!field) throw new AppError('validation_failed', `unknown field '${node.attr}'`);
      const predicate = attrPredicate(node, field.type);
      if (!predicate.ok)
        throw new AppError('validation_failed', predicate.error[0]?.message ?? 'bad condition');
      const p = predicate.value;
      if (field.type === 'string') {
        const codes = column(chunk.strings, field.name);
        if (p.kind === 'isNull') return (i) => codes[i] === 0;
        if (p.kind === 'notNull') return (i) => codes[i] !== 0;
        let wanted: Set<number>;
        let negate = false;
        if (p.kind === 'strings') {
          wanted = new Set(p.values.map((v) => scanner.code(field.name, v)).filter((c) => c !== undefined));
          negate = p.negate;
        } else if (p.kind === 'contains') {
          const values = scanner.dictionary(field.name);
          wanted = new Set();
          for (let c = 1; c < values.length; c++) if (values[c]!.includes(p.needle)) wanted.add(c);
        } else throw new AppError('internal', `string predicate ${p.kind}`);
        return negate ? (i) => codes[i] !== 0 && !wanted.has(codes[i]!) : (i) => wanted.has(codes[i]!);
      }
      if (field.type === 'boolean') {
        const values = column(chunk.booleans, field.name);
        if (p.kind === 'isNull') return (i) => values[i] === 0;
        if (p.kind === 'notNull') return (i) => values[i] !== 0;
        if (p.kind !== 'booleans') throw new AppError('internal', `boolean predicate ${p.kind}`);
        const wantTrue = p.values.includes(true);
        const wantFalse = p.values.includes(false);
        return (i) => (values[i] === BOOL_TRUE ? wantTrue : values[i] !== 0 && wantFalse);
      }
      const values = column(chunk.numbers, field.name);
      if (p.kind === 'isNull') return (i) => values[i] !== values[i];
      if (p.kind === 'notNull') return (i) => values[i] === values[i];
      if (p.kind !== 'intervals') throw new AppError('internal', `numeric predicate ${p.kind}`);
      return numeric(values, p.intervals);
    }
    throw new AppError('validation_failed', `tags cannot use this condition: ${JSON.stringify(node)}`);
  };
  return compile(rule);
}

function numeric(values: Float64Array, intervals: readonly Interval[]): RowTest {
  if (intervals.length === 1) {
    const iv = intervals[0]!;
    const { lo, hi } = iv;
    if (iv.loInclusive && iv.hiInclusive) return (i) => values[i]! >= lo && values[i]! <= hi;
    if (iv.loInclusive) return (i) => values[i]! >= lo && values[i]! < hi;
    if (iv.hiInclusive) return (i) => values[i]! > lo && values[i]! <= hi;
    return (i) => values[i]! > lo && values[i]! < hi;
  }
  // NaN (empty) fails every comparison, so empty values never match.
  return (i) => {
    const v = values[i]!;
    for (let k = 0; k < intervals.length; k++) if (inInterval(v, intervals[k]!)) return true;
    return false;
  };
}

function column<T>(columns: ReadonlyMap<string, T>, name: string): T {
  const c = columns.get(name);
  if (!c) throw new AppError('internal', `fact ${name} was not loaded`);
  return c;
}
