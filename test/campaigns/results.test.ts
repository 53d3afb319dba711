import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { saveTagSnapshot } from '../../src/tags/snapshot-store.ts';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { setProductRole } from '../../src/campaigns/content/products.ts';
import { completeFinishedRuns } from '../../src/campaigns/delivery/worker.ts';
import { resultsByProductRole } from '../../src/campaigns/results/by-product-role.ts';
import { resultsCsv } from '../../src/campaigns/results/export.ts';
import { campaignResults } from '../../src/campaigns/results/service.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { createCampaign, reviewCampaign } from '../../src/campaigns/service.ts';
import { openCampaignWorld, type CampaignWorld } from '../support/campaign-world.ts';

// A run's results from the stores: the funnel counts distinct customers per stage (deliveries and lifecycle events),
// conversions count only inside the window and only once, the lift compares targeted against the control group,
// and cost divides by conversions.

const N = 2000;
const start = new Date('2026-12-07T02:00:00Z');
const DAY = 86_400_000;
let world: CampaignWorld;
let campaignId: number;
let runId: number;
let targeted: number[];
let control: number[];
const rdeps = () => ({ db: world.store.db, events: world.events, clock: world.clock });

const event = (
  id: string,
  customer: number,
  name: string,
  at: number,
  props: Record<string, unknown> = {},
) => ({
  event_id: id,
  customer_id: customer,
  distinct_id: `K${String(customer).padStart(7, '0')}`,
  event: name,
  time: at,
  properties: props,
});

beforeAll(async () => {
  world = await openCampaignWorld(N, start);
  const created = await createCampaign(world.deps, 'user:author', {
    name: 'Year-end deposit',
    purpose: 'marketing',
    population: { rule: { attr: 'gender', op: '=', value: 'F' } },
    content: { id: world.contentId, version: 1 },
    channels: ['outbox'],
    schedule: { kind: 'now' },
    controlPercent: 20,
    conversion: { event: 'purchase', windowDays: 7 },
    costPerMessage: 0.05,
  });
  if (!created.ok) throw new Error(created.error.message);
  campaignId = created.value.id;
  await reviewCampaign(world.deps, 'user:author', campaignId, 1, { action: 'submit' });
  await reviewCampaign(world.deps, 'user:checker', campaignId, 1, { action: 'approve' });
  [runId] = (await startDueRuns(world.deps)) as [number];
  await world.drain();
  const rows = await world.store.db
    .selectFrom('deliveries')
    .select('customer_id')
    .where('run_id', '=', String(runId))
    .orderBy('customer_id')
    .execute();
  targeted = rows.map((r) => r.customer_id);
  const women = Array.from({ length: N / 2 }, (_, i) => 2 * (i + 1));
  const reached = new Set(targeted);
  // Control members: eligible women (consented, so not multiples of 7 nor 10) not targeted.
  control = women.filter((id) => !reached.has(id) && id % 7 !== 0 && id % 10 !== 0);

  const t0 = start.getTime() + 3_600_000;
  const run = { campaign_id: campaignId, run_id: runId };
  await world.events.insert('events', [
    ...targeted.slice(0, 300).map((c) => event(`o${c}`, c, 'message_opened', t0, run)),
    ...targeted.slice(0, 100).map((c) => event(`k${c}`, c, 'message_clicked', t0, run)),
    // Conversions: 30% of the targeted, 10% of the control group, inside the window.
    ...targeted.filter((_, i) => i % 10 < 3).map((c) => event(`p${c}`, c, 'purchase', t0 + DAY)),
    ...control.filter((_, i) => i % 10 === 0).map((c) => event(`p${c}`, c, 'purchase', t0 + 2 * DAY)),
    // The same conversion re-sent (one event), a second purchase (one customer), purchases outside the window.
    event(`p${targeted[0]}`, targeted[0]!, 'purchase', t0 + DAY),
    event(`p2-${targeted[0]}`, targeted[0]!, 'purchase', t0 + 2 * DAY),
    event(`late${targeted[5]}`, targeted[5]!, 'purchase', t0 + 8 * DAY),
    event(`early${targeted[6]}`, targeted[6]!, 'purchase', start.getTime() - DAY),
    // Another run's open does not count here.
    event(`x${targeted[400]}`, targeted[400]!, 'message_opened', t0, {
      campaign_id: campaignId,
      run_id: runId + 99,
    }),
  ]);
  // The lifecycle stages of the day before the run (the latest snapshot on or before the run's day counts).
  const universe = new RoaringBitmap32(Array.from({ length: N }, (_, i) => i + 1));
  const growing = new RoaringBitmap32(Array.from({ length: N / 4 }, (_, i) => i + 1));
  await saveTagSnapshot(world.store.db, {
    asOf: '2026-12-06',
    universe,
    tags: new Map([
      [
        'lifecycle_stage',
        {
          version: 1,
          values: new Map([
            ['growing', growing],
            ['mature', RoaringBitmap32.andNot(universe, growing)],
          ]),
        },
      ],
    ]),
  });
  world.setNow(new Date(start.getTime() + 10 * DAY));
});
afterAll(async () => {
  await world.close();
});

