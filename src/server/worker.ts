import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ChannelSender } from '../campaigns/channels/channel.ts';
import { buildChannelRegistry, type ChannelRegistry } from '../campaigns/channels/registry.ts';
import { Composer, type ChannelSpec } from '../campaigns/delivery/composer.ts';
import { segmentAudience } from '../campaigns/audience.ts';
import {
  managerTaskChannel,
  managerTaskConfigSchema,
  settleManagerTasks,
  type ManagerTaskOptions,
} from '../campaigns/channels/manager-task.ts';
import { recordSentMessages } from '../campaigns/delivery/feedback.ts';
import { releaseAllClaims } from '../campaigns/delivery/queue.ts';
import { completeFinishedRuns, runDeliveryWorker } from '../campaigns/delivery/worker.ts';
import { startDueRuns } from '../campaigns/runs/scheduler.ts';
import type { Config } from '../config/schema.ts';
import type { SegmentService } from '../segments/service.ts';
import type { AdjustableClock, Clock } from '../shared/clock.ts';
import { storedClockOffset } from '../store/operational/system-state.ts';
import type { Logger } from '../shared/logger.ts';
import type { ChannelKind } from '../store/operational/campaign-tables.ts';
import type { Stores } from '../store/stores.ts';
import { enterDueDates } from '../journeys/dated.ts';
import { processAllDue } from '../journeys/engine.ts';
import { feedJourneyEvents } from '../journeys/event-feed.ts';
import { enterBySchedules } from '../journeys/scheduled.ts';
import { settleWecomGroupMessages } from '../wecom/group-message-results.ts';
import { wecomGroupChannel, wecomGroupConfigSchema } from '../wecom/group-messages.ts';
import type { WecomApi } from '../wecom/port.ts';

// The worker service (`flywheel start --services=worker`, and part of the default `api,worker`): on a tick, the
// campaign scheduler creates due runs and prepares them; meanwhile delivery loops claim, send and settle batches and
// close finished runs. Several worker processes may share one PostgreSQL store (each claims with SKIP LOCKED under
// its own id); the embedded store has one process. A stop (SIGTERM) stops claiming, lets the batches in flight finish
// for a grace period, then cuts what is left, which goes back to the queue under the same idempotency keys.

/** How long a stop waits for batches in flight before cutting their sends. */
const STOP_GRACE_MS = 5_000;

/** A running worker service. */
export interface WorkerService {
  readonly workerId: string;
  stop(): Promise<void>;
}

/** What the worker service runs with. */
export interface WorkerServiceDeps {
  readonly config: Config;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly segments: SegmentService;
  /** The test clock behind `clock` (FLYWHEEL_TEST_CLOCK): its offset is read from the store every tick. */
  readonly testClock?: AdjustableClock;
  /** WeCom's API when the bank is connected: group messages are a channel (wecom_group). */
  readonly wecom?: WecomApi;
  /** Senders for channel kinds built outside this module (e.g. manager tasks), by kind. */
  readonly builders?: Partial<
    Record<ChannelKind, (row: { key: string; config: Record<string, unknown> }) => ChannelSender>
  >;
}

/** A worker id unique per process: host, pid and a random suffix (a restarted process on a recycled pid differs). */
export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** The audience of a run: the population's members on the segment index of the day. */

/**
 * The channels table as senders, kept current: the maps are shared with the delivery loops and refilled in place
 * when a channel is added, changed or disabled.
 */
class LiveChannels {
  readonly senders = new Map<string, ChannelSender>();
  readonly specs = new Map<string, ChannelSpec>();
  #registry: ChannelRegistry | undefined;
  #signature = '';

  constructor(private readonly deps: WorkerServiceDeps) {}

