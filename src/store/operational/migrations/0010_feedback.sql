-- The feedback loop (issue #11): consent per touchpoint AND purpose, provider callbacks and clicks recorded once each,
-- and manager tasks that carry a campaign's message to the owning account manager.

-- Consent is kept per (customer, touchpoint, purpose): marketing consent and service consent are separate records,
-- so an SMS opt-out of marketing ("TD") does not stop a deposit-maturity notice. Existing rows were marketing consent.
alter table consents add column purpose text not null default 'marketing'
  check (purpose in ('marketing', 'service'));
alter table consents drop constraint consents_pkey;
alter table consents add primary key (customer_id, channel, purpose);
alter table consent_history add column purpose text not null default 'marketing'
  check (purpose in ('marketing', 'service'));

-- SQL tags keep reading what "consent" meant before: marketing consent.
create or replace view sql_tag.consents as
select customer_id, channel, status, source, updated_at
  from public.consents
 where purpose = 'marketing';

-- Responses to deliveries (provider callbacks, tracked-link clicks), once per delivery and status: a duplicate
-- callback inserts nothing here, which is how it is recognised and answered as a duplicate.
create table delivery_responses (
  idempotency_key text not null references deliveries (idempotency_key),
  status text not null check (status in ('delivered', 'failed', 'opened', 'clicked', 'replied')),
  at timestamptz not null,
  detail jsonb not null default '{}'::jsonb,
  received_at timestamptz not null,
  primary key (idempotency_key, status)
);

-- Callbacks may name a delivery by the provider's own id.
create index deliveries_provider on deliveries (channel, provider_id) where provider_id is not null;

-- A delivery on a manager_task channel is a task in the owning manager's workbench, once per delivery.
alter table tasks drop constraint tasks_source_check;
alter table tasks add constraint tasks_source_check
  check (source in ('manual', 'interaction', 'reminder', 'campaign'));
alter table tasks add column delivery_key text;
create unique index tasks_delivery_key on tasks (customer_id, delivery_key) where delivery_key is not null;
