import { z } from 'zod';
import { TRANSACTION_KINDS } from '../store/events/store.ts';
import { amount, bool, date, decimal, integer, key, object, oneOf, text, timestamp } from './values.ts';

// The target fields of each import kind, one zod schema per kind. A mapping may only name these fields (plus
// `attributes.<name>` for customers and `properties.<name>` for events); rows are validated against them.

/** What can be imported. */
export const IMPORT_KINDS = [
  'customers',
  'holdings',
  'transactions',
  'events',
  'staff',
  'consent',
  'experiment',
  'media_spend',
  'media_brand',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** Customer profile fields (natural key customer_no); also what `POST /v1/profiles` may set. */
export const customerFields = z.strictObject({
  customer_no: key(),
  name: opt(text(200)),
  gender: opt(oneOf(['M', 'F', 'U'])),
  birth_date: opt(date()),
  phone: opt(text(32)),
  id_number: opt(text(64)),
  email: opt(text(200)),
  city: opt(text(100)),
  occupation: opt(text(100)),
  education: opt(text(100)),
  marital_status: opt(text(50)),
  org_unit_id: opt(key()),
  risk_level: opt(integer(1, 5)),
  customer_since: opt(date()),
  aum: opt(decimal()),
  tier: opt(oneOf(['mass', 'gold', 'platinum', 'diamond', 'private'])),
  payroll: opt(bool()),
  app_user: opt(bool()),
  wecom_friend: opt(bool()),
  wecom_external_userid: opt(text(128)),
  phone_sha256: opt(text(64)),
  imei_md5: opt(text(32)),
  oaid_md5: opt(text(32)),
  idfa_md5: opt(text(32)),
  caid_md5: opt(text(32)),
  /** App login id (Sensors-style distinct_id): stored as an identity so events resolve to this customer. */
  distinct_id: opt(text(128)),
  attributes: opt(object()),
});

export const holdingFields = z.strictObject({
  customer_no: key(),
  account_no: key(),
  product_id: key(),
  balance: amount(),
  opened_on: date(),
  maturity_date: opt(date()),
  next_due_date: opt(date()),
  status: opt(oneOf(['active', 'closed'])),
});

export const transactionFields = z.strictObject({
  txn_id: key(128),
  customer_no: key(),
  account_no: key(),
  product_id: key(),
  kind: oneOf(TRANSACTION_KINDS),
  amount: amount(),
  channel: opt(text(50)),
  time: timestamp(),
});

export const eventFields = z.strictObject({
  event_id: key(128),
  distinct_id: opt(key(128)),
  customer_no: opt(key()),
  event: key(100),
  time: timestamp(),
  properties: opt(object()),
});

export const staffFields = z.strictObject({
  id: key(),
  name: text(200),
  org_unit_id: key(),
  role: oneOf(['account_manager', 'branch_head', 'analyst', 'admin', 'other']),
  status: opt(oneOf(['active', 'departed'])),
  pool_capacity: opt(integer(0, 1_000_000)),
  phone: opt(text(32)),
  email: opt(text(200)),
  joined_on: opt(date()),
  departed_on: opt(date()),
});

export const consentFields = z.strictObject({
  customer_no: key(),
  channel: oneOf(['sms', 'email', 'phone', 'wecom', 'app_push']),
  status: oneOf(['granted', 'revoked']),
  changed_at: timestamp(),
  source: opt(text(100)),
  /** What the consent covers: marketing (the default, what extracts without the column mean) or service notices. */
  purpose: opt(oneOf(['marketing', 'service'])),
});

/**
 * One unit of an experiment (src/analytics/experiments): its key within the experiment, its arm, optionally the
 * customer it is, and its metric values (`metrics.<name>`, checked against the experiment's metric kinds).
 */
export const experimentUnitFields = z.strictObject({
  unit_key: key(128),
  arm: key(100),
  customer_no: opt(key()),
  metrics: opt(object()),
});

/** One day of a media channel's spend and delivery report (src/media): natural key (channel, campaign, day). */
export const mediaSpendFields = z.strictObject({
  channel: key(64),
  campaign: opt(text(200)),
  day: date(),
  impressions: integer(0, 1e15),
  clicks: integer(0, 1e15),
  cost: amount(),
});

/** One period of a media channel's brand figures (src/media): natural key (channel, period's first day). */
export const mediaBrandFields = z.strictObject({
  channel: key(64),
  period: date(),
  branded_search: opt(integer(0, 1e15)),
  direct_visits: opt(integer(0, 1e15)),
  awareness: opt(decimal()),
});

/** The target schema of each kind. */
export const TARGET_SCHEMAS = {
  customers: customerFields,
  holdings: holdingFields,
  transactions: transactionFields,
  events: eventFields,
  staff: staffFields,
  consent: consentFields,
  experiment: experimentUnitFields,
  media_spend: mediaSpendFields,
  media_brand: mediaBrandFields,
} as const;

/** The JSON-object field that collects `<field>.<name>` targets and unmapped columns, per kind (if any). */
export const BAG_FIELD: Partial<Record<ImportKind, 'attributes' | 'properties' | 'metrics'>> = {
  customers: 'attributes',
  events: 'properties',
  experiment: 'metrics',
};

/** Values an optional field takes when a row leaves it empty (before the natural key is read). */
export const FIELD_DEFAULTS: Partial<Record<ImportKind, Readonly<Record<string, unknown>>>> = {
  consent: { purpose: 'marketing' },
  media_spend: { campaign: '' },
};

/** Each kind's natural key, the fields that must be unique within one file. */
export const NATURAL_KEY: Record<ImportKind, readonly string[]> = {
  customers: ['customer_no'],
  holdings: ['customer_no', 'account_no'],
  transactions: ['txn_id'],
  events: ['event_id'],
  staff: ['id'],
  consent: ['customer_no', 'channel', 'purpose'],
  experiment: ['unit_key'],
  media_spend: ['channel', 'campaign', 'day'],
  media_brand: ['channel', 'period'],
};

/** Target fields of a kind, in schema order. */
export function targetFields(kind: ImportKind): string[] {
  return Object.keys(TARGET_SCHEMAS[kind].shape);
}

/** Fields a row of this kind cannot do without (non-optional in its schema). */
export function requiredFields(kind: ImportKind): string[] {
  const shape = TARGET_SCHEMAS[kind].shape as Record<string, z.ZodType>;
  return Object.keys(shape).filter((f) => !shape[f]!.safeParse(undefined).success);
}
