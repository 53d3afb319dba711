-- Issue #11: a message that never reached the customer (failed, dead-lettered, suppressed at send time, cancelled)
-- gives its cap reservation back. The run records the business day its messages were counted on; null when the run
-- does not count toward caps (service messages exempted by policy) or was prepared before this migration.
alter table campaign_runs add column cap_day date;
