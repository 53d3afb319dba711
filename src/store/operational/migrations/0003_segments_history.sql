-- Segment service: a readable change history, and indexes that make the segment index cache's freshness check cheap.

-- Each version row records the whole segment after the change and what the change was, not only the rule.
alter table segment_versions
  add column name text,
  add column description text,
  add column status text check (status in ('active', 'archived')),
  add column change text check (change in ('create', 'update', 'archive'));

-- The segment index cache asks max(updated_at) of these tables before answering (src/segments/index-cache.ts):
-- with an index that is one index probe instead of a scan of every customer.
create index customers_updated_at on customers (updated_at);
create index holdings_updated_at on holdings (updated_at);
create index consents_updated_at on consents (updated_at);

-- Growth over a segment's snapshots reads them by segment and day; exports and analyses read one day.
create index segment_snapshots_as_of on segment_snapshots (as_of);
