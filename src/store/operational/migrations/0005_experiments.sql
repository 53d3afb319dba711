-- Experiments and their units (issue #5, experiment and campaign lift). An experiment is imported from a file whose
-- mapping names the arms' control, the metrics (binary or numeric) and the expected allocation; each row of the file
-- is one unit (customer, device, household…) with its arm and metric values. Not customer-keyed: units need not be
-- customers (customer_id is set only when a row names a known customer number).

create table experiments (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text not null,
  description text,
  control_arm text not null,
  -- [{ "name": "visit", "kind": "binary" }, …] in the mapping's order.
  metrics jsonb not null check (jsonb_typeof(metrics) = 'array'),
  -- { arm: weight } or null for equal weights over the arms found.
  allocation jsonb check (allocation is null or jsonb_typeof(allocation) = 'object'),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_by text not null,
  -- Last time an import changed the definition or any unit: the data freshness of the analysis.
  data_changed_at timestamptz not null default now()
);

create table experiment_units (
  experiment_id text not null references experiments (id) on delete cascade,
  unit_key text not null,
  arm text not null,
  customer_id integer references customers (id),
  -- { metric: number }: binary metrics hold 0 or 1.
  metrics jsonb not null check (jsonb_typeof(metrics) = 'object'),
  primary key (experiment_id, unit_key)
);
-- The analysis groups one experiment's units by arm.
create index experiment_units_arm on experiment_units (experiment_id, arm);
