-- RTA (issue #15): the ad platform's real-time decision service. Strategies (each a registered out_target_id) with
-- every save as an immutable version; customers' model scores (the look-alike score) that strategies read as a
-- condition and as a bid factor; per-minute counters the RTA processes add up (several processes add to one row).

create table rta_strategies (
  id text primary key,
  name text not null,
  -- The definition as saved (src/rta/model.ts StrategyDefinition): target, bid factor, cache time, window, …
  definition jsonb not null,
  status text not null check (status in ('active', 'paused')),
  version integer not null check (version > 0),
  updated_by text not null,
  updated_at timestamptz not null
);

create table rta_strategy_versions (
  strategy_id text not null references rta_strategies (id),
  version integer not null check (version > 0),
  definition jsonb not null,
  status text not null check (status in ('active', 'paused')),
  change text not null check (change in ('create', 'update', 'pause', 'resume')),
  changed_by text not null,
  changed_at timestamptz not null,
  primary key (strategy_id, version)
);

-- One score per model kind and customer ('lookalike': probability 0..1 of looking like the bank's best customers).
create table customer_scores (
  kind text not null,
  customer_id integer not null references customers (id),
  score real not null check (score >= 0 and score <= 1),
  as_of date not null,
  primary key (kind, customer_id)
);

-- Counters of one minute (UTC, truncated) per strategy ('' = totals), test traffic apart; latency_buckets counts
-- answers per fixed bucket of src/rta/metrics.ts LATENCY_BOUNDS_US.
create table rta_metrics (
  minute timestamptz not null,
  strategy_id text not null,
  is_test boolean not null,
  requests bigint not null default 0,
  matches bigint not null default 0,
  errors bigint not null default 0,
  latency_buckets bigint[] not null,
  primary key (minute, strategy_id, is_test)
);