  /** Rebuilds the senders when the enabled channels changed since the last call. */
  async refresh(): Promise<void> {
    const { stores, clock, config, logger } = this.deps;
    const db = stores.operational.db;
    const rows = await db
      .selectFrom('channels')
      .select(['key', 'updated_at'])
      .where('enabled', '=', true)
      .orderBy('key')
      .execute();
    const signature = rows.map((r) => `${r.key}@${new Date(r.updated_at).toISOString()}`).join(',');
    if (signature === this.#signature) return;
    const next = await buildChannelRegistry(db, clock, {
      secrets: config.channelSecrets,
      smtp: config.smtp,
      builders: {
        // A manager task is a to-do in the owner's workbench: the operational store is its provider.
        manager_task: (row) => managerTaskChannel(db, clock, managerTaskOptions(row.config)),
        ...(this.deps.wecom ? { wecom_group: this.#wecomGroup(this.deps.wecom) } : {}),
        ...this.deps.builders,
      },
    });
    const previous = this.#registry;
    this.#registry = next;
    this.#signature = signature;
    this.senders.clear();
    this.specs.clear();
    for (const [key, sender] of next.senders) this.senders.set(key, sender);
    for (const [key, spec] of next.specs) this.specs.set(key, spec);
    for (const [channel, reason] of next.unavailable)
      logger.warn({ channel, reason }, 'channel not available in this worker; its deliveries stay queued');
    logger.info({ channels: [...next.senders.keys()] }, 'worker channels');
    await previous?.close();
  }

  #wecomGroup(api: WecomApi) {
    const { stores, clock } = this.deps;
    return (row: { key: string; config: Record<string, unknown> }) => {
      const parsed = wecomGroupConfigSchema.safeParse(row.config);
      return wecomGroupChannel(
        { db: stores.operational.db, clock, api, channel: row.key },
        parsed.success ? parsed.data : {},
      );
    };
  }

  close(): Promise<void> {
    return this.#registry?.close() ?? Promise.resolve();
  }
}

/** Starts the scheduler tick and the delivery loops on open stores. */
export async function startWorkerService(deps: WorkerServiceDeps): Promise<WorkerService> {
  const { config, stores, clock } = deps;
  const db = stores.operational.db;
  const workerId = newWorkerId();
  const logger = deps.logger.child({ component: 'worker', worker: workerId });
  const channels = new LiveChannels({ ...deps, logger });
  await channels.refresh();
  if (stores.operational.kind === 'pglite') {
    const released = await releaseAllClaims(db, clock.now());
    if (released) logger.warn({ deliveries: released }, 'claims of a stopped process returned to the queue');
  }

  const stopLoops = new AbortController();
  const cutSends = new AbortController();
  const delivery = {
    db,
    clock,
    workerId,
    senders: channels.senders,
    composer: new Composer(
      db,
      channels.specs,
      config.bankName,
      clock,
      config.links.secret ? { secret: config.links.secret, publicUrl: config.links.publicUrl } : undefined,
    ),
    logger,
    onSent: recordSentMessages(stores.events),
    batchSize: config.worker.batch,
    concurrency: config.worker.concurrency,
    leaseMs: config.worker.leaseMs,
  };
  const loops = Array.from({ length: config.worker.loops }, () =>
    runDeliveryWorker(delivery, stopLoops.signal, 250, cutSends.signal).catch((error: unknown) => {
      // A bug or a lost store: the process stays up for the API; the claims come back when their lease ends.
      logger.error({ err: error }, 'delivery loop stopped');
    }),
  );

  const audience = segmentAudience(deps.segments);
  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      tick = (async () => {
        // An admin may have moved the test clock in another process (the API service).
        if (deps.testClock) deps.testClock.setOffset(await storedClockOffset(db));
        await channels.refresh();
        const prepared = await startDueRuns({ db, clock, audience, logger });
        if (prepared.length) logger.info({ runs: prepared }, 'campaign runs prepared');
        // Also when the queue never idles (other runs keep the loops busy), a finished run is closed within a tick.
        // Manager tasks confirmed or cancelled since: their deliveries settle now, not at the task's due day.
        const tasks = await settleManagerTasks({ db, clock, events: stores.events });
        if (tasks.sent + tasks.failed > 0) logger.info(tasks, 'manager-task deliveries settled');
        // WeCom group messages waiting for their senders' confirmation: read back every FLYWHEEL_WECOM_POLL_SECONDS.
        if (deps.wecom) {
          const wecom = await settleWecomGroupMessages(
            { db, clock, api: deps.wecom, events: stores.events, logger },
            { olderThanMs: (config.wecom?.pollSeconds ?? 300) * 1000 },
          );
          if (wecom.sent + wecom.failed > 0) logger.info(wecom, 'WeCom group-message deliveries settled');
        }
        const completed = await completeFinishedRuns(db, clock.now());
        if (completed.length) logger.info({ runs: completed }, 'campaign runs completed');
      })()
        .catch((error: unknown) => logger.error({ err: error }, 'campaign scheduler tick failed'))
        .finally(() => {
          if (!stopLoops.signal.aborted) schedule();
        });
    }, config.worker.tickMs);
  };
  const journeys = startJourneyTicks(deps, logger, stopLoops.signal);
  // The first pass at once: runs left 'preparing' by a previous process are prepared without waiting a tick.
  tick = startDueRuns({ db, clock, audience, logger })
    .then(() => undefined)
    .catch((error: unknown) => logger.error({ err: error }, 'campaign scheduler tick failed'))
    .finally(() => {
      if (!stopLoops.signal.aborted) schedule();
    });
  logger.info({ loops: config.worker.loops, batch: config.worker.batch }, 'worker started');

  return {
    workerId,
    async stop() {
      stopLoops.abort();
      clearTimeout(timer);
      const cut = setTimeout(() => cutSends.abort(), STOP_GRACE_MS);
      await Promise.all(loops);
      clearTimeout(cut);
      await tick;
      await journeys.stopped();
      await channels.close();
      logger.info('worker stopped');
    },
  };
}

