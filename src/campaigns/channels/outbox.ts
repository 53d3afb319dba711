import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ChannelSender } from './channel.ts';

// The demo's built-in channel: a message becomes a row the dashboard lists. The idempotency key is the row's primary
// key, so a message sent again after a crash is the same row, not a second one.

/** The outbox channel over the operational store. */
export function outboxChannel(db: Kysely<Database>, clock: Clock, channelKey: string): ChannelSender {
  return {
    kind: 'outbox',
    async send(message) {
      await db
        .insertInto('outbox_messages')
        .values({
          idempotency_key: message.idempotencyKey,
          run_id: String(message.runId),
          customer_id: message.customerId,
          channel: channelKey,
          body: JSON.stringify({ variant: message.variant, to: message.to, fields: message.fields }),
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
      return { status: 'sent', providerId: message.idempotencyKey };
    },
  };
}
