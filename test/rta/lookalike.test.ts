import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLookalike } from '../../src/rta/lookalike.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { Prng } from '../../src/shared/prng.ts';
import { openMemoryStores, type MemoryStores } from '../support/memory-stores.ts';

// The look-alike score on a small seeded bank: the best customers (top tiers) are mostly older payroll customers, so
// the model must score device-linked customers that look like them higher than the rest.

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const clock = fixedClock('2026-11-23T10:00:00Z');
let s: MemoryStores;

beforeAll(async () => {
  s = await openMemoryStores();
  const prng = new Prng(7);
  const rand = () => prng.next();
  const customers = Array.from({ length: 300 }, (_, k) => {
    const id = k + 1;
    const older = rand() < 0.5;
    const payroll = rand() < 0.5;
    const best = rand() < (older && payroll ? 0.8 : 0.1);
    return {
      id,
      customer_no: `C${id}`,
      birth_date: older ? '1965-05-01' : '1998-05-01',
      payroll,
      tier: best ? ('platinum' as const) : ('mass' as const),
      customer_since: '2015-01-01',
    };
  });
  await s.store.db.insertInto('customers').values(customers).execute();
  await s.store.db
    .insertInto('customer_identities')
    .values(
      customers
        .filter((c) => c.id % 2 === 0)
        .map((c) => ({ kind: 'oaid_md5' as const, value: md5(`d${c.id}`), customer_id: c.id })),
    )
    .execute();
}, 60_000);
afterAll(async () => s?.close());

describe('look-alike score', () => {
  it('scores device-linked customers, higher for those like the best, audited', async () => {
    const trained = await trainLookalike({ db: s.store.db, clock }, 'user:analyst');
    expect(trained.ok).toBe(true);
    if (!trained.ok) return;
    expect(trained.value).toMatchObject({ customers: 300, scored: 150, converged: true });
    const rows = await s.store.db
      .selectFrom('customer_scores as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .select(['s.score', 'c.birth_date', 'c.payroll'])
      .where('s.kind', '=', 'lookalike')
      .execute();
    expect(rows).toHaveLength(150);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const like = rows.filter((r) => String(r.birth_date).startsWith('1965') && r.payroll).map((r) => r.score);
    const unlike = rows
      .filter((r) => !(String(r.birth_date).startsWith('1965') && r.payroll))
      .map((r) => r.score);
    expect(mean(like)).toBeGreaterThan(mean(unlike) + 0.3);
    const audit = await s.store.db.selectFrom('audit_log').select('action').execute();
    expect(audit.map((a) => a.action)).toEqual(['rta.lookalike.train']);
  });

  it('at scale fits on an even sample and scores every device-linked customer page by page', async () => {
    const trained = await trainLookalike({ db: s.store.db, clock }, 'user:analyst', {
      trainCap: 100,
      scorePage: 40,
    });
    expect(trained.ok).toBe(true);
    if (!trained.ok) return;
    // every 3rd of 300 customers trained on; all 150 device-linked customers scored over four pages
    expect(trained.value).toMatchObject({ customers: 100, scored: 150 });
    const rows = await s.store.db
      .selectFrom('customer_scores as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .select(['s.score', 'c.birth_date', 'c.payroll', 'c.id'])
      .where('s.kind', '=', 'lookalike')
      .orderBy('c.id')
      .execute();
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 150 }, (_, k) => 2 * (k + 1)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const isLike = (r: (typeof rows)[number]) => String(r.birth_date).startsWith('1965') && r.payroll;
    expect(mean(rows.filter(isLike).map((r) => r.score))).toBeGreaterThan(
      mean(rows.filter((r) => !isLike(r)).map((r) => r.score)) + 0.2,
    );
  });

  it('refuses a bank without enough best customers', async () => {
    await s.store.db.updateTable('customers').set({ tier: 'mass' }).execute();
    const trained = await trainLookalike({ db: s.store.db, clock }, 'user:analyst');
    expect(trained.ok).toBe(false);
  });
});
