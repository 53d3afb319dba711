-- What an SQL tag may read (src/tags/sandbox): views in their own schema, without personal data (names, phone
-- numbers, ID numbers, e-mail, birth dates, device and WeCom identifiers, free-text notes) and without anything about
-- access (users, sessions, API keys, audit, migrations, system state). A tag's statement runs with
-- search_path = sql_tag, so `from customers` means sql_tag.customers; on PostgreSQL it also runs on a separate
-- login role that holds SELECT on these views and nothing else.

create schema if not exists sql_tag;

create view sql_tag.customers as
select id, customer_no, gender, extract(year from birth_date)::int as birth_year, city, occupation, education,
       marital_status, org_unit_id, risk_level, customer_since, aum, tier, payroll, app_user, wecom_friend,
       attributes, created_at, updated_at
  from public.customers;

create view sql_tag.holdings as
select customer_id, product_id, balance, opened_on, maturity_date, next_due_date, status, updated_at
  from public.holdings;

create view sql_tag.products as
select id, name, category, role, risk_level, term_days, annual_rate
  from public.products;

create view sql_tag.consents as
select customer_id, channel, status, source, updated_at
  from public.consents;

create view sql_tag.org_units as
select id, parent_id, name, kind
  from public.org_units;

create view sql_tag.staff as
select id, org_unit_id, role, status, pool_capacity, joined_on, departed_on
  from public.staff;

create view sql_tag.customer_owners as
select customer_id, manager_id, since, source, handover_status
  from public.customer_owners;

create view sql_tag.customer_tier_months as
select month, customer_id, avg_daily_aum, qualified_tier, effective_tier, months_below
  from public.customer_tier_months;

create view sql_tag.interactions as
select customer_id, staff_id, channel, direction, outcome, at
  from public.interactions;

create view sql_tag.customer_contacts as
select customer_id, last_contact_at, last_outbound_at, last_staff_id
  from public.customer_contacts;

create view sql_tag.tasks as
select customer_id, assignee_id, due_on, status, source, created_at, completed_at
  from public.tasks;

create view sql_tag.reminders as
select customer_id, kind, due_on, assignee_id, status, generated_at, closed_at
  from public.reminders;
