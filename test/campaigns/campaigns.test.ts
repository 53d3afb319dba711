import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeFinishedRuns, deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import {
  controlCampaign,
  createCampaign,
  previewCampaign,
  reviewCampaign,
  type CampaignDeps,
} from '../../src/campaigns/service.ts';
import type { SegmentService } from '../../src/segments/service.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { capLedgerOf } from '../support/campaign-fixture.ts';
import { openCampaignWorld, type CampaignWorld } from '../support/campaign-world.ts';

// A campaign from draft to results on the embedded stores: located refusals, maker-checker approval, the preview's
// waterfall equal to what the run writes and the outbox receives, pause and cancel mid-run.

const N = 400;
let world: CampaignWorld;
let store: OperationalStore;
let deps: CampaignDeps;
let segments: SegmentService;
let contentId: number;

const women = { rule: { attr: 'gender', op: '=', value: 'F' } } as const;
const draft = (over: Record<string, unknown> = {}) => ({
  name: 'Morning post for women',
  purpose: 'marketing',
  population: women,
  content: { id: contentId, version: 1 },
  channels: ['outbox'],
  schedule: { kind: 'now' },
  controlPercent: 10,
  ...over,
});

beforeAll(async () => {
  world = await openCampaignWorld(N, new Date('2026-12-07T02:00:00Z'), 5);
  ({ store, deps, segments, contentId } = world);
});
afterAll(async () => {
  await world.close();
});

const worker = () => world.worker();
const drain = () => world.drain();

describe('campaigns', () => {
  it('refuses unapproved content, unknown channels and bad rules, located', async () => {
    const unknownChannel = await createCampaign(
      deps,
      'user:author',
      draft({ channels: ['outbox', 'carrier_pigeon'] }),
    );
    expect(unknownChannel).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: '/channels/1' }] },
    });
    const badVersion = await createCampaign(
      deps,
      'user:author',
      draft({ content: { id: contentId, version: 9 } }),
    );
    expect(badVersion).toMatchObject({ ok: false, error: { details: [{ path: '/content' }] } });
    const badRule = await createCampaign(
      deps,
      'user:author',
      draft({ population: { rule: { attr: 'gender', op: 'like', value: 1 } } }),
    );
    expect(badRule).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    // A rule of the right shape that the grammar refuses is refused when saved, not failed at the first run.
    const emptyAll = await createCampaign(deps, 'user:author', draft({ population: { rule: { all: [] } } }));
    expect(emptyAll).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_rule',
        message: expect.stringMatching(/^population: invalid rule: .*at least one/),
      },
    });
  });

  it('from draft to sent: the preview is what the run writes and the outbox receives', async () => {
    const created = await createCampaign(deps, 'user:author', draft());
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    expect(await startDueRuns(deps)).toEqual([]); // not approved: nothing runs
    await reviewCampaign(deps, 'user:author', id, 1, { action: 'submit' });
    expect(await reviewCampaign(deps, 'user:author', id, 1, { action: 'approve' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const preview = await previewCampaign(deps, draft(), id);
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.value.audience).toBe(N / 2);
    expect(preview.value.excluded.global_holdout).toBeGreaterThan(0);
    expect(preview.value.excluded.control_group).toBeGreaterThan(0);
    expect(await reviewCampaign(deps, 'user:checker', id, 1, { action: 'approve' })).toMatchObject({
      ok: true,
      value: { status: 'approved', approvedVersion: 1 },
    });

    const [runId] = await startDueRuns(deps);
    expect(runId).toBeDefined();
    expect(await startDueRuns(deps)).toEqual([]); // one run per slot
    const run = await store.db
      .selectFrom('campaign_runs')
      .selectAll()
      .where('id', '=', String(runId))
      .executeTakeFirstOrThrow();
    const { asOf, ...waterfall } = preview.value;
    expect(run.waterfall).toEqual(waterfall);
    expect(run.as_of).toBe(asOf);

    await drain();
    const outbox = await store.db
      .selectFrom('outbox_messages')
      .select(['customer_id', 'body'])
      .where('run_id', '=', String(runId))
      .execute();
    expect(outbox).toHaveLength(waterfall.toSend);
    expect(outbox.every((m) => m.customer_id % 2 === 0)).toBe(true); // women only (even ids in the fixture)
    expect(outbox.some((m) => m.customer_id % 10 === 0)).toBe(false); // opted out
    expect(await completeFinishedRuns(store.db, world.clock.now())).toEqual([runId]);

    // Each sent message is a behaviour event: a rule can say "received this campaign" (the event names are looked
    // for again at most once a second).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const received = await segments.preview({ event: 'message_sent', where: { campaign_id: id } });
    expect(received).toMatchObject({ ok: true, value: { count: waterfall.toSend } });
  });

  it('pause holds a run, resume releases it, cancel ends it', async () => {
    world.setNow(new Date('2026-12-08T02:00:00Z')); // a new day: caps allow another message
    const created = await createCampaign(deps, 'user:author', draft({ name: 'Second', controlPercent: 0 }));
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    await reviewCampaign(deps, 'user:author', id, 1, { action: 'submit' });
    await reviewCampaign(deps, 'user:checker', id, 1, { action: 'approve' });
    const [runId] = await startDueRuns(deps);
    expect((await controlCampaign(deps, 'user:author', id, 'pause')).ok).toBe(true);
    expect((await deliverBatch(worker(), new AbortController().signal)).claimed).toBe(0);
    expect((await controlCampaign(deps, 'user:author', id, 'resume')).ok).toBe(true);
    const first = await deliverBatch({ ...worker(), batchSize: 20 }, new AbortController().signal);
    expect(first.sent).toBe(20);
    expect((await controlCampaign(deps, 'user:author', id, 'cancel')).ok).toBe(true);
    await drain();
    const statuses = await store.db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('run_id', '=', String(runId))
      .groupBy('status')
      .execute();
    expect(Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]))).toMatchObject({ sent: 20 });
    expect(statuses.map((s) => s.status).sort()).toEqual(['cancelled', 'sent']);
    // The cancelled messages gave their cap reservations back: only the 20 sent still count.
    expect(await capLedgerOf(store.db, runId!)).toEqual({ reserved: 20, live: 20 });
    expect(await controlCampaign(deps, 'user:author', id, 'resume')).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });
});
