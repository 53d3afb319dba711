import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/operational/database.ts';
import { ENDED_COLUMNS, releaseCaps } from '../policy/ledger.ts';

// The delivery queue is the deliveries table. Workers claim due rows with row locks that skip rows another worker
// holds (FOR UPDATE SKIP LOCKED: several workers on PostgreSQL share the queue), lease them for a while, send, and
// settle them. A worker that dies leaves its rows 'sending' with a lease that expires; the next claim takes them
// again and sends them with the same idempotency key, which the provider deduplicates on.

/** One claimed delivery. */
export interface ClaimedDelivery {
  readonly runId: number;
  readonly customerId: number;
  readonly channel: string;
  readonly idempotencyKey: string;
  /** Attempts including this one. */
  readonly attempts: number;
  /** The day the holding a journey's service notice is about falls due; null for other messages. */
  readonly dueOn: string | null;
}

/** How to claim: who, when, how many, for how long. */
export interface ClaimRequest {
  readonly workerId: string;
  readonly now: Date;
  readonly limit: number;
  readonly leaseMs: number;
  /** Only deliveries on these channels (the ones this worker can send on); all when undefined. */
  readonly channels?: readonly string[];
}

type Row = {
  run_id: string;
  customer_id: number;
  channel: string;
  idempotency_key: string;
  attempts: number;
  due_on: string | null;
};
const claimed = (r: Row): ClaimedDelivery => ({
  runId: Number(r.run_id),
  customerId: r.customer_id,
  channel: r.channel,
  idempotencyKey: r.idempotency_key,
  attempts: r.attempts,
  dueOn: r.due_on,
});

/**
 * Claims up to `limit` due deliveries of sending runs: expired leases first, then queued rows by due time. The
 * sending runs are read first (a handful of ids) so that the queued rows are read in due order through the partial
 * index of queued rows, never by scanning a run's remaining rows: the cost of a claim does not grow with the run.
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  request: ClaimRequest,
): Promise<ClaimedDelivery[]> {
  const until = new Date(request.now.getTime() + request.leaseMs);
  const onChannels = request.channels ? sql`and d.channel = any(${[...request.channels]}::text[])` : sql``;
  return db.transaction().execute(async (tx) => {
    const runs = (
      await tx.selectFrom('campaign_runs').select('id').where('status', '=', 'sending').execute()
    ).map((r) => r.id);
    if (runs.length === 0) return [];
    // The rows are locked by the inner select, so their ctid (a direct heap address) cannot move under the update.
    const claim = async (due: ReturnType<typeof sql>, order: ReturnType<typeof sql>, limit: number) =>
      (
        await sql<Row>`
          update deliveries d
             set status = 'sending', claimed_by = ${request.workerId}, claimed_until = ${until},
                 attempts = d.attempts + 1, updated_at = ${request.now}
           where d.ctid = any(array(
                   select d.ctid from deliveries d
                    where ${due} ${onChannels} and d.run_id = any(${runs}::bigint[])
                    order by ${order}
                    limit ${limit}
                    for update of d skip locked))
          returning d.run_id, d.customer_id, d.channel, d.idempotency_key, d.attempts,
                    d.holding_due_on::text as due_on`.execute(tx)
      ).rows.map(claimed);
    const expired = await claim(
      sql`d.status = 'sending' and d.claimed_until < ${request.now}`,
      sql`d.claimed_until`,
      request.limit,
    );
    if (expired.length >= request.limit) return expired;
    const queued = await claim(
      sql`d.status = 'queued' and d.not_before <= ${request.now}`,
      sql`d.not_before`,
      request.limit - expired.length,
    );
    return [...expired, ...queued];
  });
}

/**
 * Returns every claimed delivery to the queue at once. Only for the embedded store at start: one process holds it, so
 * any claim left is a dead process's, and its rows need not wait for their lease (they go out under the same keys).
 */
