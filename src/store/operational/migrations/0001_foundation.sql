-- Foundation schema: organisation, staff, customers and what they hold, consent, access, audit.
-- Customer-keyed tables carry customer_id (the dense ordinal) so they can later be distributed by it.

create table org_units (
  id text primary key,
  parent_id text references org_units (id),
  name text not null,
  kind text not null check (kind in ('head_office', 'branch', 'sub_branch')),
  created_at timestamptz not null default now()
);
create index org_units_parent on org_units (parent_id);

create table staff (
  id text primary key,
  name text not null,
  org_unit_id text not null references org_units (id),
  role text not null check (role in ('account_manager', 'branch_head', 'analyst', 'admin', 'other')),
  status text not null default 'active' check (status in ('active', 'departed')),
  pool_capacity integer not null default 2000 check (pool_capacity >= 0),
  phone text,
  email text,
  joined_on date,
  departed_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index staff_org_unit on staff (org_unit_id);

-- id is the dense ordinal used by segment bitmaps: assigned max(id)+1 by the importer, never reused.
create table customers (
  id integer primary key check (id > 0),
  customer_no text not null unique,
  name text,
  gender text check (gender in ('M', 'F', 'U')),
  birth_date date,
  phone text,
  id_number text,
  email text,
  city text,
  occupation text,
  education text,
  marital_status text,
  org_unit_id text references org_units (id),
  risk_level smallint check (risk_level between 1 and 5),
  customer_since date,
  aum numeric(18, 2) not null default 0,
  tier text check (tier in ('mass', 'gold', 'platinum', 'diamond', 'private')),
  payroll boolean not null default false,
  app_user boolean not null default false,
  wecom_friend boolean not null default false,
  wecom_external_userid text,
  phone_sha256 text,
  imei_md5 text,
  oaid_md5 text,
  idfa_md5 text,
  caid_md5 text,
  attributes jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_org_unit on customers (org_unit_id);
create index customers_since on customers (customer_since);
create index customers_phone_sha256 on customers (phone_sha256);
create index customers_wecom on customers (wecom_external_userid);

-- Distinct ids (app login, device, WeCom) resolved to a customer, for event ingestion.
create table customer_identities (
  kind text not null check (kind in ('customer_no', 'distinct_id', 'phone_sha256', 'imei_md5', 'oaid_md5', 'idfa_md5', 'caid_md5', 'wecom')),
  value text not null,
  customer_id integer not null references customers (id),
  primary key (kind, value)
);
create index customer_identities_customer on customer_identities (customer_id);

create table products (
  id text primary key,
  name text not null,
  category text not null check (category in ('current_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'loan', 'credit_card')),
  role text check (role in ('traffic', 'hot_selling', 'profit')),
  risk_level smallint check (risk_level between 1 and 5),
  term_days integer check (term_days > 0),
  annual_rate numeric(8, 4),
  created_at timestamptz not null default now()
);

create table holdings (
  customer_id integer not null references customers (id),
  account_no text not null,
  product_id text not null references products (id),
  balance numeric(18, 2) not null default 0,
  opened_on date not null,
  maturity_date date,
  next_due_date date,
  status text not null default 'active' check (status in ('active', 'closed')),
  updated_at timestamptz not null default now(),
  primary key (customer_id, account_no)
);
create unique index holdings_account_no on holdings (account_no, customer_id);
create index holdings_product on holdings (product_id);
create index holdings_maturity on holdings (maturity_date) where maturity_date is not null;
create index holdings_next_due on holdings (next_due_date) where next_due_date is not null;

create table consents (
  customer_id integer not null references customers (id),
  channel text not null check (channel in ('sms', 'email', 'phone', 'wecom', 'app_push')),
  status text not null check (status in ('granted', 'revoked')),
  source text not null default 'import',
  updated_at timestamptz not null,
  primary key (customer_id, channel)
);

create table consent_history (
  id bigserial,
  customer_id integer not null references customers (id),
  channel text not null,
  status text not null check (status in ('granted', 'revoked')),
  source text not null,
  changed_at timestamptz not null,
  primary key (customer_id, id)
);

create table users (
  id serial primary key,
  username text not null unique,
  display_name text,
  password_hash text not null,
  role text not null check (role in ('admin', 'analyst', 'branch_head', 'account_manager')),
  staff_id text references staff (id),
  org_unit_id text references org_units (id),
  status text not null default 'active' check (status in ('active', 'disabled')),
  must_change_password boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_sessions (
  token_hash text primary key,
  user_id integer not null references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index user_sessions_user on user_sessions (user_id);

create table api_keys (
  id serial primary key,
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  role text not null check (role in ('admin', 'analyst', 'branch_head', 'account_manager')),
  org_unit_id text references org_units (id),
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  entity_type text not null,
  entity_id text,
  details jsonb not null default '{}'::jsonb
);
create index audit_log_at on audit_log (at);
create index audit_log_entity on audit_log (entity_type, entity_id);

-- One row per import run, so a data engineer can see what was loaded, when and with what outcome.
create table import_runs (
  id bigserial primary key,
  kind text not null,
  source text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  status text not null check (status in ('running', 'committed', 'rejected', 'failed')),
  summary jsonb not null default '{}'::jsonb,
  actor text not null
);

-- Key-value facts about this installation (e.g. when the demo bank was seeded).
create table system_state (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
