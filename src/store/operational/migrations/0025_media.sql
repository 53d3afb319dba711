-- Media value (issue #15 part 2): the registered media channels, the spend/delivery and brand reports imported per
-- channel, and the acquisition of each new customer attributed to a channel (first and last touch), recomputed by
-- `flywheel media attribute` / POST /v1/media/attribution/run. Definitions: src/media/README.md.

create table media_channels (
  key text primary key check (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  name text not null,
  name_en text not null,
  kind text not null check (kind in ('social', 'video', 'search', 'feed', 'display', 'other')),
  -- Other values event properties (channel, utm_source, rta_strategy, dsp_tag) carry for this channel.
  aliases text[] not null default '{}',
  created_at timestamptz not null default now()
);

-- The four media most Chinese banks buy; more are registered through POST /v1/media/channels.
insert into media_channels (key, name, name_en, kind, aliases) values
  ('tencent_ads', '腾讯广告', 'Tencent Ads', 'social', '{tencent,gdt,guangdiantong}'),
  ('ocean_engine', '抖音/巨量引擎', 'Ocean Engine (Douyin)', 'video', '{douyin,oceanengine,bytedance,toutiao}'),
  ('baidu', '百度', 'Baidu', 'search', '{baidu_search,baidu_feed}'),
  ('wechat_moments', '微信朋友圈', 'WeChat Moments', 'feed', '{moments,wechat_feed}');

-- Spend and delivery per channel, campaign and day (the media's own reports). Natural key (channel, campaign, day).
create table media_spend (
  channel_key text not null references media_channels (key),
  campaign text not null,
  day date not null,
  impressions bigint not null check (impressions >= 0),
  clicks bigint not null check (clicks >= 0),
  cost numeric(18, 2) not null check (cost >= 0),
  updated_at timestamptz not null default now(),
  primary key (channel_key, campaign, day)
);
create index media_spend_day on media_spend (day);

-- Brand figures per channel and period (the period's first day): branded searches, direct visits, and the brand
-- survey's aided awareness (0–100). Any may be missing. Natural key (channel, period).
create table media_brand (
  channel_key text not null references media_channels (key),
  period date not null,
  branded_search bigint check (branded_search >= 0),
  direct_visits bigint check (direct_visits >= 0),
  awareness numeric(5, 2) check (awareness between 0 and 100),
  updated_at timestamptz not null default now(),
  primary key (channel_key, period)
);

-- One row per customer acquired through a channel, per attribution window (days before customer_since), with the
-- quality facts of that customer as of the run (so the comparison is one aggregate over this table).
create table media_attribution (
  customer_id integer not null references customers (id),
  window_days integer not null check (window_days between 1 and 365),
  customer_since date not null,
  first_channel text not null,
  first_touch_at timestamptz not null,
  last_channel text not null,
  last_touch_at timestamptz not null,
  touches integer not null,
  active_30d boolean,
  active_90d boolean,
  activated boolean not null,
  first_purchase_at timestamptz,
  aum numeric(18, 2) not null default 0,
  stage_reached boolean not null default false,
  referrals integer not null default 0,
  computed_at timestamptz not null,
  primary key (window_days, customer_id)
);
create index media_attribution_since on media_attribution (window_days, customer_since);

-- One row per attribution run and window: what it saw and the day its data ran through.
create table media_attribution_runs (
  window_days integer primary key,
  computed_at timestamptz not null,
  data_through date,
  -- The lifecycle tag's snapshot day `stage_reached` was read from (null: no snapshot yet).
  lifecycle_as_of date,
  customers integer not null,
  attributed integer not null,
  elapsed_ms integer not null,
  actor text not null
);
