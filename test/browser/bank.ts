import type { Stores } from '../../src/store/stores.ts';
import type { BehaviourEvent } from '../../src/store/events/store.ts';
import type { Tier } from '../../src/store/operational/database.ts';

/** What was put into the stores, for the test's own bookkeeping (the assertions query the stores). */
export interface SmallBank {
  readonly customers: number;
  readonly events: number;
}

// Deterministic pseudo-random numbers (mulberry32), so a failing run can be reproduced exactly.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tierFor(aum: number): Tier {
  if (aum >= 6_000_000) return 'private';
  if (aum >= 1_000_000) return 'diamond';
  if (aum >= 500_000) return 'platinum';
  if (aum >= 50_000) return 'gold';
  return 'mass';
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A small bank with a realistic skew: `customers` customers (a count that is not a multiple of 100, so the
 * top-20% cut is not a whole percentile bucket), AUM log-normal with a few private-banking customers, a handful
 * without a tier, some relationships begun in the last 30 days, and behaviour events over the last 40 days with
 * re-sent duplicates.
 */
export async function seedSmallBank(
  stores: Stores,
  options: { customers: number; asOf: string; seed: number },
): Promise<SmallBank> {
  const random = rng(options.seed);
  const db = stores.operational.db;
  await db
    .insertInto('org_units')
    .values([
      { id: 'HO', parent_id: null, name: 'Head office', kind: 'head_office' },
      { id: 'BR01', parent_id: 'HO', name: 'Branch 01', kind: 'branch' },
    ])
    .execute();

  const rows = Array.from({ length: options.customers }, (_, i) => {
    const id = i + 1;
    // exp(N(10.5, 1.6)) gives a median near 36k CNY and a long right tail; a few are lifted into private banking.
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let aum = Math.exp(10.5 + 1.6 * gaussian);
    if (id % 97 === 0) aum = 6_000_000 + random() * 20_000_000;
    aum = Math.round(aum * 100) / 100;
    const recent = random() < 0.15;
    return {
      id,
      customer_no: `C${String(id).padStart(6, '0')}`,
      name: `Customer ${id}`,
      org_unit_id: id % 3 === 0 ? 'HO' : 'BR01',
      aum,
      tier: id % 89 === 0 ? null : tierFor(aum),
      customer_since: recent
        ? addDays(options.asOf, -Math.floor(random() * 30))
        : addDays(options.asOf, -(31 + Math.floor(random() * 3000))),
    };
  });
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('customers')
      .values(rows.slice(i, i + 200))
      .execute();

  const events: BehaviourEvent[] = [];
  const names = ['app_open', 'view_product', 'read_article', 'purchase', 'wecom_reply'];
  for (let i = 0; i < 900; i++) {
    const customer = 1 + Math.floor(random() * options.customers);
    const dayOffset = Math.floor(random() * 40); // some fall before the 30-day window
    const time =
      Date.parse(`${addDays(options.asOf, -dayOffset)}T00:00:00Z`) + Math.floor(random() * 86_400_000);
    events.push({
      event_id: `ev-${i}`,
      customer_id: customer,
      distinct_id: `C${String(customer).padStart(6, '0')}`,
      event: names[i % names.length] ?? 'app_open',
      time,
      properties: { i },
    });
  }
  // Every tenth event is sent again: the overview must count it once.
  const resent = events.filter((_, i) => i % 10 === 0);
  await stores.events.insert('events', [...events, ...resent]);
  return { customers: options.customers, events: events.length };
}

/**
 * Holdings for about a third of the customers of `seedSmallBank`: funds, time deposits and loans with balances
 * that follow AUM, so `holds` conditions and product tags have something to find.
 */
export async function seedHoldings(
  stores: Stores,
  options: { customers: number; asOf: string; seed: number },
): Promise<{ holdings: number }> {
  const random = rng(options.seed);
  const db = stores.operational.db;
  await db
    .insertInto('products')
    .values([
      { id: 'FUND01', name: 'Balanced fund', category: 'fund' },
      { id: 'TD01', name: '1-year time deposit', category: 'time_deposit', term_days: 365 },
      { id: 'LOAN01', name: 'Mortgage', category: 'loan' },
    ])
    .execute();
  const rows: {
    customer_id: number;
    account_no: string;
    product_id: string;
    balance: number;
    opened_on: string;
    maturity_date: string | null;
  }[] = [];
  for (let id = 1; id <= options.customers; id++) {
    if (id % 3 !== 1) continue;
    const product = random() < 0.5 ? 'FUND01' : random() < 0.7 ? 'TD01' : 'LOAN01';
    rows.push({
      customer_id: id,
      account_no: `H${id}`,
      product_id: product,
      balance: Math.round(1_000 + random() * 200_000),
      opened_on: addDays(options.asOf, -400),
      maturity_date: product === 'TD01' ? addDays(options.asOf, Math.floor(random() * 90)) : null,
    });
  }
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('holdings')
      .values(rows.slice(i, i + 200))
      .execute();
  return { holdings: rows.length };
}
