import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender } from '../../src/campaigns/channels/channel.ts';
import { webhookChannel } from '../../src/campaigns/channels/http-provider.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { claimDeliveries } from '../../src/campaigns/delivery/queue.ts';
import { completeFinishedRuns, deliverBatch, type WorkerDeps } from '../../src/campaigns/delivery/worker.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { capLedgerOf, queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { startHttpSink, type HttpSink } from '../support/message-sink.ts';
import { engines } from '../support/stores.ts';

// The delivery worker on both operational engines: every queued delivery reaches the provider exactly once, through
// provider failures, a worker that dies between sending and settling, and an opt-out that arrives mid-run.

const SECRET = 'delivery-test-secret-0123456789';
const N = 600;

for (const engine of await engines()) {
  describe(`delivery on ${engine.name}`, () => {
    let sink: HttpSink;
    let dispose: () => Promise<void>;
    let deps: (workerId: string) => WorkerDeps;
    let db: WorkerDeps['db'];
    let now = new Date('2026-12-07T02:00:00Z');
    const clock = clockOf(() => new Date(now));
    let runId: number;
    let queued: number;

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      sink = await startHttpSink(SECRET);
      const { contentId } = await seedCampaignBank(db, clock, N, [{ key: 'bank_sms', kind: 'webhook' }]);
      ({ runId, queued } = await queueCampaignRun(db, clock, contentId, 'bank_sms'));
      const senders = new Map<string, ChannelSender>([
        ['bank_sms', webhookChannel({ url: sink.url, secret: SECRET, timeoutMs: 3000 })],
      ]);
      const channels = new Map([
        ['bank_sms', { key: 'bank_sms', reaches: 'sms' as const, variant: 'sms' as const }],
      ]);
      deps = (workerId) => ({
        db,
        clock,
        workerId,
        senders,
        composer: new Composer(db, channels, 'Demo Bank'),
        batchSize: 100,
        leaseMs: 60_000,
        maxAttempts: 3,
      });
    });
    afterAll(async () => {
      await sink.close();
      await dispose();
    });

    it('a worker that dies after sending, before settling, loses nothing and sends nothing twice', async () => {
      // Worker A claims 100 and sends 60 of them, then dies (no settle).
      const claimed = await claimDeliveries(db, {
        workerId: 'A',
        now: clock.now(),
        limit: 100,
        leaseMs: 60_000,
      });
      expect(claimed).toHaveLength(100);
      const composed = await deps('A').composer.compose(claimed.slice(0, 60));
      for (const c of composed)
        if ('message' in c)
          await deps('A').senders.get('bank_sms')!.send(c.message, new AbortController().signal);
      expect(sink.received.size).toBe(60);

      // An opt-out arrives for a customer still queued.
      const later = await db
        .selectFrom('deliveries')
        .select('customer_id')
        .where('status', '=', 'queued')
        .orderBy('customer_id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('consents')
        .set({ status: 'revoked' })
        .where('customer_id', '=', later.customer_id)
        .where('channel', '=', 'sms')
        .execute();

      // The provider fails a few requests on the way, and refuses one number for good.
      sink.script.push('error500', 'silent', 'error400', 'error500');

      // Worker B drains what is due; A's claims come back once their lease expires.
      const drain = async () => {
        for (let i = 0; i < 50; i++)
          if ((await deliverBatch(deps('B'), new AbortController().signal)).claimed === 0) break;
      };
      await drain();
      now = new Date(now.getTime() + 61_000); // A's lease over
      await drain();
      for (let i = 0; i < 5; i++) {
        now = new Date(now.getTime() + 10 * 60_000); // back-offs over
        await drain();
      }

      const rows = await db
        .selectFrom('deliveries')
        .select(['status', 'customer_id', 'attempts'])
        .where('run_id', '=', String(runId))
        .execute();
      const ofStatus = (status: string) => rows.filter((r) => r.status === status);
      expect(rows).toHaveLength(queued);
      expect(ofStatus('suppressed').map((r) => r.customer_id)).toEqual([later.customer_id]);
      expect(ofStatus('failed')).toHaveLength(1);
      expect(ofStatus('sent')).toHaveLength(queued - 2);
      // Exactly once at the provider: every sent delivery once, the opted-out customer never.
      expect(sink.received.size).toBe(queued - 2);
      const phones = [...sink.received.values()].map((r) => r.body['to']);
      expect(new Set(phones).size).toBe(queued - 2);
      // The refused and the suppressed message gave their cap reservations back.
      expect(await capLedgerOf(db, runId)).toEqual({ reserved: queued - 2, live: queued - 2 });
      expect(phones).not.toContain(`138${String(later.customer_id).padStart(8, '0')}`);
      expect(sink.requests).toBeGreaterThan(queued); // retries and A's re-sends happened, deduplicated by key
      const sample = [...sink.received.values()][0]!;
      expect(sample.signed).toBe(true);
      expect(String((sample.body['message'] as Record<string, string>)['text'])).toMatch(
        /^[王李张刘陈][先女][生士]，稳健90天年化2.85%$/,
      );

      expect(await completeFinishedRuns(db, clock.now())).toEqual([runId]);
    });
  });
}
