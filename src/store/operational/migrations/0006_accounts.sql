-- Accounts a bank can audit (issue #9): permissions granted to a named user beyond their role, and the indexes that
-- sign-in throttling and the audit-log viewer read.

-- Grantable permissions held by this user on top of their role's (src/auth/principal.ts, GRANTABLE_PERMISSIONS).
alter table users add column grants jsonb not null default '[]'::jsonb check (jsonb_typeof(grants) = 'array');

-- Failed sign-ins counted per username and per client address over a window (src/auth/login-throttle.ts). The
-- audit records of the failures are the counters, so the throttle holds across processes sharing one store.
create index audit_log_login_failed_username on audit_log (entity_id, at) where action = 'session.login_failed';
create index audit_log_login_failed_address on audit_log ((details ->> 'address'), at)
  where action = 'session.login_failed';

-- The audit-log viewer filters by actor and by action prefix, newest first.
create index audit_log_actor on audit_log (actor, id);
create index audit_log_action on audit_log (action text_pattern_ops, id);
