import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { saveTagSnapshot } from '../../src/tags/snapshot-store.ts';
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
