-- Offline activities (issue #14 item 4): an event at a venue and time with a capacity, the products it features, a
-- partner and its members, staff roles; invitees invited through the campaign engine (an activity-owned campaign per
-- invitation), answering RSVP links, registered within capacity, checked in by QR or an attendance sheet, leads
-- captured on site, follow-up tasks for their owners, conversion after the activity.

create table activities (
  id serial primary key,
  name text not null,
  mode text not null check (mode in ('online', 'offline')),
  frequency text not null check (frequency in ('high', 'low')),
  aim text not null check (aim in ('engagement', 'transaction')),
  venue text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  capacity integer not null check (capacity > 0),
  -- Check-in is accepted from starts_at - margin_before to ends_at + margin_after.
  check_in_before_minutes integer not null default 60 check (check_in_before_minutes between 0 and 1440),
  check_in_after_minutes integer not null default 60 check (check_in_after_minutes between 0 and 1440),
  -- [{ productId, role }] and [{ staffId, role }]: checked against products and staff when saved.
  products jsonb not null default '[]'::jsonb,
  staff jsonb not null default '[]'::jsonb,
  partner_name text,
  partner_kind text,
  status text not null default 'draft' check (status in ('draft', 'open', 'finished')),
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz,
  check (ends_at > starts_at)
);

-- A partner's (B-side channel's) members: a chamber of commerce's members, linked to customers where known.
create table activity_partner_members (
  activity_id integer not null references activities (id),
  member_no integer not null,
  name text not null,
  phone_sha256 text,
  customer_id integer references customers (id),
  primary key (activity_id, member_no)
);

-- One row per person the activity concerns: invited (control group included, never sent anything), walked in, or a
-- lead captured on site.
create table activity_invitees (
  activity_id integer not null references activities (id),
  customer_id integer not null references customers (id),
  source text not null check (source in ('invited', 'walk_in', 'lead')),
  control boolean not null default false,
  invited_at timestamptz,
  rsvp text not null default 'none' check (rsvp in ('none', 'yes', 'no', 'waitlist')),
  rsvp_at timestamptz,
  registered_at timestamptz,
  checked_in_at timestamptz,
  check_in_by text,
  -- A lead: the staff member who captured it and what they were interested in.
  captured_by text,
  interest text,
  primary key (activity_id, customer_id),
  check (not control or (rsvp = 'none' and registered_at is null))
);
create index activity_invitees_customer on activity_invitees (customer_id);

-- The campaigns an activity's invitations travel through (one per invitation: its content, channels, purpose).
create table activity_sends (
  activity_id integer not null references activities (id),
  campaign_id integer not null primary key references campaigns (id)
);

-- Where a customer came from when Flywheel created it ('activity:<id>' for a lead captured on site).
alter table customers add column source text;

alter table campaigns drop constraint campaigns_owned_by_check;
alter table campaigns add constraint campaigns_owned_by_check check (owned_by in ('journey', 'activity'));

alter table tasks drop constraint tasks_source_check;
alter table tasks add constraint tasks_source_check
  check (source in ('manual', 'interaction', 'reminder', 'campaign', 'journey', 'activity'));
