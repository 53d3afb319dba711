-- Label portraits and customer groups: tag definitions (versioned), tag values as roaring bitmaps per business day,
-- manual tag values, saved segments (versioned) with daily snapshots, uploaded customer lists.
-- Bitmaps are stored in roaring's portable serialization over customer ordinals (customers.id).

create table tag_definitions (
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  version integer not null check (version > 0),
  name_en text not null,
  name_zh text not null,
  description text,
  category text not null check (category in ('demographics', 'value', 'behaviour', 'product', 'loyalty', 'cash_flow', 'reachability', 'lifecycle', 'custom')),
  kind text not null check (kind in ('attribute', 'bucket', 'tier', 'rfm', 'event', 'lifecycle', 'sql', 'manual')),
  spec jsonb not null,
  status text not null default 'active' check (status in ('active', 'retired')),
  builtin boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (key, version)
);

-- One row per (day, tag, value): the customers holding that value on that day.
create table tag_snapshots (
  as_of date not null,
  tag_key text not null,
  value text not null,
  definition_version integer not null,
  members integer not null check (members >= 0),
  bitmap bytea not null,
  computed_at timestamptz not null default now(),
  primary key (as_of, tag_key, value)
);
create index tag_snapshots_tag on tag_snapshots (tag_key, as_of);

-- Each computation of the catalogue (scheduled or on demand), with its per-tag outcome.
create table tag_runs (
  id bigserial primary key,
  as_of date not null,
  trigger text not null check (trigger in ('schedule', 'manual', 'start')),
  status text not null check (status in ('running', 'done', 'failed')),
  started_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  results jsonb not null default '[]'::jsonb
);
create index tag_runs_as_of on tag_runs (as_of);

-- Values of manual / imported tags, keyed by customer so they can be distributed by it.
create table manual_tag_values (
  tag_key text not null,
  customer_id integer not null references customers (id),
  value text not null,
  updated_at timestamptz not null default now(),
  primary key (tag_key, customer_id)
);

-- Monthly tier state, so tier hysteresis (upgrade next month, downgrade after N months below) survives restarts.
create table customer_tier_months (
  month date not null check (extract(day from month) = 1),
  customer_id integer not null,
  avg_daily_aum numeric(18, 2) not null,
  qualified_tier text not null check (qualified_tier in ('mass', 'gold', 'platinum', 'diamond', 'private')),
  effective_tier text not null check (effective_tier in ('mass', 'gold', 'platinum', 'diamond', 'private')),
  months_below integer not null default 0,
  primary key (month, customer_id)
);

create table segments (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text not null,
  description text,
  rule jsonb not null,
  version integer not null default 1,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_by text not null,
  updated_at timestamptz not null default now()
);

create table segment_versions (
  segment_id text not null references segments (id),
  version integer not null,
  rule jsonb not null,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  primary key (segment_id, version)
);

create table segment_snapshots (
  segment_id text not null references segments (id),
  as_of date not null,
  segment_version integer not null,
  members integer not null check (members >= 0),
  aum numeric(20, 2) not null default 0,
  bitmap bytea not null,
  computed_at timestamptz not null default now(),
  primary key (segment_id, as_of)
);

create table customer_lists (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text not null,
  members integer not null check (members >= 0),
  unknown_customer_nos integer not null default 0,
  bitmap bytea not null,
  created_by text not null,
  created_at timestamptz not null default now()
);
