import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { createCampaign, previewCampaign, reviewCampaign } from '../../src/campaigns/service.ts';
import { shiftDay } from '../../src/shared/day.ts';
import { openCampaignWorld, type CampaignWorld } from '../support/campaign-world.ts';

// Post-investment reminders reach the customer, not only the manager: a daily service campaign with a holding
// reminder sends, within its population, to the customers whose time deposits mature in 7 days, with what matures.

const N = 60;
let world: CampaignWorld;
let contentId: number;
const start = new Date('2026-12-07T00:30:00Z'); // 08:30 in Shanghai
const today = '2026-12-07';

const notice = (over: Record<string, unknown> = {}) => ({
  name: '定期存款到期提醒',
  purpose: 'service',
  population: { rule: { attr: 'gender', op: 'in', value: ['M', 'F'] } },
  content: { id: contentId, version: 1 },
  channels: ['outbox'],
  schedule: { kind: 'daily', time: '09:00' },
  controlPercent: 0,
  reminder: { kind: 'deposit_maturity', daysBefore: 7 },
  ...over,
});

beforeAll(async () => {
  world = await openCampaignWorld(N, start);
  const db = world.store.db;
  await db
    .insertInto('products')
    .values({ id: 'TD-1Y', name: '一年期整存整取', category: 'time_deposit', term_days: 365 })
    .execute();
  // Customers 3, 6, …: a deposit maturing in 7 days (6 and 12 hold two, listed by account); 5, 10, 20: in 8 days.
  const account = (customer: number, n: number) => `62220000${String(customer).padStart(4, '0')}${n}`;
  const holding = (customer: number, account: string, days: number, balance: number) => ({
    customer_id: customer,
    account_no: account,
    product_id: 'TD-1Y',
    balance,
    opened_on: shiftDay(today, -358),
    maturity_date: shiftDay(today, days),
  });
  await db
    .insertInto('holdings')
    .values([
      ...[3, 6, 9, 12, 15, 18].map((c) => holding(c, account(c, 1), 7, 50_000)),
      holding(6, account(6, 2), 7, 20_000.5),
      holding(12, account(12, 2), 7, 10_000),
      ...[5, 10, 20].map((c) => holding(c, account(c, 9), 8, 30_000)),
    ])
    .execute();
  const created = await createContent({ db, clock: world.clock }, 'user:author', {
    type: 'product',
    title: '到期提醒',
    productId: 'TD-1Y',
    variants: {
      sms: {
        text: '{{ customer.surname }}{{ customer.salutation }}，您尾号{{ reminder.account_last4 }}的{{ reminder.products }}将于{{ reminder.due_date }}{{ reminder.kind }}，金额{{ reminder.amount }}元。',
      },
    },
  });
  if (!created.ok) throw new Error(created.error.message);
  contentId = created.value.contentId;
  await reviewContent({ db, clock: world.clock }, 'user:author', contentId, 1, { action: 'submit' });
  await reviewContent({ db, clock: world.clock }, 'user:checker', contentId, 1, { action: 'approve' });
});
afterAll(async () => {
  await world.close();
});

describe('service notices about holdings', () => {
  it('refuses a holding reminder sent as marketing, located', async () => {
    expect(await createCampaign(world.deps, 'user:author', notice({ purpose: 'marketing' }))).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: '/purpose' }] },
    });
  });

  it('sends each morning to the customers whose deposits mature in 7 days, saying what matures', async () => {
    const preview = await previewCampaign(world.deps, notice());
    if (!preview.ok) throw new Error(preview.error.message);
    // 3, 6, 9, 12, 15, 18 mature in 7 days (none is a multiple of 7 or 10: all consented to SMS); 5, 10, 20 in 8.
    expect(preview.value.audience).toBe(6);
    expect(preview.value.toSend).toBe(6);
    const created = await createCampaign(world.deps, 'user:author', notice());
    if (!created.ok) throw new Error(created.error.message);
    await reviewCampaign(world.deps, 'user:author', created.value.id, 1, { action: 'submit' });
    await reviewCampaign(world.deps, 'user:checker', created.value.id, 1, { action: 'approve' });
    expect(await startDueRuns(world.deps)).toEqual([]); // 08:30: not yet
    world.setNow(new Date('2026-12-07T01:05:00Z')); // 09:05
    const [runId] = await startDueRuns(world.deps);
    expect(runId).toBeDefined();
    await world.drain();
    const outbox = await world.store.db
      .selectFrom('outbox_messages')
      .select(['customer_id', 'body'])
      .where('run_id', '=', String(runId))
      .orderBy('customer_id')
      .execute();
    expect(outbox.map((m) => m.customer_id)).toEqual([3, 6, 9, 12, 15, 18]);
    const text = (m: (typeof outbox)[number]) => (m.body as { fields: { text: string } }).fields.text;
    expect(text(outbox[1]!)).toBe(
      `李女士，您尾号0061的一年期整存整取将于${shiftDay(today, 7)}定期存款到期，金额70,000.50元。`,
    );
  });
});
