/** The mapping of an NDJSON or CSV event file whose fields already carry the event columns' names. */
export const IDENTITY_EVENT_MAPPING = {
  columns: {
    event_id: 'event_id',
    distinct_id: 'distinct_id',
    event: 'event',
    time: 'time',
    properties: 'properties',
  },
} as const;
