-- WeCom corp tags both ways (issue #13, item 5). wecom_corp_tags maps each published Flywheel tag value to the corp
-- tag Flywheel created for it: only tags in this table are ever edited or deleted in WeCom. wecom_tag_syncs keeps the
-- outcome of each mark / back-import pass (what the "tag sync state" panel shows), with WeCom's per-item errcodes.
create table wecom_corp_tags (
  tag_key text not null,
  value text not null,
  wecom_group_id text not null,
  wecom_tag_id text not null unique,
  -- The names Flywheel last gave WeCom (the group's is the tag's zh name; the tag's the value's zh label).
  group_name text not null,
  tag_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tag_key, value)
);
create index wecom_corp_tags_group on wecom_corp_tags (wecom_group_id);

create table wecom_tag_syncs (
  id bigserial primary key,
  started_at timestamptz not null,
  finished_at timestamptz,
  actor text not null,
  -- Friendships compared, mark_tag calls made, succeeded and failed.
  compared integer not null default 0,
  marked integer not null default 0,
  failed integer not null default 0,
  -- { errcode: count } of the failed calls, and the first failures ({ staffId, externalUserid, errcode, errmsg }).
  errcodes jsonb not null default '{}'::jsonb,
  failures jsonb not null default '[]'::jsonb,
  -- Back from WeCom: manual tags created or changed, customers whose values changed.
  imported_tags integer not null default 0,
  imported_values integer not null default 0,
  error text
);
