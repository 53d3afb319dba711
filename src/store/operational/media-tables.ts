import type { ColumnType } from 'kysely';

// Row shapes of the media tables (migration 0025_media.sql), merged into the operational store's `Database`.
// Owned by src/media.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type MediaChannelKind = 'social' | 'video' | 'search' | 'feed' | 'display' | 'other';

export interface MediaChannelTable {
  key: string;
  name: string;
  name_en: string;
  kind: MediaChannelKind;
  aliases: Defaulted<string[]>;
  created_at: Defaulted<Date>;
}

export interface MediaSpendTable {
  channel_key: string;
  campaign: string;
  day: string;
  impressions: number;
  clicks: number;
  cost: number;
  updated_at: Defaulted<Date>;
}

export interface MediaBrandTable {
  channel_key: string;
  period: string;
  branded_search: number | null;
  direct_visits: number | null;
  awareness: number | null;
  updated_at: Defaulted<Date>;
}

export interface MediaAttributionTable {
  customer_id: number;
  window_days: number;
  customer_since: string;
  first_channel: string;
  first_touch_at: Timestamp;
  last_channel: string;
  last_touch_at: Timestamp;
  touches: number;
  active_30d: boolean | null;
  active_90d: boolean | null;
  activated: boolean;
  first_purchase_at: Timestamp | null;
  aum: number;
  stage_reached: boolean;
  referrals: number;
  computed_at: Timestamp;
}

export interface MediaAttributionRunTable {
  window_days: number;
  computed_at: Timestamp;
  data_through: string | null;
  lifecycle_as_of: string | null;
  customers: number;
  attributed: number;
  elapsed_ms: number;
  actor: string;
}

export interface MediaTables {
  media_channels: MediaChannelTable;
  media_spend: MediaSpendTable;
  media_brand: MediaBrandTable;
  media_attribution: MediaAttributionTable;
  media_attribution_runs: MediaAttributionRunTable;
}
