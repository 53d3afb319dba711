import { beforeAll, describe, expect, it } from 'vitest';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import { evaluate } from './evaluate.ts';
import { CustomerIndexBuilder, type CustomerIndex } from './index.ts';
import { referenceMurmur3 } from '../../test/support/segments-reference.ts';
import type { Rule } from './rule.ts';
import { inSample, murmur3, murmur3Uint32, sampleSeed } from './sample.ts';

const N = 100_000;
const TODAY = '2024-03-15';

function buildIndex(): CustomerIndex {
  const builder = new CustomerIndexBuilder({ attributes: {}, capacity: N });
  const base: number[] = [];
  for (let ordinal = 1; ordinal <= N; ordinal++) {
    builder.addCustomer(ordinal);
    if (ordinal % 10 < 3) base.push(ordinal); // 30% of customers, in a pattern unrelated to the hash
  }
  return builder.addTagValue('tier', 'gold', base).build();
}

describe('murmur3', () => {
  it('matches the published MurmurHash3 x86_32 test vectors', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(murmur3(text(''), 0)).toBe(0);
    expect(murmur3(text(''), 1)).toBe(0x514e28b7);
    expect(murmur3(text(''), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3(text('hello'), 0)).toBe(0x248bfa47);
    expect(murmur3(text('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
    expect(murmur3(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0x5082edee)).toBe(0x2362f9de);
  });

  it('hashes an ordinal like its 4 little-endian bytes, as the reference does', () => {
    for (const ordinal of [1, 2, 255, 256, 65_537, 10_000_000, 0xfffffffe]) {
      const bytes = [ordinal & 0xff, (ordinal >>> 8) & 0xff, (ordinal >>> 16) & 0xff, ordinal >>> 24];
      const seed = sampleSeed('holdout');
      expect(murmur3Uint32(ordinal, seed)).toBe(murmur3(Uint8Array.from(bytes), seed));
      expect(murmur3Uint32(ordinal, seed)).toBe(referenceMurmur3(bytes, seed));
    }
  });
});

describe('sample', () => {
  let index: CustomerIndex;
  const members = async (rule: Rule): Promise<RoaringBitmap32> => {
    const result = await evaluate(rule, index, { today: TODAY });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value.bitmap;
  };
  const base: Rule = { tag: 'tier', in: ['gold'] };
  const sample = (percent: number, seed: string): Rule => ({ sample: { percent, seed } });

  beforeAll(() => {
    index = buildIndex();
  });

  it('is deterministic: the same seed gives the same members, on another snapshot too', async () => {
    const a = await members({ all: [base, sample(10, 'q1')] });
    const b = await members({ all: [base, sample(10, 'q1')] });
    const other = await evaluate({ all: [base, sample(10, 'q1')] }, buildIndex(), { today: TODAY });
    expect(a.isEqual(b)).toBe(true);
    expect(other.ok && other.value.bitmap.isEqual(a)).toBe(true);
    for (const ordinal of a.toArray().slice(0, 50)) expect(inSample(ordinal, 'q1', 10)).toBe(true);
  });

  it('takes about the given share of the base', async () => {
    const gold = (await members(base)).size;
    for (const percent of [1, 10, 50]) {
      const size = (await members({ all: [base, sample(percent, 'q1')] })).size;
      const expected = (gold * percent) / 100;
      const sigma = Math.sqrt(gold * (percent / 100) * (1 - percent / 100));
      expect(Math.abs(size - expected), `${percent}%: ${size} of ${gold}`).toBeLessThan(5 * sigma);
    }
  });

  it('differs between seeds', async () => {
    const a = await members({ all: [base, sample(10, 'q1')] });
    const b = await members({ all: [base, sample(10, 'q2')] });
    const overlap = a.andCardinality(b);
    // independent 10% samples overlap on about 10% of each other
    expect(overlap).toBeGreaterThan(a.size * 0.05);
    expect(overlap).toBeLessThan(a.size * 0.15);
  });

  it('inside not gives the complementary hold-out group', async () => {
    const gold = await members(base);
    const treated = await members({ all: [base, sample(10, 'q1')] });
    const holdout = await members({ all: [base, { not: sample(10, 'q1') }] });
    expect(treated.intersects(holdout)).toBe(false);
    expect(treated.size + holdout.size).toBe(gold.size);
    expect(treated.union(holdout).isEqual(gold)).toBe(true);
  });

  it('is nested across percentages with one seed; 100% is everyone', async () => {
    const ten = await members(sample(10, 'q1'));
    const twenty = await members(sample(20, 'q1'));
    expect(ten.isSubset(twenty)).toBe(true);
    expect((await members(sample(100, 'q1'))).size).toBe(N);
  });
});
