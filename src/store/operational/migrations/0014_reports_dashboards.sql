-- Issue #12: saved reports (an analysis's definition, never its result) and dashboards (看板) composed of them.
-- Both belong to the actor who created them and are shared by role; the cards of a dashboard go with it.

create table reports (
  id serial primary key,
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('funnel', 'retention', 'churn', 'lifecycle', 'drivers', 'group', 'concentration')),
  definition jsonb not null,
  owner text not null,
  shared_roles jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index reports_owner on reports (owner);

create table dashboards (
  id serial primary key,
  name text not null check (length(name) between 1 and 200),
  owner text not null,
  shared_roles jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index dashboards_owner on dashboards (owner);

-- A card shows one report; deleting the report takes its cards off every dashboard.
create table dashboard_cards (
  dashboard_id integer not null references dashboards (id) on delete cascade,
  position integer not null check (position >= 0),
  report_id integer not null references reports (id) on delete cascade,
  size text not null check (size in ('half', 'full')),
  primary key (dashboard_id, position)
);
create index dashboard_cards_report on dashboard_cards (report_id);
