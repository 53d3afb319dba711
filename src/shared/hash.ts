// Bit mixing shared by the segment engine's sampling (MurmurHash3, which must match ClickHouse's murmurHash3_32) and
// the demo generator's seeded streams.

/** MurmurHash3's 32-bit finaliser (fmix32): every input bit affects every output bit; the result is unsigned. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
