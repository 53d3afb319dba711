import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';

// Customer groups travel to the event store as ClickHouse groupBitmap states, base64 in a String parameter: a group of
// millions of customers is a compressed roaring bitmap of a few MB at most, never millions of ids. The state format
// is the one ch-bitmap.ts decodes (RoaringBitmapWithSmallSet): one byte kind; 0 = small set (varint count, then
// UInt32 LE values; ClickHouse keeps at most 32 that way), 1 = roaring (varint byte size, then the portable format).

const SMALL_SET = 32;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** The base64 text of a bitmap's groupBitmap(UInt32) state. */
export function groupBitmapState(bitmap: ReadonlyRoaringBitmap32): string {
  if (bitmap.size <= SMALL_SET) {
    const values = bitmap.toUint32Array();
    const head = Buffer.from([0, ...varint(values.length)]);
    const body = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => body.writeUInt32LE(v, 4 * i));
    return Buffer.concat([head, body]).toString('base64');
  }
  const portable = bitmap.serialize('portable');
  return Buffer.concat([Buffer.from([1, ...varint(portable.byteLength)]), portable]).toString('base64');
}

/** SQL reading the state of String parameter `name` back as a bitmap (for bitmapContains). */
export function bitmapParamSql(name: string): string {
  return `CAST(base64Decode({${name}:String}) AS AggregateFunction(groupBitmap, UInt32))`;
}
