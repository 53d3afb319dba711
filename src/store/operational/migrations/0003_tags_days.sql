-- One row per business day that has a tag snapshot: how many customers the snapshot covers (its universe), so
-- shares and coverage are relative to the customers that existed when the tags were computed.
create table tag_snapshot_days (
  as_of date primary key,
  customers integer not null check (customers >= 0),
  -- roaring portable serialization of every customer ordinal of the snapshot
  universe bytea not null,
  run_id bigint,
  computed_at timestamptz not null default now()
);