/**
 * The journeys' own tick (FLYWHEEL_JOURNEY_TICK_MS, shorter than the campaign scheduler's, which may spend minutes
 * preparing a large run): events ingested since the last pass enter, convert and wake customers; schedule slots due
 * enter their populations; then memberships whose timer is due — those just entered included — move on (sends queue
 * deliveries on the campaigns' path). A pass ends before the next is scheduled; a stop lets the pass in flight end.
 */
function startJourneyTicks(
  deps: WorkerServiceDeps,
  logger: Logger,
  signal: AbortSignal,
): { stopped(): Promise<void> } {
  const { config, clock, stores } = deps;
  const db = stores.operational.db;
  const audience = segmentAudience(deps.segments);
  const pass = async () => {
    const fed = await feedJourneyEvents({ db, clock, events: stores.events });
    if (fed.applied > 0) logger.info(fed, 'journey events applied');
    // Date journeys take each business day's due customers once (at once when published, days skipped caught up).
    for (const [journey, dated] of await enterDueDates({ db, clock }, clock.today(), clock.now()))
      if (dated.entered + dated.control > 0) logger.info({ journey, ...dated }, 'journey date entries');
    for (const [journey, slot] of await enterBySchedules({ db, clock, audience }, clock.now()))
      if (typeof slot === 'object')
        logger['error' in slot ? 'warn' : 'info']({ journey, ...slot }, 'journey schedule slot');
    const moved = await processAllDue(
      { db, clock, ruleMembers: (rule) => deps.segments.ruleMembers(rule) },
      { now: clock.now(), limit: config.worker.batch, maxBatches: 50 },
    );
    if (moved > 0) logger.info({ memberships: moved }, 'journey steps taken');
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const next = () => {
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => logger.error({ err: error }, 'journey tick failed'))
        .finally(() => {
          if (!signal.aborted) next();
        });
    }, config.worker.journeyTickMs);
  };
  next();
  return {
    async stopped() {
      clearTimeout(timer);
      await running;
    },
  };
}

/** A manager_task channel's settings; invalid ones fall back to the defaults (the API validates them when saved). */
function managerTaskOptions(config: Record<string, unknown>): ManagerTaskOptions {
  const parsed = managerTaskConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : {};
}
