import { setMaxListeners } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ChannelSender, OutgoingMessage, SendOutcome } from '../channels/channel.ts';
import type { Composer } from './composer.ts';
import { claimDeliveries, retryDelayMs, settleDeliveries, type Settlement } from './queue.ts';

// The delivery worker: claim a batch, compose, send with bounded concurrency, settle the batch in one statement,
// repeat. Any number of workers (processes, machines) may run against one PostgreSQL store; on the embedded store one
// process holds it. Killing a worker at any point loses nothing and sends nothing twice at the provider: unsettled
// claims expire and are sent again under the same idempotency key.

/** What a delivery worker is given. */
export interface WorkerDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly workerId: string;
  readonly senders: ReadonlyMap<string, ChannelSender>;
  readonly composer: Composer;
  readonly logger?: Logger;
  /** Called with each batch's sent messages (the feedback loop records them in the event store). */
  readonly onSent?: (sent: readonly OutgoingMessage[], at: Date) => Promise<void>;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  /** Attempts before a delivery goes to the dead letters. */
  readonly maxAttempts?: number;
}

/** Counts of one batch. */
export interface BatchReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  dead: number;
  suppressed: number;
  /** Wall milliseconds of each step (claim, compose, send, record, settle): where a batch's time goes. */
  ms?: { claim: number; compose: number; send: number; record: number; settle: number };
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** Claims, sends and settles one batch. */
export async function deliverBatch(deps: WorkerDeps, signal: AbortSignal): Promise<BatchReport> {
  // Every send in flight listens on `signal`: dozens at once are expected, not a leak.
  setMaxListeners(0, signal);
  const report: BatchReport = { claimed: 0, sent: 0, retried: 0, failed: 0, dead: 0, suppressed: 0 };
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = Math.round(now - t);
    t = now;
    return ms;
  };
  const claimed = await claimDeliveries(deps.db, {
    workerId: deps.workerId,
    now: deps.clock.now(),
    limit: deps.batchSize ?? 200,
    leaseMs: deps.leaseMs ?? 60_000,
    // A channel this worker has no sender for stays queued for a worker that has one.
    channels: [...deps.senders.keys()],
  });
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;
  const attempts = new Map(claimed.map((c) => [c.idempotencyKey, c.attempts]));
  const channelOf = new Map(claimed.map((c) => [c.idempotencyKey, c.channel]));
  const maxAttempts = deps.maxAttempts ?? 5;
  const settlements: Settlement[] = [];
  const sent: OutgoingMessage[] = [];
  const ms = { claim: lap(), compose: 0, send: 0, settle: 0, record: 0 };
  report.ms = ms;
  const composed = await deps.composer.compose(claimed);
  ms.compose = lap();
  const settle = (message: OutgoingMessage, outcome: SendOutcome | 'stopped') => {
    const key = message.idempotencyKey;
    if (outcome === 'stopped') {
      // Stopping: the provider may or may not have it; it goes again under the same key, at once.
      settlements.push({
        key,
        status: 'queued',
        retryAt: deps.clock.now(),
        error: 'worker stopped mid-send',
      });
      return;
    }
    if (outcome.status === 'sent') {
      report.sent++;
      sent.push(message);
      settlements.push({ key, status: 'sent', providerId: outcome.providerId });
    } else if (outcome.status === 'failed') {
      report.failed++;
      settlements.push({ key, status: 'failed', error: outcome.reason });
    } else if ((attempts.get(key) ?? 1) >= maxAttempts) {
      report.dead++;
      settlements.push({
        key,
        status: 'dead',
        error: `${maxAttempts} attempts; last: ${outcome.reason}`,
      });
    } else {
      report.retried++;
      const delay = retryDelayMs(attempts.get(key) ?? 1, outcome.retryAfterMs);
      settlements.push({
        key,
        status: 'queued',
        retryAt: new Date(deps.clock.now().getTime() + delay),
        error: outcome.reason,
      });
    }
  };
  const single: { sender: ChannelSender; message: OutgoingMessage }[] = [];
  const grouped = new Map<ChannelSender, OutgoingMessage[]>();
  for (const item of composed) {
    if (!('message' in item)) {
      report.suppressed++;
      settlements.push({
        key: item.key,
        status: 'suppressed',
        error: item.suppressed + (item.detail ? `: ${item.detail}` : ''),
      });
      continue;
    }
    const sender = deps.senders.get(channelOf.get(item.key) ?? '');
    if (!sender) settle(item.message, { status: 'failed', reason: 'channel not available in this worker' });
    else if (sender.sendMany) {
      const batch = grouped.get(sender) ?? [];
      batch.push(item.message);
      grouped.set(sender, batch);
    } else single.push({ sender, message: item.message });
  }
  // A send cut by a stop (the signal aborted) is 'stopped': it goes back to the queue under its key.
  const attempt = async <T>(work: () => Promise<T>): Promise<T | 'stopped'> => {
    try {
      return await work();
    } catch (error) {
      if (!signal.aborted) throw error;
      return 'stopped';
    }
  };
  await Promise.all([
    eachLimited(single, deps.concurrency ?? 32, async ({ sender, message }) =>
      settle(message, await attempt(() => sender.send(message, signal))),
    ),
    ...[...grouped].map(async ([sender, messages]) => {
      const outcomes = await attempt(() => sender.sendMany!(messages, signal));
      messages.forEach((message, i) =>
        settle(message, outcomes === 'stopped' ? outcomes : (outcomes[i] ?? 'stopped')),
      );
    }),
  ]);
  ms.send = lap();
  const now = deps.clock.now();
  // Recorded before settling: a worker killed between the two steps leaves the batch claimed, so it is sent again
  // under the same keys and recorded again under the same event ids (one event each). Settled first, the events of
  // such a batch would be lost for good. If the event store is down, the batch is not settled and goes again when
  // its lease ends; the provider deduplicates the repeats.
  if (sent.length && deps.onSent) await deps.onSent(sent, now);
  ms.record = lap();
  await settleDeliveries(deps.db, deps.workerId, now, settlements);
  ms.settle = lap();
  return report;
}

