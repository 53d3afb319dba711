-- Event store DDL, ClickHouse dialect, the same on chDB and on a ClickHouse server.
-- Tables are ReplacingMergeTree keyed by their natural id; readers use the *_dedup views, whose FINAL
-- collapses a re-sent id before any count, so duplicates never count twice even before a merge.

CREATE TABLE IF NOT EXISTS events
(
    event_id String,
    customer_id UInt32,
    distinct_id String,
    event LowCardinality(String),
    time DateTime64(3, 'UTC'),
    properties String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3),
    -- Only a minmax on time: rows are sorted by event_id, so a set index on `event` would see every event name in
    -- every granule and skip nothing while costing ~15% of bulk-load CPU. The minmax helps when ids are time-ordered.
    INDEX idx_time time TYPE minmax GRANULARITY 4,
    -- The journey event feed reads what arrived since its cursor: parts written before it are skipped by this minmax.
    INDEX idx_received received_at TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree
ORDER BY event_id;

-- Stores created before the feed's index get it here (new parts carry it; older ones are read whole).
ALTER TABLE events ADD INDEX IF NOT EXISTS idx_received received_at TYPE minmax GRANULARITY 4;

CREATE VIEW IF NOT EXISTS events_dedup AS SELECT * FROM events FINAL;

CREATE TABLE IF NOT EXISTS transactions
(
    txn_id String,
    customer_id UInt32,
    account_no String,
    product_id LowCardinality(String),
    kind LowCardinality(String),
    amount Decimal(18, 2),
    channel LowCardinality(String),
    time DateTime64(3, 'UTC'),
    INDEX idx_time time TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree
ORDER BY txn_id;

CREATE VIEW IF NOT EXISTS transactions_dedup AS SELECT * FROM transactions FINAL;

CREATE TABLE IF NOT EXISTS customer_daily
(
    date Date,
    customer_id UInt32,
    aum Decimal(18, 2),
    deposit_balance Decimal(18, 2),
    investment_balance Decimal(18, 2),
    loan_balance Decimal(18, 2)
)
ENGINE = ReplacingMergeTree
ORDER BY (date, customer_id);

CREATE VIEW IF NOT EXISTS customer_daily_dedup AS SELECT * FROM customer_daily FINAL;

-- RTA decisions (issue #15), sampled (1 in N plus every error): the device hash's first 8 hex digits only, the
-- strategies answered, the service's own processing time, the answer's code, test traffic flagged. Kept 30 days.
CREATE TABLE IF NOT EXISTS rta_decisions
(
    time DateTime64(3, 'UTC'),
    device_prefix String,
    strategies Array(LowCardinality(String)),
    latency_us UInt32,
    code UInt32,
    is_test UInt8
)
ENGINE = MergeTree
ORDER BY time
TTL toDateTime(time) + INTERVAL 30 DAY;
