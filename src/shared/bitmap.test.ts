import { describe, expect, it } from 'vitest';
import { bitsetWords, fromBitset, fromSorted, RoaringBitmap32, unionAll } from './bitmap.ts';
import { Prng } from './prng.ts';

describe('fromBitset', () => {
  it('builds the same bitmap as the sorted members, at every density and at chunk edges', () => {
    const rng = new Prng(9);
    for (const density of [0, 0.0001, 0.01, 0.0625, 0.07, 0.5, 1]) {
      const max = 3 * 65_536 + 17;
      const words = bitsetWords(max);
      const members: number[] = [];
      for (let i = 0; i <= max; i++) {
        // the first chunk dense, the second empty, the rest at the density; plus the edges of every chunk
        const inside =
          i < 65_536
            ? rng.chance(0.9)
            : i < 131_072
              ? false
              : rng.chance(density) || i % 65_536 === 65_535 || i % 65_536 === 0;
        if (inside) {
          members.push(i);
          words[i >>> 5]! |= 1 << (i & 31);
        }
      }
      const bitmap = fromBitset(words);
      expect(bitmap.size).toBe(members.length);
      expect(bitmap.isEqual(fromSorted(Uint32Array.from(members)))).toBe(true);
    }
    expect(fromBitset(bitsetWords(10)).isEmpty).toBe(true);
  });
});

describe('unionAll', () => {
  it('unions whatever the mix of sizes', () => {
    const a = new RoaringBitmap32([1, 2, 3]);
    const b = RoaringBitmap32.fromRange(2, 100_000);
    const c = new RoaringBitmap32([200_000]);
    expect(unionAll([]).size).toBe(0);
    expect(unionAll([a, b, c]).size).toBe(100_000);
    expect(unionAll([a, c, new RoaringBitmap32([5])]).toArray()).toEqual([1, 2, 3, 5, 200_000]);
    expect(a.size).toBe(3); // inputs untouched
  });
});
