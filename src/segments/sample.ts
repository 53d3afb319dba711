import { fmix32 } from '../shared/hash.ts';

// Deterministic sampling for hold-out groups. A customer is in the sample `{percent, seed}` when
//
//   murmur3_32(le32(ordinal), murmur3_32(utf8(seed), 0)) < floor(percent / 100 * 2^32)      (all when percent = 100)
//
// i.e. MurmurHash3 x86 32-bit of the ordinal's 4 little-endian bytes, seeded with the MurmurHash3 of the seed's UTF-8
// bytes. So membership depends only on (seed, ordinal): it is stable across snapshots and machines, independent of
// every other condition (a sample inside `not` is exactly the complement hold-out), and nested: with one seed the
// 10% sample is contained in the 20% sample. MurmurHash3 is public domain and easy to reproduce in SQL or any
// language; ClickHouse has it as murmurHash3_32.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, length: number): number {
  return fmix32(h ^ length);
}

/** MurmurHash3 x86 32-bit of the bytes, as an unsigned integer. */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const blocks = bytes.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i << 2;
    h = mixH(h, bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24));
  }
  // the 1-3 trailing bytes, little-endian, mixed in as one last partial block
  const tail = blocks << 2;
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    for (let i = rest - 1; i >= 0; i--) k = (k << 8) | bytes[tail + i]!;
    h ^= mixK(k);
  }
  return finalize(h, bytes.length);
}

/** MurmurHash3 x86 32-bit of one 32-bit integer's little-endian bytes: the hot path of sampling, without allocation. */
export function murmur3Uint32(value: number, seed: number): number {
  return finalize(mixH(seed | 0, value | 0), 4);
}

/** The 32-bit hash seed of a sample's seed string. */
export function sampleSeed(seed: string): number {
  return murmur3(new TextEncoder().encode(seed), 0);
}

/** The hash threshold of a percentage: a customer is sampled when its hash is below it. */
export function sampleThreshold(percent: number): number {
  return percent >= 100 ? 2 ** 32 : Math.floor((percent / 100) * 2 ** 32);
}

/** True when the customer is in the sample. */
export function inSample(ordinal: number, seed: string, percent: number): boolean {
  return murmur3Uint32(ordinal, sampleSeed(seed)) < sampleThreshold(percent);
}

/** A membership test for one sample, with the seed hashed once. */
export function sampleTest(seed: string, percent: number): (ordinal: number) => boolean {
  const h = sampleSeed(seed);
  const threshold = sampleThreshold(percent);
  return (ordinal) => murmur3Uint32(ordinal, h) < threshold;
}
