import type { ColumnType } from 'kysely';

// Row shapes of the journey trigger tables (migration 0021_journey_triggers.sql), merged into the operational store's
// `Database`. Owned by src/journeys (event-feed.ts, triggers.ts).

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface JourneyEventReceiptTable {
  event_id: string;
  received_at: Timestamp;
}

export interface JourneyEventCursorTable {
  feed: string;
  received_at: Timestamp;
  updated_at: Timestamp;
}

export interface JourneyEntryRunTable {
  journey_id: number;
  run_key: string;
  version_id: number;
  entered: number;
  control: number;
  skipped: number;
  at: Timestamp;
}

/** The journey trigger tables. */
export interface JourneyTriggerTables {
  journey_event_receipts: JourneyEventReceiptTable;
  journey_event_cursor: JourneyEventCursorTable;
  journey_entry_runs: JourneyEntryRunTable;
}
