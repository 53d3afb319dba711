-- Journeys react at runtime (issue #14): the event feed that carries ingested events to journeys exactly once, and
-- the claims that make the daily triggers (segment enter/leave, lifecycle-stage change) and schedule slots enter a
-- journey's customers once.

-- One row per event id the feed has applied, written in the transaction that applies it (entries, conversions,
-- wakes): `on conflict do nothing returning` tells the fresh ids from those a re-read (the feed's overlap, a re-sent
-- id stored twice in the event store, a second worker) already applied. Pruned once older than the overlap needs.
create table journey_event_receipts (
  event_id text primary key,
  -- The event store's received_at of the event: the feed's clock, not the bank's.
  received_at timestamptz not null
);
create index journey_event_receipts_received on journey_event_receipts (received_at);

-- The feed's cursor: the latest received_at applied. The next pass reads from a few seconds before it (an insert
-- that started earlier may become visible later); the row is locked by the pass that applies a page, so two workers
-- never apply pages at once.
create table journey_event_cursor (
  feed text primary key,
  received_at timestamptz not null,
  updated_at timestamptz not null
);

-- An entry run of a journey that must happen once: a schedule slot ('slot:<ISO instant>') or a daily trigger of a
-- business day ('day:<YYYY-MM-DD>'), claimed in the transaction that writes its entries, so a crash or two workers
-- never enter one slot or one day twice.
create table journey_entry_runs (
  journey_id integer not null references journeys (id),
  run_key text not null,
  version_id integer not null references journey_versions (id),
  entered integer not null,
  control integer not null,
  skipped integer not null,
  at timestamptz not null,
  primary key (journey_id, run_key)
);
