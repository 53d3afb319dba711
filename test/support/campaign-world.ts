import type { ChannelSender } from '../../src/campaigns/channels/channel.ts';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { recordSentMessages } from '../../src/campaigns/delivery/feedback.ts';
import { deliverBatch, type WorkerDeps } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { saveContactPolicy } from '../../src/campaigns/policy/store.ts';
import type { CampaignDeps } from '../../src/campaigns/service.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { segmentAudience } from '../../src/campaigns/audience.ts';
import { clockOf, type Clock } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { seedCampaignBank } from './campaign-fixture.ts';
import { openMigratedMemoryStore } from './pglite.ts';

// The embedded stores with a small campaign bank (test/support/campaign-fixture.ts), the campaign service's deps, an
// outbox channel and a worker that drains it in-process, and a clock the test moves.

/** A campaign test's world. */
export interface CampaignWorld {
  readonly store: OperationalStore;
  readonly events: EventStore;
  readonly deps: CampaignDeps;
  readonly segments: SegmentService;
  readonly contentId: number;
  readonly clock: Clock;
  /** Moves the clock. */
  setNow(at: Date): void;
  /** A worker over the outbox channel. */
  worker(over?: Partial<WorkerDeps>): WorkerDeps;
  /** Delivers until nothing is left to claim. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a world of `n` customers (ids 1..n) with a global holdout of `holdoutPercent`. */
export async function openCampaignWorld(n: number, start: Date, holdoutPercent = 0): Promise<CampaignWorld> {
  let now = start;
  const clock = clockOf(() => new Date(now));
  const [store, events] = await Promise.all([
    openMigratedMemoryStore(),
    openEventStore({ kind: 'chdb', dataDir: null }),
  ]);
  const { contentId } = await seedCampaignBank(store.db, clock, n, [{ key: 'outbox', kind: 'outbox' }]);
  await saveContactPolicy({ db: store.db, clock }, 'user:admin', {
    ...DEFAULT_CONTACT_POLICY,
    globalHoldoutPercent: holdoutPercent,
  });
  const segments = new SegmentService({ db: store.db, events, clock, tags: tagSource });
  const deps: CampaignDeps = {
    db: store.db,
    clock,
    audience: segmentAudience(segments),
  };
  const worker = (over: Partial<WorkerDeps> = {}): WorkerDeps => ({
    db: store.db,
    clock,
    workerId: 'w',
    onSent: recordSentMessages(events),
    senders: new Map<string, ChannelSender>([['outbox', outboxChannel(store.db, clock, 'outbox')]]),
    composer: new Composer(
      store.db,
      new Map([['outbox', { key: 'outbox', reaches: 'sms' as const, variant: 'sms' as const }]]),
      'Demo Bank',
      clock,
    ),
    ...over,
  });
  return {
    store,
    events,
    deps,
    segments,
    contentId,
    clock,
    setNow: (at) => {
      now = at;
    },
    worker,
    drain: async () => {
      while ((await deliverBatch(worker(), new AbortController().signal)).claimed > 0);
    },
    close: async () => {
      await Promise.all([store.close(), events.close()]);
    },
  };
}