/** Marks sending runs whose every delivery has ended (and no journey adds more to) as completed; their ids. */
export async function completeFinishedRuns(db: Kysely<Database>, now: Date): Promise<number[]> {
  const rows = await sql<{ id: string }>`
    update campaign_runs r set status = 'completed', finished_at = ${now}
     where r.status = 'sending' and (r.open_until is null or r.open_until <= ${now})
       and not exists (select 1 from deliveries d where d.run_id = r.id and d.status in ('queued', 'sending'))
    returning r.id`.execute(db);
  if (rows.rows.length > 0) await completeOneShotCampaigns(db, now);
  return rows.rows.map((r) => Number(r.id));
}

/** A campaign scheduled once (now, at a time) is completed when its run is: nothing more will run. */
async function completeOneShotCampaigns(db: Kysely<Database>, now: Date): Promise<void> {
  await sql`
    update campaigns c set status = 'completed', updated_at = ${now}
      from campaign_versions v
     where v.campaign_id = c.id and v.version = c.approved_version and c.status = 'running' and c.owned_by is null
       and v.body -> 'schedule' ->> 'kind' in ('now', 'at')
       and exists (select 1 from campaign_runs r where r.campaign_id = c.id)
       and not exists (select 1 from campaign_runs r
                        where r.campaign_id = c.id and r.status in ('preparing', 'sending', 'paused'))`.execute(
    db,
  );
}

/**
 * Runs batches until `stop` aborts; sleeps `idleMs` when nothing is due. Sends in flight are cut only when `cut`
 * aborts (a graceful stop lets the batch finish first); a cut send is returned to the queue under its key.
 */
export async function runDeliveryWorker(
  deps: WorkerDeps,
  stop: AbortSignal,
  idleMs = 250,
  cut: AbortSignal = stop,
): Promise<void> {
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => (clearTimeout(timer), resolve());
      const timer = setTimeout(() => (stop.removeEventListener('abort', wake), resolve()), ms);
      stop.addEventListener('abort', wake, { once: true });
    });
  while (!stop.aborted) {
    try {
      const report = await deliverBatch(deps, cut);
      if (report.claimed > 0) {
        deps.logger?.debug({ worker: deps.workerId, ...report }, 'delivery batch');
        continue;
      }
      const completed = await completeFinishedRuns(deps.db, deps.clock.now());
      if (completed.length) deps.logger?.info({ runs: completed }, 'campaign runs completed');
    } catch (error) {
      if (stop.aborted) break;
      // A lost connection or a failing store: the batch's claims come back when their lease ends; try again soon.
      deps.logger?.error({ err: error, worker: deps.workerId }, 'delivery batch failed');
      await pause(Math.max(idleMs, 1000));
      continue;
    }
    await pause(idleMs);
  }
}
