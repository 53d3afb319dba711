-- WeCom (企业微信, issue #13): the account managers' friendships with customers as WeCom reports them (callbacks and
-- full syncs), the customers as WeCom describes them, the callbacks already received (replays are refused), the
-- friendship changes the 360 timeline and the coverage report read, and tag change events (applied later).

-- A WeChat unionid the bank knows for a customer (official account, mini program): links a WeCom friend by unionid.
alter table customer_identities drop constraint customer_identities_kind_check;
alter table customer_identities add constraint customer_identities_kind_check check (kind in (
  'customer_no', 'distinct_id', 'phone_sha256', 'imei_md5', 'oaid_md5', 'idfa_md5', 'caid_md5', 'wecom',
  'wechat_unionid'));

-- A customer as WeCom describes them. The name is personal data: kept for manual linking, answered masked only.
create table wecom_contacts (
  external_userid text primary key,
  name text,
  type smallint check (type in (1, 2)),
  unionid text,
  updated_at timestamptz not null default now()
);
create index wecom_contacts_unionid on wecom_contacts (unionid) where unionid is not null;

-- One staff member's friendship with one customer (staff_id is the bank's staff id, which is the WeCom userid).
-- customer_id null: not matched to a customer yet (manual linking). Mobiles in the remark are kept as SHA-256 only.
create table wecom_friendships (
  staff_id text not null,
  external_userid text not null,
  customer_id integer references customers (id),
  matched_by text check (matched_by in ('external_userid', 'unionid', 'phone', 'remark', 'manual')),
  remark text,
  remark_mobile_sha256 jsonb not null default '[]'::jsonb,
  add_way smallint,
  added_at timestamptz not null,
  removed_at timestamptz,
  removed_by text check (removed_by in ('customer', 'staff')),
  wecom_tag_ids jsonb not null default '[]'::jsonb,
  updated_at timestamptz not null default now(),
  primary key (staff_id, external_userid)
);
create index wecom_friendships_customer on wecom_friendships (customer_id) where customer_id is not null;
create index wecom_friendships_external on wecom_friendships (external_userid);

-- What happened to a friendship, newest last: the customer's 360 timeline reads it by customer.
create table wecom_friendship_changes (
  id bigserial primary key,
  at timestamptz not null,
  staff_id text not null,
  external_userid text not null,
  customer_id integer references customers (id),
  -- removed: no longer in WeCom's list at a full sync (who ended it is not known).
  change text not null check (change in ('added', 'edited', 'removed_by_staff', 'removed_by_customer', 'removed',
    'linked', 'transfer_failed')),
  details jsonb not null default '{}'::jsonb
);
create index wecom_friendship_changes_customer on wecom_friendship_changes (customer_id, at) where customer_id is not null;

-- Callbacks accepted, by WeCom's signature triple: a second delivery of the same triple is a replay and is refused.
-- Rows older than the timestamp window can be pruned (a replay that old is refused as stale anyway).
create table wecom_callback_receipts (
  msg_signature text not null,
  timestamp text not null,
  nonce text not null,
  event text,
  received_at timestamptz not null default now(),
  primary key (msg_signature, timestamp, nonce)
);
create index wecom_callback_receipts_received on wecom_callback_receipts (received_at);

-- change_external_tag events as received: recorded now, applied to the bank's tags by the tag sync (later).
create table wecom_tag_events (
  id bigserial primary key,
  at timestamptz not null,
  change_type text not null,
  tag_type text,
  tag_id text,
  strategy_id text,
  received_at timestamptz not null default now()
);