describe('campaign results', () => {
  it('counts each stage once per customer and conversions only inside the window', async () => {
    const results = await campaignResults(rdeps(), campaignId);
    if (!results.ok) throw new Error(results.error.message);
    const r = results.value;
    const convertedTargeted = targeted.filter((_, i) => i % 10 < 3).length;
    const convertedControl = control.filter((_, i) => i % 10 === 0).length;
    expect(r.run).toMatchObject({ id: runId, version: 1 });
    expect(r.totals).toEqual({
      audience: N / 2,
      targeted: targeted.length,
      sent: targeted.length,
      delivered: 0,
      opened: 300,
      clicked: 100,
      converted: convertedTargeted,
      control: control.length,
      controlConverted: convertedControl,
    });
    expect(r.funnel.map((s) => s.stage)).toEqual([
      'audience',
      'targeted',
      'sent',
      'delivered',
      'opened',
      'clicked',
      'converted',
    ]);
    expect(r.conversion).toMatchObject({ event: 'purchase', windowDays: 7, open: false });
    expect(r.byTier).toEqual([{ key: 'gold', ...r.totals }]);
    expect(r.byLifecycleStage.map((g) => g.key)).toEqual(['mature', 'growing']);
    const growing = targeted.filter((id) => id <= N / 4).length;
    expect(r.byLifecycleStage[1]).toMatchObject({ audience: N / 8, targeted: growing });
    for (const k of ['audience', 'targeted', 'sent', 'opened', 'clicked', 'converted', 'control'] as const)
      expect(r.byLifecycleStage.reduce((n, g) => n + g[k], 0)).toBe(r.totals[k]);
    expect(r.freshness.eventsThrough).not.toBeNull();
    expect(r.definitions.lift.en).toMatch(/control/);
  });

  it('measures lift against the control group with an interval, and cost per conversion', async () => {
    const results = await campaignResults(rdeps(), campaignId, { runId });
    if (!results.ok) throw new Error(results.error.message);
    const { lift, totals, cost } = results.value;
    const pT = totals.converted / totals.targeted;
    const pC = totals.controlConverted / totals.control;
    expect(lift?.absolute?.estimate).toBeCloseTo(pT - pC, 10);
    expect(lift!.absolute!.lower).toBeLessThan(pT - pC);
    expect(lift!.absolute!.upper).toBeGreaterThan(pT - pC);
    expect(lift!.test.significant).toBe(true);
    const total = Math.round(0.05 * totals.sent * 100) / 100;
    expect(cost).toEqual({
      perMessage: 0.05,
      total,
      perConversion: Math.round((total / totals.converted) * 100) / 100,
      perIncrementalConversion: Math.round((total / ((pT - pC) * totals.targeted)) * 100) / 100,
    });
  });

  it('exports CSV with localised headers and a formula-safe body', async () => {
    const results = await campaignResults(rdeps(), campaignId);
    if (!results.ok) throw new Error(results.error.message);
    const [header, total, tier] = resultsCsv(results.value, 'en').replace('\uFEFF', '').trim().split('\r\n');
    expect(header).toBe(
      'breakdown,group,audience,targeted,sent,delivered,opened,clicked,converted,conversion rate,control,control converted,control conversion rate',
    );
    expect(total?.split(',').slice(0, 4)).toEqual(['total', '', String(N / 2), String(targeted.length)]);
    expect(tier?.startsWith('tier,gold,')).toBe(true);
    expect(resultsCsv(results.value, 'zh')).toMatch(/^\uFEFF维度,分组/);
  });

  it('answers not found for an unknown campaign or run, located', async () => {
    expect(await campaignResults(rdeps(), 999)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await campaignResults(rdeps(), campaignId, { runId: runId + 1 })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining(`run ${runId + 1}`) },
    });
  });
});

