-- Campaigns and exactly-once delivery (issue #11). A campaign is versioned like content; each run keeps the version
-- it started with, its audience and control group as bitmaps, and the preview waterfall it computed. Deliveries are
-- unique per (run, customer, channel): a worker claims them with row locks (FOR UPDATE SKIP LOCKED), the idempotency
-- key goes to the provider, and a crashed worker's claims expire and are taken again.

-- The bank's configured channels: how a message travels (kind), which customer touchpoint it reaches (consent and
-- caps are kept per touchpoint) and which content variant it carries.
create table channels (
  key text primary key check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  kind text not null check (kind in ('webhook', 'email', 'sms', 'push', 'manager_task', 'outbox')),
  reaches text not null check (reaches in ('sms', 'email', 'phone', 'wecom', 'app_push')),
  variant text not null check (variant in ('sms', 'email', 'app_push', 'wecom', 'manager_script')),
  -- Endpoint, signing secret name, timeouts, retry policy (src/campaigns/channels).
  config jsonb not null default '{}'::jsonb,
  enabled boolean not null default true,
  updated_by text not null,
  updated_at timestamptz not null
);

create table campaigns (
  id serial primary key,
  name text not null,
  purpose text not null check (purpose in ('marketing', 'service')),
  status text not null default 'draft'
    check (status in ('draft', 'pending', 'approved', 'running', 'paused', 'cancelled', 'completed')),
  latest_version integer not null default 1,
  approved_version integer,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table campaign_versions (
  campaign_id integer not null references campaigns (id),
  version integer not null check (version > 0),
  -- The campaign as saved: population, content, channels, schedule, control group, conversion (src/campaigns/model.ts).
  body jsonb not null,
  status text not null default 'draft' check (status in ('draft', 'pending', 'approved', 'rejected')),
  author text not null,
  created_at timestamptz not null,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  primary key (campaign_id, version),
  check (decided_by is null or status <> 'approved' or decided_by <> author)
);

create table campaign_runs (
  id bigserial primary key,
  campaign_id integer not null references campaigns (id),
  version integer not null,
  -- The schedule slot this run is for: at most one run per slot, whoever starts it.
  slot timestamptz not null,
  status text not null default 'preparing'
    check (status in ('preparing', 'sending', 'paused', 'cancelled', 'completed', 'failed')),
  as_of date,
  audience bytea,
  control bytea,
  -- The preview waterfall as this run computed it: audience → consent → do-not-contact → caps → control/holdout → to send.
  waterfall jsonb,
  error text,
  created_at timestamptz not null,
  prepared_at timestamptz,
  finished_at timestamptz,
  unique (campaign_id, slot)
);

create table deliveries (
  run_id bigint not null references campaign_runs (id),
  customer_id integer not null references customers (id),
  channel text not null references channels (key),
  idempotency_key text not null unique,
  status text not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'suppressed', 'cancelled')),
  -- Quiet hours defer a message to this instant; retries back off to it.
  not_before timestamptz not null,
  attempts integer not null default 0,
  claimed_by text,
  claimed_until timestamptz,
  -- The consent record the decision used (channel, purpose, status, when it was recorded).
  consent jsonb not null,
  provider_id text,
  last_error text,
  sent_at timestamptz,
  updated_at timestamptz not null,
  primary key (run_id, customer_id, channel)
);
create index deliveries_due on deliveries (not_before) where status = 'queued';
create index deliveries_claimed on deliveries (claimed_until) where status = 'sending';
create index deliveries_customer on deliveries (customer_id);
create index deliveries_open on deliveries (run_id) where status in ('queued', 'sending');

-- Messages counted against caps, per customer, touchpoint and business day (reserved when a run is prepared).
create table contact_ledger (
  customer_id integer not null references customers (id),
  reaches text not null,
  day date not null,
  messages integer not null check (messages >= 0),
  primary key (customer_id, reaches, day)
);

-- The demo's built-in channel: messages the dashboard shows instead of sending them anywhere.
create table outbox_messages (
  idempotency_key text primary key,
  run_id bigint not null,
  customer_id integer not null,
  channel text not null,
  body jsonb not null,
  created_at timestamptz not null
);
