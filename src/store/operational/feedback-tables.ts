import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the feedback loop's tables (migration 0010_feedback.sql), merged into the operational store's
// `Database`. Owned by src/campaigns/feedback.

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** What a provider (or a tracked link) reported about a delivery. */
export type ResponseStatus = 'delivered' | 'failed' | 'opened' | 'clicked' | 'replied';

export interface DeliveryResponseTable {
  idempotency_key: string;
  status: ResponseStatus;
  at: Timestamp;
  detail: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  received_at: Timestamp;
}

/** The feedback tables, merged into the operational store's `Database`. */
export interface FeedbackTables {
  delivery_responses: DeliveryResponseTable;
}
