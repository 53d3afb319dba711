import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { seedDemoBank } from '../demo/seed.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { builtinCatalogue } from './catalogue.ts';
import { computeTags, type RunSummary } from './compute.ts';
import { parseTagInput } from './definition.ts';
import { LIFECYCLE_STAGES } from './labels.ts';
import { declaredValues } from './values.ts';
import { ensureCatalogue } from './definitions.ts';
import { loadTagSnapshot, type TagSnapshot } from './snapshot-store.ts';

// The default catalogue computed for a generated demo bank of 2,000 customers: every tag computes from stored data,
// shares are sane, and what the generator knows (tier, lifecycle stage, holdings) agrees with the tags.

const AS_OF = '2025-06-30';
let store: OperationalStore;
let events: EventStore;
let run: RunSummary;
let snapshot: TagSnapshot;

const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  (await query.execute(store.db)).rows[0]?.n ?? -1;
const size = (key: string, value: string) => snapshot.tags.get(key)?.get(value)?.size ?? -1;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const seeded = await seedDemoBank(
    { store, events },
    { customers: 2000, days: 90, seed: 'flywheel', asOf: AS_OF },
  );
  if (!seeded.ok) throw new Error(seeded.error.message);
  await ensureCatalogue(store.db, 'test');
  const result = await computeTags(
    { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
    { asOf: AS_OF, trigger: 'start', actor: 'test' },
  );
  if (!result.ok) throw new Error(result.error.message);
  run = result.value;
  snapshot = (await loadTagSnapshot(store.db))!;
});
afterAll(async () => {
  await events?.close();
  await store?.close();
});

describe('default catalogue', () => {
  it('declares at least 60 values, every one valid and labelled in both languages', () => {
    const defs = builtinCatalogue().map((b) => parseTagInput(b));
    expect(defs.every((d) => d.ok)).toBe(true);
    const values = defs.flatMap((d) => (d.ok ? declaredValues(d.value) : []));
    expect(values.length).toBeGreaterThanOrEqual(60);
    for (const v of values) expect(v.label.en && v.label.zh).toBeTruthy();
  });

  it('computes every tag of the demo bank', () => {
    expect(run.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(run.customers).toBe(2000);
    expect(run.tagValues).toBeGreaterThanOrEqual(60);
  });

  it('gives every customer exactly one value of each profile, product and behaviour tag', () => {
    const partial = new Set([
      'rfm_group',
      'rfm_recency',
      'rfm_frequency',
      'rfm_monetary',
      'channel_preference',
    ]);
    // Learnt from responses to campaigns: the demo's history has none before its campaigns run.
    const responses = new Set(['responsive_channel_90d', 'content_affinity_90d', 'product_interest_90d']);
    for (const [key, values] of snapshot.tags) {
      const total = [...values.values()].reduce((n, b) => n + b.size, 0);
      if (responses.has(key)) expect(total, key).toBeLessThan(2000);
      else if (partial.has(key)) {
        expect(total, key).toBeGreaterThan(2000 * 0.4);
        expect(total, key).toBeLessThan(2000);
      } else expect(total, key).toBe(2000);
    }
  });

  it('has sane shares: tiers concentrate at the bottom, flags are neither empty nor universal', () => {
    expect(size('aum_tier', 'mass') / 2000).toBeGreaterThan(0.7);
    expect(size('aum_tier', 'gold') / 2000).toBeGreaterThan(0.12);
    expect(
      size('aum_tier', 'platinum') + size('aum_tier', 'diamond') + size('aum_tier', 'private'),
    ).toBeGreaterThan(10);
    for (const key of [
      'holds_fund',
      'holds_wealth',
      'holds_insurance',
      'active_30d',
      'app_user',
      'sms_consent',
      'payroll_customer',
      'deposit_maturing_30d',
      'loan_repayment_due_7d',
      'fund_auto_investment',
    ]) {
      const yes = size(key, 'yes') / 2000;
      expect(yes, key).toBeGreaterThan(0.01);
      expect(yes, key).toBeLessThan(0.95);
    }
    for (const group of ['important_value', 'general_retain'])
      expect(size('rfm_group', group), group).toBeGreaterThan(20);
  });

  it('agrees with what the generator knows', async () => {
    // The demo records each customer's lifecycle stage; the default rules rebuild it from events and holdings.
    for (const stage of LIFECYCLE_STAGES) {
      const expected = await count(
        sql`select count(*)::int as n from customers where attributes->>'lifecycle_stage' = ${stage}`,
      );
      expect(size('lifecycle_stage', stage), stage).toBe(expected);
    }
    const fundHolders =
      await count(sql`select count(distinct h.customer_id)::int as n from holdings h join products p on p.id = h.product_id
      where p.category = 'fund' and h.status = 'active'`);
    expect(size('holds_fund', 'yes')).toBe(fundHolders);
    const maturing =
      await count(sql`select count(distinct h.customer_id)::int as n from holdings h join products p on p.id = h.product_id
      where p.category = 'time_deposit' and h.maturity_date between ${AS_OF}::date and ${AS_OF}::date + 30`);
    expect(size('deposit_maturing_30d', 'yes')).toBe(maturing);
    // Tiers by monthly average with hysteresis differ from today's balance for a few customers only.
    const stored = await sql<{ id: number; tier: string }>`select id, tier from customers`.execute(store.db);
    const tiers = snapshot.tags.get('aum_tier')!;
    const same = stored.rows.filter((r) => tiers.get(r.tier)?.has(r.id)).length;
    expect(same / 2000).toBeGreaterThan(0.9);
  });

  it('replaces the day on a recompute: same values, same rows, one more run', async () => {
    const rows = async () => count(sql`select count(*)::int as n from tag_snapshots where as_of = ${AS_OF}`);
    const before = await rows();
    const again = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      { asOf: AS_OF, trigger: 'manual', actor: 'test' },
    );
    expect(again.ok && again.value.status).toBe('done');
    expect(await rows()).toBe(before);
    const second = (await loadTagSnapshot(store.db, AS_OF))!;
    for (const [key, values] of snapshot.tags)
      for (const [value, bitmap] of values)
        expect(second.tags.get(key)?.get(value)?.isEqual(bitmap), `${key}=${value}`).toBe(true);
    expect(
      await count(sql`select count(*)::int as n from tag_runs where as_of = ${AS_OF} and status = 'done'`),
    ).toBe(2);
    expect(await count(sql`select count(*)::int as n from tag_snapshot_days`)).toBe(1);
    // the newest closed month's tier states were stored by the first run and reused by the second
    expect(await count(sql`select count(distinct month)::int as n from customer_tier_months`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from customer_tier_months`)).toBeGreaterThan(1900);
  });
});
