import type { EventStore } from '../../store/events/store.ts';
import type { OutgoingMessage } from '../channels/channel.ts';

// The first half of the feedback loop: every message sent becomes a behaviour event of its customer in the event
// store, so the 360 timeline shows it and segment rules can say "received campaign X" (event `message_sent` where
// campaign_id = X). The event id is derived from the delivery's idempotency key, so a message recorded twice (a
// retry after a crash) is one event: the events table deduplicates by id.

/** The event name of a sent message. */
export const MESSAGE_SENT = 'message_sent';

/** The behaviour event of one sent message. */
export function sentEvent(message: OutgoingMessage, at: Date) {
  return {
    event_id: `msg:${message.idempotencyKey}:sent`,
    customer_id: message.customerId,
    distinct_id: message.customerNo,
    event: MESSAGE_SENT,
    time: at.getTime(),
    properties: {
      campaign_id: message.campaignId,
      run_id: message.runId,
      content_id: message.contentId,
      content_version: message.contentVersion,
      content_type: message.contentType,
      ...(message.productCategory ? { product_category: message.productCategory } : {}),
      channel: message.reaches,
      variant: message.variant,
      purpose: message.purpose,
    },
  };
}

/** A worker's `onSent` that records sent messages in the event store. */
export function recordSentMessages(events: EventStore) {
  return async (sent: readonly OutgoingMessage[], at: Date): Promise<void> => {
    await events.insert(
      'events',
      sent.map((m) => sentEvent(m, at)),
    );
  };
}
