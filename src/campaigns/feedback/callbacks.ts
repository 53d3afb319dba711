import { timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import { err, ok, schemaIssues, validationFailed, type Failure, type Result } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { signBody } from '../channels/http-provider.ts';
import { findDeliveries, responseEvent, type AnsweredDelivery } from './deliveries.ts';
import { isUnsubscribe, revokeMarketingConsent } from './opt-out.ts';

// Provider callbacks: the SMS gateway, push service or webhook partner reports what became of a message (delivered,
// failed, opened, clicked, replied). A callback is signed like our outgoing requests (HMAC-SHA256 of
// `<unix seconds>.<raw body>` with the channel's secret, `X-Flywheel-Signature: t=…,v1=…`), names the delivery by our
// idempotency key or the provider's id, and is idempotent: each (delivery, status) is recorded once
// (delivery_responses), a repeat is answered `duplicate` and changes nothing. Delivered and failed move the delivery
// forward from sent; every response is a lifecycle event; an SMS unsubscribe reply revokes marketing consent.

/** How far a callback's timestamp may be from our clock before it is refused as stale (a replay). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const RESPONSE_STATUSES = ['delivered', 'failed', 'opened', 'clicked', 'replied'] as const;

export const callbackItemSchema = z
  .strictObject({
    idempotencyKey: text()
      .min(1)
      .max(200)
      .optional()
      .describe('the Idempotency-Key the message was sent with'),
    providerId: text().min(1).max(200).optional().describe("the provider's own id of the message"),
    status: z.enum(RESPONSE_STATUSES),
    at: z.iso.datetime({ offset: true }).describe('when it happened (ISO 8601)'),
    reply: text().max(2000).optional().describe("the customer's reply (status replied)"),
    error: text().max(500).optional().describe("the provider's reason (status failed)"),
  })
  .refine((i) => (i.idempotencyKey === undefined) !== (i.providerId === undefined), {
    message: 'name the message by idempotencyKey or by providerId (one of them)',
    path: ['idempotencyKey'],
  });
/** One response reported by a provider. */
export type CallbackItem = z.infer<typeof callbackItemSchema>;

const callbackBatchSchema = z.array(callbackItemSchema).min(1).max(1000);
/** A callback body: one response or a batch of up to 1,000. */
export const callbackBodySchema = z.union([callbackItemSchema, callbackBatchSchema]);

/** The responses of a callback body, or each problem located (`/2/status`): one item or a batch. */
export function parseCallbackBody(body: unknown): Result<CallbackItem[]> {
  const parsed = Array.isArray(body)
    ? callbackBatchSchema.safeParse(body)
    : callbackItemSchema.transform((i) => [i]).safeParse(body);
  if (parsed.success) return ok(parsed.data);
  const failure = validationFailed('invalid body', schemaIssues(parsed.error.issues));
  return err({
    ...failure,
    message: `invalid body: ${failure.details.map((i) => `${i.path} ${i.message}`).join('; ')}`,
  });
}

/** What became of one reported response. */
export interface CallbackResult {
  readonly index: number;
  readonly outcome: 'recorded' | 'duplicate' | 'unknown_delivery';
  readonly idempotencyKey: string | null;
  /** A reply that revoked the customer's marketing consent on the touchpoint. */
  readonly consentRevoked?: true;
}

/** Why a callback's signature is refused; undefined when it holds. */
export function signatureProblem(
  secret: string,
  header: string | undefined,
  rawBody: string,
  now: Date,
): string | undefined {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header?.trim() ?? '');
  if (!match) return 'missing or malformed X-Flywheel-Signature (t=<unix seconds>,v1=<hex HMAC-SHA256>)';
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS)
    return `stale signature: its timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now`;
  const expected = Buffer.from(signBody(secret, t, rawBody).slice(`t=${t},v1=`.length), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')) ? undefined : 'bad signature';
}

/** The signing secret of an enabled channel, or why there is none (unknown channel: not_found). */
export async function channelSecret(
  db: Kysely<Database>,
  secrets: Readonly<Record<string, string>>,
  channelKey: string,
): Promise<Result<string>> {
  const row = await db
    .selectFrom('channels')
    .select(['config'])
    .where('key', '=', channelKey)
    .where('enabled', '=', true)
    .executeTakeFirst();
  if (!row) return err({ code: 'not_found', message: `no enabled channel ${channelKey}` });
  const name = row.config['secret'];
  const secret = typeof name === 'string' ? secrets[name] : undefined;
  // Without a configured secret nothing can be verified, so nothing is accepted.
  if (secret === undefined)
    return err({
      code: 'unauthenticated',
      message: `channel ${channelKey} has no signing secret configured`,
    });
  return ok(secret);
}

