-- The day the holding a service notice is about falls due, where a campaign run cannot tell it: a journey that
-- customers enter T−N days before a deposit matures (or a premium renews, a loan instalment or a fund's investment
-- falls due) sends on later days too (after waits), and a missed day is caught up later. Each entry keeps its holding's
-- day (the day claimed + N) and each message its customer's, so the composer fills {{ reminder.* }} from that holding.
-- Null elsewhere (a reminder campaign's due day follows from its run's day).
alter table journey_memberships add column holding_due_on date;
alter table deliveries add column holding_due_on date;