describe('results by product role, across campaigns', () => {
  let menRun: number;
  let menCampaign: number;
  let day: string;
  const totalsOf = async (run: number, campaign: number) => {
    const r = await campaignResults(rdeps(), campaign, { runId: run });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const byRole = async (range = { from: day, to: day }) =>
    Object.fromEntries((await resultsByProductRole(rdeps(), range)).roles.map((r) => [r.role, r]));

  beforeAll(async () => {
    // A second campaign, to the men, on a traffic product (the first is on WM-90, main profit); both runs complete.
    await world.store.db
      .insertInto('products')
      .values({ id: 'DEP-CUR', name: '活期', category: 'current_deposit', role: 'traffic' })
      .execute();
    const deps = { db: world.store.db, clock: world.clock };
    const content = await createContent(deps, 'user:author', {
      type: 'product',
      title: 'Current account',
      productId: 'DEP-CUR',
      variants: { sms: { text: '{{ product.name }}' } },
    });
    if (!content.ok) throw new Error(content.error.message);
    await reviewContent(deps, 'user:author', content.value.contentId, 1, { action: 'submit' });
    await reviewContent(deps, 'user:checker', content.value.contentId, 1, { action: 'approve' });
    const created = await createCampaign(world.deps, 'user:author', {
      name: 'Current account',
      purpose: 'marketing',
      population: { rule: { attr: 'gender', op: '=', value: 'M' } },
      content: { id: content.value.contentId, version: 1 },
      channels: ['outbox'],
      schedule: { kind: 'now' },
      controlPercent: 10,
      conversion: { event: 'open_account', windowDays: 3 },
    });
    if (!created.ok) throw new Error(created.error.message);
    menCampaign = created.value.id;
    await reviewCampaign(world.deps, 'user:author', created.value.id, 1, { action: 'submit' });
    await reviewCampaign(world.deps, 'user:checker', created.value.id, 1, { action: 'approve' });
    [menRun] = (await startDueRuns(world.deps)) as [number];
    await world.drain();
    const men = await world.store.db
      .selectFrom('deliveries')
      .select('customer_id')
      .where('run_id', '=', String(menRun))
      .orderBy('customer_id')
      .execute();
    const t1 = world.clock.now().getTime() + 3_600_000;
    const run = { campaign_id: created.value.id, run_id: menRun };
    await world.events.insert('events', [
      ...men.slice(0, 40).map((m) => event(`mk${m.customer_id}`, m.customer_id, 'message_clicked', t1, run)),
      ...men.slice(0, 25).map((m) => event(`ma${m.customer_id}`, m.customer_id, 'open_account', t1)),
    ]);
    expect(await completeFinishedRuns(world.store.db, world.clock.now())).toEqual([runId, menRun]);
    world.setNow(new Date(world.clock.now().getTime() + 5 * DAY));
    day = world.clock.dayOf(new Date(world.clock.now().getTime() - 5 * DAY));
  });

  it("sums each role's completed runs exactly as the runs' own results count them", async () => {
    const profit = await totalsOf(runId, campaignId);
    const traffic = await totalsOf(menRun, menCampaign);
    expect(profit.product).toEqual({ id: 'WM-90', name: '稳健90天', role: 'profit' });
    expect(traffic.product).toMatchObject({ id: 'DEP-CUR', role: 'traffic' });
    expect(traffic.totals).toMatchObject({ clicked: 40, converted: 25 });
    const roles = await byRole();
    for (const [role, r] of [
      ['profit', profit],
      ['traffic', traffic],
    ] as const)
      expect(roles[role]).toEqual({
        role,
        campaigns: 1,
        runs: 1,
        targeted: r.totals.targeted,
        sent: r.totals.sent,
        clicked: r.totals.clicked,
        converted: r.totals.converted,
        conversionRate: r.totals.converted / r.totals.targeted,
      });
    const empty = {
      campaigns: 0,
      runs: 0,
      targeted: 0,
      sent: 0,
      clicked: 0,
      converted: 0,
      conversionRate: null,
    };
    expect(roles.hot_selling).toEqual({ role: 'hot_selling', ...empty });
    expect(roles.none).toEqual({ role: 'none', ...empty });
    // Runs finished outside the range are not counted.
    const before = world.clock.dayOf(new Date(world.clock.now().getTime() - 6 * DAY));
    expect((await byRole({ from: before, to: before })).profit).toMatchObject({ runs: 0, targeted: 0 });
  });

  it("follows a product's role as it is now, the change audited with the old and the new role", async () => {
    const deps = { db: world.store.db, clock: world.clock };
    expect(await setProductRole(deps, 'user:admin', 'WM-90', 'hot_selling')).toMatchObject({
      ok: true,
      value: { id: 'WM-90', role: 'hot_selling' },
    });
    const roles = await byRole();
    expect(roles.profit).toMatchObject({ runs: 0, targeted: 0 });
    expect(roles.hot_selling).toMatchObject({ runs: 1, campaigns: 1 });
    expect((await totalsOf(runId, campaignId)).product?.role).toBe('hot_selling');
    const audit = await world.store.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'product.role')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'user:admin', details: { from: 'profit', to: 'hot_selling' } });
    expect(await setProductRole(deps, 'user:admin', 'NOPE', null)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await setProductRole(deps, 'user:admin', 'WM-90', null);
    expect((await byRole()).none).toMatchObject({ runs: 1, campaigns: 1 });
  });
});