/** What recording callbacks needs. */
export interface CallbackDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
}

const FORWARD: Partial<Record<CallbackItem['status'], 'delivered' | 'failed'>> = {
  delivered: 'delivered',
  failed: 'failed',
};

/**
 * Records verified callbacks of `channelKey`: each response once, in one transaction with its events (written before
 * the commit: when the event store refuses them nothing is recorded and the provider's retry records them).
 */
export async function recordCallbacks(
  deps: CallbackDeps,
  channelKey: string,
  items: readonly CallbackItem[],
): Promise<Result<CallbackResult[], Failure>> {
  const found = await findDeliveries(deps.db, channelKey, {
    keys: items.flatMap((i) => (i.idempotencyKey ? [i.idempotencyKey] : [])),
    providerIds: items.flatMap((i) => (i.providerId ? [i.providerId] : [])),
  });
  const now = deps.clock.now();
  const named = items.map((item) =>
    item.idempotencyKey !== undefined
      ? found.byKey.get(item.idempotencyKey)
      : found.byProviderId.get(item.providerId!),
  );
  return deps.db.transaction().execute(async (tx) => {
    const results: CallbackResult[] = [];
    const events = [];
    const seen = new Set<string>();
    for (const [index, item] of items.entries()) {
      const delivery = named[index];
      if (!delivery) {
        results.push({ index, outcome: 'unknown_delivery', idempotencyKey: item.idempotencyKey ?? null });
        continue;
      }
      const at = new Date(item.at);
      const once = `${delivery.key}\u0001${item.status}`;
      const inserted = seen.has(once)
        ? []
        : (
            await sql<{ k: string }>`
              insert into delivery_responses (idempotency_key, status, at, detail, received_at)
              values (${delivery.key}, ${item.status}, ${at}, ${JSON.stringify(detailOf(item))}::jsonb, ${now})
              on conflict do nothing returning idempotency_key as k`.execute(tx)
          ).rows;
      seen.add(once);
      if (inserted.length === 0) {
        results.push({ index, outcome: 'duplicate', idempotencyKey: delivery.key });
        continue;
      }
      await moveForward(tx, delivery, item, now);
      const revoked =
        item.status === 'replied' &&
        delivery.reaches === 'sms' &&
        item.reply !== undefined &&
        isUnsubscribe(item.reply) &&
        (await revokeMarketingConsent(tx, delivery.customerId, delivery.reaches, at, delivery.key));
      events.push(responseEvent(delivery, item.status, at, eventExtra(item, revoked)));
      results.push({
        index,
        outcome: 'recorded',
        idempotencyKey: delivery.key,
        ...(revoked ? { consentRevoked: true as const } : {}),
      });
    }
    if (events.length) await deps.events.insert('events', events);
    return ok(results);
  });
}

function detailOf(item: CallbackItem): Record<string, unknown> {
  return {
    ...(item.providerId ? { providerId: item.providerId } : {}),
    ...(item.reply !== undefined ? { reply: item.reply } : {}),
    ...(item.error !== undefined ? { error: item.error } : {}),
  };
}

function eventExtra(item: CallbackItem, revoked: boolean): Record<string, unknown> {
  return {
    ...(item.reply !== undefined ? { reply: item.reply.slice(0, 500) } : {}),
    ...(item.error !== undefined ? { error: item.error } : {}),
    ...(revoked ? { unsubscribed: true } : {}),
  };
}

/** Delivered and failed move a sent delivery forward; nothing moves a delivery back. */
async function moveForward(
  tx: Transaction<Database>,
  delivery: AnsweredDelivery,
  item: CallbackItem,
  now: Date,
): Promise<void> {
  const to = FORWARD[item.status];
  if (!to) return;
  await tx
    .updateTable('deliveries')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'failed'
        ? { last_error: (item.error ?? 'the provider reported a failure').slice(0, 500) }
        : {}),
    })
    .where('idempotency_key', '=', delivery.key)
    .where('status', '=', 'sent')
    .execute();
}
