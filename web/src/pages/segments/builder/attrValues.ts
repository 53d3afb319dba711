import type { AttrOp, AttrRule, Scalar } from '../../../api/rule.ts';
import type { AttrType } from '../../../api/segments.ts';

/** The ops each attribute type allows (README of src/segments). */
export const OPS_BY_TYPE: Readonly<Record<AttrType, readonly AttrOp[]>> = {
  number: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'empty'],
  date: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'empty'],
  string: ['=', '!=', 'in', 'contains', 'empty'],
  boolean: ['=', '!=', 'in', 'empty'],
};

/** A scalar typed for the attribute: numbers stay numbers, `true`/`false` become booleans. */
export function coerce(raw: Scalar | null | undefined, type: AttrType): Scalar | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    return Number.isFinite(n) ? n : null;
  }
  if (type === 'boolean')
    return raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : null;
  return String(raw);
}

/** The value carried over when the op changes: a scalar stays, a list or range gives its first element. */
export function valueForOp(op: AttrOp, previous: unknown, type: AttrType): AttrRule['value'] {
  const first: Scalar | null = Array.isArray(previous)
    ? ((previous[0] as Scalar | undefined) ?? null)
    : typeof previous === 'number' || typeof previous === 'string' || typeof previous === 'boolean'
      ? previous
      : null;
  const scalar = coerce(first, type);
  switch (op) {
    case 'between':
      return [scalar, Array.isArray(previous) ? coerce(previous[1] as Scalar, type) : scalar];
    case 'in':
      return scalar === null ? [] : [scalar];
    case 'empty':
      return true;
    case 'contains':
      return scalar === null ? '' : String(scalar);
    default:
      return scalar ?? (type === 'boolean' ? true : type === 'string' ? '' : null);
  }
}

/** A starting value for an attribute of a type under `=`. */
export function defaultValue(type: AttrType): Scalar | null {
  return type === 'boolean' ? true : type === 'string' ? '' : null;
}
