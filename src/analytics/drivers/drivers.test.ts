import { describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import { CustomerIndexBuilder } from '../../segments/index.ts';
import { Prng } from '../../shared/prng.ts';
import type { TagInfo } from '../../segments/tag-source.ts';
import { binCuts, MISSING, NONE, OTHER } from './features.ts';
import { rankLevels } from './ranking.ts';
import { analyseDrivers, ruleFeatures, type DriversEntry } from './service.ts';

// The ranking and the features on a hand-built index (no stores): counts per level against a direct count, WoE and IV
// against hand arithmetic, rare values pooled, the outcome's own fields excluded, and every refusal.

describe('rankLevels', () => {
  it('computes rate, lift, WoE and IV, smoothing an empty cell with 0.5', () => {
    // 100 customers, 20 positives: levels (10 of 50), (10 of 40), (0 of 10)
    const { levels, iv } = rankLevels(
      [
        { value: 'a', customers: 50, positives: 10 },
        { value: 'b', customers: 40, positives: 10 },
        { value: 'c', customers: 10, positives: 0 },
      ],
      { customers: 100, positives: 20 },
    );
    const [a, b, c] = levels;
    expect(a!.rate).toBe(0.2);
    expect(b!.lift).toBeCloseTo(0.25 / 0.2, 12);
    expect(a!.woe).toBeCloseTo(Math.log(10 / 20 / (40 / 80)), 12);
    expect(b!.woe).toBeCloseTo(Math.log(10 / 20 / (30 / 80)), 12);
    // c has no positive: 0.5 added to both of its cells
    expect(c!.woe).toBeCloseTo(Math.log(0.5 / 20 / (10.5 / 80)), 12);
    const expected = [
      [10 / 20, 40 / 80],
      [10 / 20, 30 / 80],
      [0.5 / 20, 10.5 / 80],
    ].reduce((s, [p, q]) => s + (p! - q!) * Math.log(p! / q!), 0);
    expect(iv).toBeCloseTo(expected, 12);
    expect(c!.lift).toBe(0);
  });
});

describe('binCuts', () => {
  it('cuts at quantiles and gives a heavy value a bin of its own', () => {
    const values = Float64Array.from([
      ...Array(40).fill(0),
      ...Array.from({ length: 60 }, (_, i) => i + 1),
    ]).sort();
    const cuts = binCuts(values, 5);
    const binOf = (v: number) => cuts.filter((c) => c <= v).length;
    // every zero in one bin, and no positive value with them
    expect(new Set(values.filter((v) => v === 0).map(binOf)).size).toBe(1);
    expect(values.filter((v) => v > 0).every((v) => binOf(v) !== binOf(0))).toBe(true);
  });
});

/** 2,000 customers: region (3 values, a rare one, some missing), score (number), vip (boolean), a tag, an outcome. */
function world() {
  const rng = new Prng(3);
  const n = 2000;
  const builder = new CustomerIndexBuilder({
    attributes: { region: 'string', score: 'number', vip: 'boolean', churned: 'number' },
    capacity: n,
  });
  const outcome = new RoaringBitmap32();
  const dormant: number[] = [];
  const rows: { region: string | null; score: number | null; y: number; dormant: boolean }[] = [];
  for (let o = 1; o <= n; o++) {
    const region =
      o % 100 === 0 ? 'island' : o % 37 === 0 ? null : (['north', 'south', 'east'] as const)[o % 3]!;
    const score = o % 50 === 0 ? null : Math.round(rng.next() * 1000);
    const isDormant = rng.chance(0.3);
    const p =
      0.1 +
      (region === 'north' ? 0.2 : 0) +
      (isDormant ? 0.3 : 0) +
      (score !== null && score > 800 ? 0.1 : 0);
    const y = rng.chance(p) ? 1 : 0;
    builder.addCustomer(o, { region, score, vip: o % 4 === 0, churned: y });
    if (isDormant) dormant.push(o);
    if (y) outcome.add(o);
    rows.push({ region, score, y, dormant: isDormant });
  }
  builder.addTagValue('activity', 'dormant', dormant);
  builder.addTagValue('activity', 'never', []); // declared, nobody carries it
  const index = builder.build();
  const tagInfo = new Map<string, TagInfo>([
    [
      'activity',
      {
        key: 'activity',
        name: { en: 'Activity', zh: '活跃度' },
        status: 'active',
        values: [{ value: 'dormant', label: { en: 'Dormant', zh: '沉睡' } }],
      },
    ],
  ]);
  const entry: DriversEntry = {
    asOf: '2026-11-23',
    index,
    base: { tagInfo, tagsAsOf: '2026-11-22', readAt: '2026-11-23T06:00:00.000Z' },
  };
  return { entry, outcome, rows, n };
}

describe('analyseDrivers', () => {
  const { entry, outcome, rows, n } = world();
  const exclude = new Set(['attr:churned']);

  it('counts every level as a direct count does, pools rare values and ranks by IV', () => {
    const result = analyseDrivers(entry, outcome, entry.index.universe, { exclude });
    if (!result.ok) throw new Error(result.error.message);
    const a = result.value;
    const positives = rows.filter((r) => r.y).length;
    expect(a.population).toEqual({ customers: n, positives, rate: positives / n });
    const region = a.features.find((f) => f.id === 'attr:region')!;
    const count = (pick: (r: (typeof rows)[number]) => boolean) => {
      const within = rows.filter(pick);
      return { customers: within.length, positives: within.filter((r) => r.y).length };
    };
    for (const value of ['north', 'south', 'east'])
      expect(region.levels.find((l) => l.value === value)).toMatchObject(count((r) => r.region === value));
    // 'island' (1%: 20 of 2,000) is exactly at the floor, so kept; missing (o % 37) has its own level
    expect(region.levels.find((l) => l.value === 'island')).toMatchObject(
      count((r) => r.region === 'island'),
    );
    expect(region.levels.find((l) => l.value === MISSING)).toMatchObject(count((r) => r.region === null));
    const tag = a.features.find((f) => f.id === 'tag:activity')!;
    expect(tag.title).toEqual({ en: 'Activity', zh: '活跃度' });
    expect(tag.levels.map((l) => l.value)).toEqual(['dormant', NONE]);
    expect(tag.levels[0]).toMatchObject({ ...count((r) => r.dormant), label: { en: 'Dormant', zh: '沉睡' } });
    const score = a.features.find((f) => f.id === 'attr:score')!;
    expect(score.kind).toBe('binned');
    expect(score.levels.reduce((s, l) => s + l.customers, 0)).toBe(n);
    expect(score.levels.at(-1)).toMatchObject({ value: MISSING, ...count((r) => r.score === null) });
    // ranked by IV, the outcome's attribute left out, vip in (it varies)
    const ivs = a.features.map((f) => f.iv);
    expect([...ivs].sort((x, y) => y - x)).toEqual(ivs);
    expect(a.features[0]!.id).toBe('tag:activity');
    expect(a.excluded).toContainEqual({ id: 'attr:churned', reason: 'outcome' });
    expect(a.features.map((f) => f.id)).toContain('attr:vip');
    expect(a.regression.status).toBe('fitted');
    expect(JSON.stringify(a)).not.toMatch(/NaN|Infinity|null,"positives"/);
  });

  it('pools values below the floor into (other)', () => {
    const result = analyseDrivers(entry, outcome, entry.index.universe, {
      exclude,
      feature: { minShare: 0.05 },
      features: ['region'],
    });
    if (!result.ok) throw new Error(result.error.message);
    const region = result.value.features[0]!;
    expect(region.levels.map((l) => l.value)).toContain(OTHER);
    expect(region.levels.map((l) => l.value)).not.toContain('island');
    expect(region.levels.find((l) => l.value === OTHER)?.customers).toBe(
      rows.filter((r) => r.region === 'island').length,
    );
  });

  it('refuses an empty population, a constant outcome and unknown features', () => {
    const empty = analyseDrivers(entry, outcome, new RoaringBitmap32());
    expect(empty).toMatchObject({ ok: false, error: { code: 'not_enough_data' } });
    const all = analyseDrivers(entry, entry.index.universe, entry.index.universe);
    expect(all).toMatchObject({ ok: false, error: { code: 'not_enough_data' } });
    const none = analyseDrivers(entry, new RoaringBitmap32(), entry.index.universe);
    expect(none).toMatchObject({ ok: false, error: { code: 'not_enough_data' } });
    const unknown = analyseDrivers(entry, outcome, entry.index.universe, { features: ['nope'] });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'bad_request', details: { unknown: ['nope'] } },
    });
  });

  it('reports "not enough data" for the regression of a tiny population, but still ranks', () => {
    const yes = outcome.toArray().slice(0, 6);
    const no = RoaringBitmap32.andNot(entry.index.universe, outcome).toArray().slice(0, 6);
    const result = analyseDrivers(entry, outcome, new RoaringBitmap32([...yes, ...no]), { exclude });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.population).toMatchObject({ customers: 12, positives: 6 });
    expect(result.value.regression.status).toBe('not_enough_data');
  });
});

describe('ruleFeatures', () => {
  it('collects the attributes and tags a rule reads, through saved segments', () => {
    const segments = new Map([
      ['s1', { id: 's1', name: 'S', version: 1, rule: { tag: 'activity', in: ['dormant'] } }],
    ]);
    const fields = ruleFeatures(
      { all: [{ attr: 'churned', op: '=', value: 1 }, { not: { segment: 's1' } }] },
      { segments },
    );
    expect([...fields].sort()).toEqual(['attr:churned', 'tag:activity']);
  });
});