export async function releaseAllClaims(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'queued', claimed_by: null, claimed_until: null, updated_at: now })
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The end of one attempt. */
export type Settlement =
  | { readonly key: string; readonly status: 'sent'; readonly providerId: string | null }
  | { readonly key: string; readonly status: 'queued'; readonly retryAt: Date; readonly error: string }
  | {
      readonly key: string;
      readonly status: 'failed' | 'dead' | 'suppressed' | 'cancelled';
      readonly error: string;
    };

/**
 * Settles claimed deliveries in one statement. Only rows this worker still holds change: when its lease ran out and
 * another worker took a row, that worker settles it.
 */
export async function settleDeliveries(
  db: Kysely<Database>,
  workerId: string,
  now: Date,
  settlements: readonly Settlement[],
): Promise<number> {
  if (settlements.length === 0) return 0;
  // Parallel arrays through unnest: one statement whose plan is a hash join over the batch, whatever its size.
  const keys: string[] = [];
  const statuses: string[] = [];
  const providerIds: (string | null)[] = [];
  const errors: (string | null)[] = [];
  const retryAts: (string | null)[] = [];
  for (const s of settlements) {
    keys.push(s.key);
    statuses.push(s.status);
    providerIds.push(s.status === 'sent' ? s.providerId : null);
    errors.push('error' in s ? s.error.slice(0, 500) : null);
    retryAts.push(s.status === 'queued' ? s.retryAt.toISOString() : null);
  }
  // The statement also gives back the cap reservations of the messages that ended unsent.
  const result = await sql<{ n: number }>`
    with settled as (
      update deliveries d
         set status = v.status, provider_id = coalesce(v.provider_id, d.provider_id), last_error = v.error,
             not_before = coalesce(v.retry_at, d.not_before),
             sent_at = case when v.status = 'sent' then ${now}::timestamptz else d.sent_at end,
             claimed_by = null, claimed_until = null, updated_at = ${now}
        from unnest(${keys}::text[], ${statuses}::text[], ${providerIds}::text[], ${errors}::text[],
                    ${retryAts}::timestamptz[]) as v(key, status, provider_id, error, retry_at)
       where d.idempotency_key = v.key and d.claimed_by = ${workerId} and d.status = 'sending'
      returning ${ENDED_COLUMNS}),
    released as (${releaseCaps('settled')})
    select count(*)::int as n from settled`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/** The back-off before attempt `attempts + 1`: 5 s doubling to at most 30 minutes, or what the provider asked. */
export function retryDelayMs(attempts: number, providerAsked?: number): number {
  const backoff = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
  return Math.max(backoff, providerAsked ?? 0);
}

/** How a delivery waiting on its provider (a manager's confirmation) ended. */
export interface WaitEnding {
  readonly key: string;
  readonly status: 'sent' | 'failed';
  readonly at: Date;
  readonly providerId: string | null;
  readonly error: string | null;
}

/**
 * Ends queued deliveries that were waiting on their provider, in one statement, giving back the cap reservations of
 * the failed ones; returns the keys it ended. A delivery a worker holds right now is left to that worker.
 */
export async function endWaitingDeliveries(
  db: Kysely<Database>,
  now: Date,
  endings: readonly WaitEnding[],
): Promise<string[]> {
  if (endings.length === 0) return [];
  const result = await sql<{ key: string }>`
    with settled as (
      update deliveries d
         set status = v.status, provider_id = coalesce(v.provider_id, d.provider_id), last_error = v.error,
             sent_at = case when v.status = 'sent' then v.at else d.sent_at end, updated_at = ${now}
        from unnest(${endings.map((e) => e.key)}::text[], ${endings.map((e) => e.status)}::text[],
                    ${endings.map((e) => e.providerId)}::text[], ${endings.map((e) => e.error?.slice(0, 500) ?? null)}::text[],
                    ${endings.map((e) => e.at.toISOString())}::timestamptz[]) as v(key, status, provider_id, error, at)
       where d.idempotency_key = v.key and d.status = 'queued'
      returning ${ENDED_COLUMNS}, d.idempotency_key as key),
    released as (${releaseCaps('settled')})
    select key from settled`.execute(db);
  return result.rows.map((r) => r.key);
}
