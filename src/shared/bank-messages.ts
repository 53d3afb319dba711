// Events the bank does to a customer rather than the customer does: a message sent, delivered or failed (recorded by
// src/campaigns for the feedback loop). "Any event" — activity, dormancy, the channel a customer uses — leaves them
// out; a customer's answers (opened, clicked, replied) are their activity and count.

/** The names of bank-initiated message events. */
export const BANK_MESSAGE_EVENTS = ['message_sent', 'message_delivered', 'message_failed'] as const;

/** ClickHouse SQL: `event` is not a bank-initiated message (for "any event" filters). */
export const NOT_BANK_MESSAGE_SQL = `event NOT IN (${BANK_MESSAGE_EVENTS.map((e) => `'${e}'`).join(', ')})`;
