-- WeCom group messages as a channel of the campaign engine (issue #13, item 7). A channel of kind wecom_group sends a
-- campaign's messages with add_msg_template, one WeCom message per sending staff member and batch; nothing reaches a
-- customer until the staff member confirms it in their client. The message row is written before the call (state
-- 'requesting') and gets WeCom's msgid after it, so a process that stops mid-call leaves a trace: such a message's
-- customers are failed as "outcome unknown" rather than asked again (a second message would be a second send).
alter table channels drop constraint channels_kind_check;
alter table channels add constraint channels_kind_check
  check (kind in ('webhook', 'email', 'sms', 'push', 'manager_task', 'outbox', 'wecom_group'));

create table wecom_group_messages (
  id bigserial primary key,
  msgid text unique,
  channel text not null,
  run_id bigint not null references campaign_runs (id),
  -- The staff member who must confirm: their staff id is their WeCom userid.
  sender text not null,
  content text not null,
  state text not null default 'requesting'
    check (state in ('requesting', 'awaiting_confirmation', 'confirmed', 'expired', 'failed', 'unknown')),
  errcode integer,
  reason text,
  created_at timestamptz not null,
  -- Not confirmed by then: its customers are 'expired' (the delivery fails, its cap reservation is given back).
  expires_at timestamptz not null,
  polled_at timestamptz,
  updated_at timestamptz not null
);
create index wecom_group_messages_open on wecom_group_messages (polled_at nulls first)
  where state in ('requesting', 'awaiting_confirmation');
create index wecom_group_messages_sender on wecom_group_messages (sender, created_at);

-- One customer of one group message, keyed by the delivery it carries (one row per delivery, ever).
create table wecom_group_message_recipients (
  delivery_key text primary key,
  message_id bigint not null references wecom_group_messages (id),
  customer_id integer not null references customers (id),
  external_userid text not null,
  -- The bank's business day the message was created on: WeCom lets a customer receive one group message a day.
  day date not null,
  status text not null default 'awaiting_confirmation'
    check (status in ('awaiting_confirmation', 'sent', 'failed', 'expired')),
  reason text,
  sent_at timestamptz,
  updated_at timestamptz not null
);
create index wecom_group_message_recipients_message on wecom_group_message_recipients (message_id, status);
create index wecom_group_message_recipients_day on wecom_group_message_recipients (customer_id, day);
