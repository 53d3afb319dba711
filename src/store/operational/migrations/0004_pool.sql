-- Customer pool: who owns each customer (at most one account manager: the primary key), assistants, the ownership
-- history, assignment rules, one-click handover jobs (a plan row per customer, executed in resumable chunks),
-- interactions, follow-up tasks and service reminders. Customer-keyed tables carry customer_id in their keys so they
-- stay distributable by it.

create table customer_owners (
  customer_id integer primary key references customers (id),
  manager_id text not null references staff (id),
  since timestamptz not null default now(),
  source text not null check (source in ('backfill', 'assign', 'rule', 'handover', 'in_service_transfer')),
  -- Where the customer's last handover stands; the WeCom integration drives waiting → done / refused / taker_at_limit.
  handover_status text check (handover_status in ('waiting', 'done', 'refused', 'taker_at_limit')),
  handover_job_id bigint,
  updated_at timestamptz not null default now()
);
create index customer_owners_manager on customer_owners (manager_id);

-- Staff who help the owner serve a customer (协办); they see the customer but do not own it.
create table customer_assistants (
  customer_id integer not null references customers (id),
  staff_id text not null references staff (id),
  since timestamptz not null default now(),
  primary key (customer_id, staff_id)
);
create index customer_assistants_staff on customer_assistants (staff_id);

create table ownership_history (
  id bigserial,
  customer_id integer not null references customers (id),
  from_manager text,
  to_manager text,
  reason text,
  kind text not null check (kind in ('assign', 'handover', 'in_service_transfer', 'unassign')),
  job_id bigint,
  at timestamptz not null default now(),
  actor text not null,
  primary key (customer_id, id)
);
create index ownership_history_job on ownership_history (job_id) where job_id is not null;
-- WeCom's rule (at most two in-service transfers per customer in 90 days) reads a customer's recent transfers.
create index ownership_history_transfers on ownership_history (customer_id, at) where kind = 'in_service_transfer';

-- Round-robin assignment of unassigned customers: the most specific rule (deepest org unit, then tier) wins.
create table pool_assignment_rules (
  id serial primary key,
  org_unit_id text not null references org_units (id),
  tier text check (tier in ('mass', 'gold', 'platinum', 'diamond', 'private')),
  manager_ids jsonb not null check (jsonb_typeof(manager_ids) = 'array'),
  next_index integer not null default 0 check (next_index >= 0),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index pool_assignment_rules_key on pool_assignment_rules (org_unit_id, coalesce(tier, ''));

create table handover_jobs (
  id bigserial primary key,
  -- departed: the manager has left (WeCom resigned transfer); in_service: still employed, needs a reason and is
  -- subject to the 90-day rule.
  kind text not null check (kind in ('departed', 'in_service')),
  from_manager text not null references staff (id),
  takers jsonb not null,
  split text not null check (split in ('even', 'aum', 'mapping')),
  reason text,
  status text not null check (status in ('running', 'done', 'cancelled')),
  total integer not null check (total >= 0),
  moved integer not null default 0,
  refused integer not null default 0,
  skipped integer not null default 0,
  tasks_moved integer not null default 0,
  chunks integer not null default 0,
  last_error text,
  created_by text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index handover_jobs_status on handover_jobs (status);
create index handover_jobs_from on handover_jobs (from_manager);

-- The plan: one row per customer with its taker, written with the job; execution only flips status.
create table handover_items (
  job_id bigint not null references handover_jobs (id),
  customer_id integer not null references customers (id),
  seq integer not null,
  taker_id text not null references staff (id),
  aum numeric(18, 2) not null,
  status text not null default 'pending' check (status in ('pending', 'moved', 'refused', 'skipped')),
  reason text,
  processed_at timestamptz,
  primary key (job_id, customer_id)
);
create index handover_items_pending on handover_items (job_id, seq) where status = 'pending';
create index handover_items_seq on handover_items (job_id, seq);

create table interactions (
  id bigserial,
  customer_id integer not null references customers (id),
  staff_id text references staff (id),
  channel text not null check (channel in ('wecom_chat', 'call', 'visit', 'sms', 'email', 'event_attendance')),
  direction text not null check (direction in ('in', 'out')),
  summary text,
  outcome text check (outcome in ('positive', 'neutral', 'negative', 'no_response')),
  next_step text,
  at timestamptz not null,
  -- The caller's id for the contact (e.g. a WeCom message id or a CSV row key): a re-sent batch changes nothing.
  external_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (customer_id, id)
);
create unique index interactions_external on interactions (customer_id, external_id) where external_id is not null;
create index interactions_customer_at on interactions (customer_id, at);
create index interactions_staff_at on interactions (staff_id, at);
create index interactions_at on interactions (at);

-- Last contact per customer, kept in the same transaction as the interaction, so pool lists sort by it cheaply.
create table customer_contacts (
  customer_id integer primary key references customers (id),
  last_contact_at timestamptz not null,
  last_outbound_at timestamptz,
  last_staff_id text
);

create table tasks (
  id bigserial,
  customer_id integer not null references customers (id),
  assignee_id text not null references staff (id),
  title text not null,
  notes text,
  due_on date,
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  source text not null default 'manual' check (source in ('manual', 'interaction', 'reminder')),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (customer_id, id)
);
create index tasks_id on tasks (id);
create index tasks_assignee_open on tasks (assignee_id, due_on) where status = 'open';

create table reminders (
  id bigserial,
  customer_id integer not null references customers (id),
  kind text not null check (kind in ('deposit_maturity', 'insurance_renewal', 'loan_repayment', 'fund_auto_investment', 'birthday', 'dormant_high_value')),
  due_on date not null,
  assignee_id text references staff (id),
  status text not null default 'open' check (status in ('open', 'done', 'dismissed')),
  details jsonb not null default '{}'::jsonb,
  generated_at timestamptz not null default now(),
  closed_at timestamptz,
  closed_by text,
  primary key (customer_id, id)
);
-- Generation is idempotent per (customer, kind, due date).
create unique index reminders_key on reminders (customer_id, kind, due_on);
create index reminders_id on reminders (id);
create index reminders_assignee_open on reminders (assignee_id, due_on) where status = 'open';

-- Existing banks (the demo bank among them) kept the manager in customers.attributes.account_manager_id: make those
-- the owners, when the staff member exists, with a history row saying where ownership came from.
insert into customer_owners (customer_id, manager_id, since, source)
select c.id, s.id, now(), 'backfill'
from customers c
join staff s on s.id = c.attributes ->> 'account_manager_id';

insert into ownership_history (customer_id, from_manager, to_manager, reason, kind, actor)
select customer_id, null, manager_id, 'backfill from customers.attributes.account_manager_id', 'assign', 'migration:0004_pool'
from customer_owners;
