import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { AppError } from '../shared/errors.ts';
import type { EventStore, QueryParams } from '../store/events/store.ts';

// Tag values computed in the event store come back as ClickHouse groupBitmap states, so a value with millions of
// members crosses the wire as a compressed roaring bitmap rather than as millions of rows. The state serialization
// (RoaringBitmapWithSmallSet::write): one byte kind; kind 0 = small set: varint count, then UInt32 LE values;
// kind 1 = roaring: varint byte size, then CRoaring's portable serialization (the format tag_snapshots stores).

/** SQL turning a UInt32 customer id column into the base64 text of its groupBitmap state (an aggregate). */
export function bitmapAggregate(idExpr: string, condition?: string): string {
  const state = condition
    ? `groupBitmapStateIf(toUInt32(${idExpr}), ${condition})`
    : `groupBitmapState(toUInt32(${idExpr}))`;
  return `base64Encode(toString(${state}))`;
}

/** Decodes the base64 text of a ClickHouse groupBitmap(UInt32) state. */
export function decodeGroupBitmap(base64: string): RoaringBitmap32 {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return new RoaringBitmap32();
  let at = 1;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      if (b === undefined) throw new AppError('internal', 'truncated groupBitmap state');
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
  };
  const kind = bytes[0];
  if (kind === 0) {
    const count = varint();
    const values = new Uint32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readUInt32LE(at + 4 * i);
    values.sort();
    return new RoaringBitmap32(values);
  }
  if (kind === 1) {
    const size = varint();
    return RoaringBitmap32.deserialize(bytes.subarray(at, at + size), 'portable');
  }
  throw new AppError('internal', `unknown groupBitmap state kind ${kind}`);
}

/** Runs a query returning rows `{ k, v, b }` (key, value, bitmap state) and collects them as key → value → bitmap. */
export async function queryBitmaps(
  events: EventStore,
  query: string,
  params?: QueryParams,
): Promise<Map<string, Map<string, RoaringBitmap32>>> {
  return collectBitmaps(await events.query<BitmapRow>(query, params));
}

/** One row of a bitmap query: key, value and the base64 groupBitmap state of its members. */
export interface BitmapRow {
  readonly k: string;
  readonly v: string;
  readonly b: string;
}

/** Collects bitmap rows as key → value → bitmap (rows of the same key and value are united). */
export function collectBitmaps(rows: readonly BitmapRow[]): Map<string, Map<string, RoaringBitmap32>> {
  const out = new Map<string, Map<string, RoaringBitmap32>>();
  for (const row of rows) {
    let values = out.get(String(row.k));
    if (!values) out.set(String(row.k), (values = new Map()));
    const bitmap = decodeGroupBitmap(row.b);
    const existing = values.get(String(row.v));
    if (existing) existing.orInPlace(bitmap);
    else values.set(String(row.v), bitmap);
  }
  return out;
}
