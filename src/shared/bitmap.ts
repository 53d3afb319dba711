import roaring from 'roaring';
import type { ReadonlyRoaringBitmap32, RoaringBitmap32 as RoaringBitmap32Instance } from 'roaring';

// `roaring` is CommonJS whose named exports Node's ESM loader cannot see, so the class is taken from the default
// export and re-exported here under its usual name (value and type), for the rest of the engine to import.

/** The roaring bitmap class (32-bit), re-exported so that ESM code can import it by name. */
export const RoaringBitmap32 = roaring.RoaringBitmap32;
/** A mutable roaring bitmap instance. */
export type RoaringBitmap32 = RoaringBitmap32Instance;
export type { ReadonlyRoaringBitmap32 };

/** A new empty bitmap. */
export function emptyBitmap(): RoaringBitmap32 {
  return new RoaringBitmap32();
}

/** A bitmap from ordinals in ascending order (the fast path of the native constructor). */
export function fromSorted(ordinals: Uint32Array): RoaringBitmap32 {
  return new RoaringBitmap32(ordinals);
}

/**
 * The union of the bitmaps as a new bitmap. When one bitmap holds most members, clone it and OR the others into
 * it in place (measured 4x faster than `orMany` with a dense bitmap); otherwise `orMany` (2x faster on many sparse
 * bitmaps, where repeated in-place merges of sparse containers copy them again and again).
 */
export function unionAll(bitmaps: readonly ReadonlyRoaringBitmap32[]): RoaringBitmap32 {
  if (bitmaps.length === 0) return new RoaringBitmap32();
  let largest = 0;
  let total = 0;
  for (let i = 0; i < bitmaps.length; i++) {
    total += bitmaps[i]!.size;
    if (bitmaps[i]!.size > bitmaps[largest]!.size) largest = i;
  }
  if (bitmaps.length > 2 && bitmaps[largest]!.size * 2 < total) return RoaringBitmap32.orMany(bitmaps);
  const out = (bitmaps[largest] as RoaringBitmap32).clone();
  for (let i = 0; i < bitmaps.length; i++) if (i !== largest) out.orInPlace(bitmaps[i] as RoaringBitmap32);
  return out;
}

/** Bytes the bitmap takes in the compact croaring serialization (our memory measure). */
export function bitmapBytes(bitmap: ReadonlyRoaringBitmap32): number {
  return bitmap.getSerializationSizeInBytes('croaring');
}

/**
 * Keeps the members of `candidates` for which `keep` is true, as a new bitmap. Costs one call per candidate, so it
 * is meant for candidate sets much smaller than the universe; the output stays sorted, so the build is the fast path.
 */
export function filterBitmap(
  candidates: ReadonlyRoaringBitmap32,
  keep: (ordinal: number) => boolean,
): RoaringBitmap32 {
  const members = candidates.toUint32Array();
  let n = 0;
  for (let i = 0; i < members.length; i++) {
    const ordinal = members[i]!;
    if (keep(ordinal)) members[n++] = ordinal;
  }
  return new RoaringBitmap32(members.subarray(0, n));
}

/**
 * A bitmap from a plain bitset (bit i of `words` = ordinal i), by writing roaring's portable serialization and
 * deserializing it. For dense results this beats building from a sorted array by ~10x (measured 2.3 ms versus
 * 25 ms for 5M of 10M ordinals), because 8 KB bitset containers are copied whole instead of filled one by one.
 * `words.length` must be a multiple of 2048 (whole 65536-bit chunks).
 */
export function fromBitset(words: Uint32Array): RoaringBitmap32 {
  const chunks = words.length >>> 11;
  const cards = new Uint32Array(chunks);
  let containers = 0;
  let payload = 0;
  for (let c = 0; c < chunks; c++) {
    let card = 0;
    for (let j = c << 11, end = j + 2048; j < end; j++) {
      const x = words[j]!;
      if (x !== 0) card += popcount(x);
    }
    cards[c] = card;
    if (card > 0) {
      containers++;
      payload += card > 4096 ? 8192 : 2 * card;
    }
  }
  // cookie (no run containers), container count, then per container: key and cardinality-1, then byte offsets
  const header = 8 + 8 * containers;
  const out = Buffer.alloc(header + payload);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, 12346, true);
  view.setUint32(4, containers, true);
  let i = 0;
  let at = header;
  for (let c = 0; c < chunks; c++) {
    const card = cards[c]!;
    if (card === 0) continue;
    view.setUint16(8 + 4 * i, c, true);
    view.setUint16(10 + 4 * i, card - 1, true);
    view.setUint32(8 + 4 * containers + 4 * i, at, true);
    const base = c << 11;
    if (card > 4096) {
      out.set(new Uint8Array(words.buffer, words.byteOffset + base * 4, 8192), at);
      at += 8192;
    } else {
      for (let j = 0; j < 2048; j++) {
        for (let x = words[base + j]!; x !== 0; x &= x - 1) {
          view.setUint16(at, (j << 5) | (31 - Math.clz32(x & -x)), true);
          at += 2;
        }
      }
    }
    i++;
  }
  return RoaringBitmap32.deserialize(out, 'portable');
}

/** Words of a bitset able to hold ordinals 0..maxOrdinal, rounded up to whole 65536-bit chunks. */
export function bitsetWords(maxOrdinal: number): Uint32Array {
  return new Uint32Array(((maxOrdinal >>> 16) + 1) << 11);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
