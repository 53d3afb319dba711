-- Journeys (issue #14): operations that follow each customer through a graph of waits, branches, splits and sends.
-- A journey's versions are immutable bodies (src/journeys/model.ts); a customer's pass through one is a membership,
-- unique per (journey, customer, entry number), whose timer (due_at) the workers claim with FOR UPDATE SKIP LOCKED.
-- A send node's messages are deliveries of a campaign the journey owns, so consent, caps, quiet hours, the holdout and
-- exactly-once delivery apply unchanged.

create table journeys (
  id serial primary key,
  name text not null,
  status text not null default 'draft' check (status in ('draft', 'live', 'paused', 'stopped')),
  -- The version new customers enter; null until the first version is published.
  current_version integer,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table journey_versions (
  id serial primary key,
  journey_id integer not null references journeys (id),
  version integer not null check (version > 0),
  -- The graph as published: entry, nodes, edges, re-entry, control group, goal. Never updated.
  body jsonb not null,
  author text not null,
  created_at timestamptz not null,
  published_at timestamptz,
  unique (journey_id, version)
);
alter table journeys add foreign key (current_version) references journey_versions (id);

-- The campaign each send node of a version sends through (one per node: its content, purpose and channels).
create table journey_sends (
  version_id integer not null references journey_versions (id),
  node_id text not null,
  campaign_id integer not null unique references campaigns (id),
  primary key (version_id, node_id)
);

create table journey_memberships (
  id bigserial primary key,
  journey_id integer not null references journeys (id),
  version_id integer not null references journey_versions (id),
  customer_id integer not null references customers (id),
  -- 1 for the first entry; re-entry rules decide whether a next one may start (src/journeys/enter.ts).
  entry_no integer not null check (entry_no > 0),
  current_node text,
  -- active: due for its next step now; waiting: on a wait until due_at; exited / converted: done.
  state text not null check (state in ('active', 'waiting', 'exited', 'converted')),
  due_at timestamptz,
  -- What woke a wait_for_event before its timeout ('event'); null otherwise.
  signal text,
  -- The arm of the last split passed, or 'control' for the journey's control group (who never enter the graph).
  arm text,
  steps integer not null default 0,
  entered_at timestamptz not null,
  exited_at timestamptz,
  exit_reason text,
  -- When the journey's goal event was seen for this entry (members and the control group alike).
  converted_at timestamptz,
  unique (journey_id, customer_id, entry_no),
  check ((state in ('active', 'waiting')) = (due_at is not null))
);
-- Timers: the workers read due rows in due order.
create index journey_memberships_due on journey_memberships (due_at) where state in ('active', 'waiting');
-- At most one live entry per customer and journey, whatever the re-entry rule.
create unique index journey_memberships_live on journey_memberships (journey_id, customer_id)
  where state in ('active', 'waiting');
create index journey_memberships_customer on journey_memberships (customer_id);
create index journey_memberships_version on journey_memberships (version_id, current_node);

-- What each step did: one row per node a membership passed (counts per node, exits taken, outcomes).
create table journey_steps (
  membership_id bigint not null references journey_memberships (id),
  step_no integer not null,
  node_id text not null,
  -- The exit taken ('next', a branch or split arm, 'event' / 'timeout'), null for an exit node or a wait started.
  exit text,
  -- What the node did: 'queued' / a suppression for a send, 'waiting', 'task', 'no_owner', 'tagged', 'exited'.
  outcome text not null,
  at timestamptz not null,
  primary key (membership_id, step_no)
);
create index journey_steps_node on journey_steps (node_id, membership_id);

-- Campaigns a journey owns are never scheduled: their runs (one per send node and business day) are created by the
-- journey engine, and stay open for more deliveries until open_until.
alter table campaigns add column owned_by text check (owned_by in ('journey'));
alter table campaign_runs add column open_until timestamptz;

alter table tasks drop constraint tasks_source_check;
alter table tasks add constraint tasks_source_check
  check (source in ('manual', 'interaction', 'reminder', 'campaign', 'journey'));
