import type { AttrType } from '../segments/predicate.ts';
import { PRODUCT_CATEGORIES, type ProductCategory } from '../segments/rule.ts';
import { civilDate } from '../shared/day.ts';
import type { ConsentChannel } from '../store/operational/database.ts';

// The customer facts that attribute, bucket and lifecycle tags can test, each with its type and where it comes from.
// `asOf` is the business day the tags are computed for; ages, tenures and "days until" are relative to it. The
// operational store holds current state only (no history of profiles or holdings), so for a past day those facts
// are today's. Customer facts are SQL expressions over the customers row; holding and consent facts are aggregated
// in JS from the raw rows (cheaper for PostgreSQL than a dozen filtered aggregates per customer).

/** Where a fact is read from; each source is one query per chunk of customers. */
export type FactSource = 'customer' | 'holdings' | 'consents';

/** What a holding fact measures over a customer's active holdings. */
export type HoldingMeasure =
  | {
      readonly measure: 'balance' | 'held' | 'maturity_days' | 'due_days';
      readonly category: ProductCategory;
    }
  | { readonly measure: 'products' | 'categories' };

interface FieldBase {
  readonly name: string;
  readonly type: AttrType;
  readonly description: string;
}

/** One fact a rule may test. */
export type FieldDef = FieldBase &
  (
    | {
        readonly source: 'customer';
        /** SQL over the customers row `c`. */
        readonly sql: () => string;
        /** Columns of `customers` the expression reads. */
        readonly columns: readonly string[];
        /**
         * 'years': the SQL gives a day number and the fact is the whole years from it to the business day (computed
         * in JS: PostgreSQL's age() costs more than the rest of the row).
         */
        readonly post?: 'years';
        /**
         * Whole years to use where the column is empty: an imported `attributes.<name>` (a file with an age and no
         * birth date). The segment index fills a column's gaps from the same-named attribute likewise (source.ts).
         */
        readonly yearsFallback?: () => string;
        /** Whole numbers within ±2^31 (sent as int4, half the bytes of a float8); dates always are. */
        readonly integer?: boolean;
      }
    | { readonly source: 'holdings'; readonly holding: HoldingMeasure }
    | { readonly source: 'consents'; readonly channel: ConsentChannel }
  );

/** Consent channels, in the order of their codes. */
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['sms', 'email', 'phone', 'wecom', 'app_push'];

const DAYS = (column: string) => `(${column} - date '1970-01-01')`;

const customer = (
  name: string,
  type: AttrType,
  description: string,
  column = name,
  sql?: () => string,
): FieldDef => ({
  name,
  type,
  source: 'customer',
  columns: [column],
  sql: sql ?? (() => `c.${column}`),
  description,
});

/** Whole years from a customers date column to the business day (the column read as a day number, then years). */
const yearsSince = (name: string, description: string, column: string): FieldDef =>
  ({
    ...customer(name, 'number', description, column, () => DAYS(`c.${column}`)),
    columns: [column, 'attributes'],
    post: 'years',
    yearsFallback: () =>
      `case when jsonb_typeof(c.attributes->'${name}') = 'number' ` +
      `and (c.attributes->>'${name}')::numeric between 0 and 150 then (c.attributes->>'${name}')::numeric::int4 end`,
    integer: true,
  }) as FieldDef;

const holdingFields = (category: ProductCategory): FieldDef[] => [
  {
    name: `${category}_balance`,
    type: 'number',
    source: 'holdings',
    holding: { measure: 'balance', category },
    description: `total balance of active ${category} holdings (empty when none is held)`,
  },
  {
    name: `${category}_held`,
    type: 'number',
    source: 'holdings',
    holding: { measure: 'held', category },
    description: `1 when an active ${category} holding exists, else empty (what \`holds\` without balance bounds reads)`,
  },
  {
    name: `${category}_maturity_days`,
    type: 'number',
    source: 'holdings',
    holding: { measure: 'maturity_days', category },
    description: `days from the business day to the earliest upcoming maturity of an active ${category} holding`,
  },
  {
    name: `${category}_due_days`,
    type: 'number',
    source: 'holdings',
    holding: { measure: 'due_days', category },
    description: `days from the business day to the next due date (repayment, renewal, auto-investment) of an active ${category} holding`,
  },
];

const ALL_FIELDS: readonly FieldDef[] = [
  customer('gender', 'string', "'M', 'F' or 'U'"),
  yearsSince('age', 'age in whole years on the business day', 'birth_date'),
  customer('birth_date', 'date', 'date of birth'),
  customer('city', 'string', 'city of residence'),
  customer('occupation', 'string', 'occupation code'),
  customer('education', 'string', 'education level code'),
  customer('marital_status', 'string', 'marital status code'),
  customer('org_unit_id', 'string', 'sub-branch the customer is booked at'),
  {
    ...customer('risk_level', 'number', 'risk tolerance 1 (conservative) … 5 (aggressive)'),
    integer: true,
  } as FieldDef,
  customer('customer_since', 'date', 'day the customer joined the bank'),
  yearsSince('tenure_years', 'whole years as a customer on the business day', 'customer_since'),
  customer('aum', 'number', 'assets under management today (CNY)'),
  customer('tier', 'string', "tier as recorded by core banking ('mass' … 'private')"),
  customer('payroll', 'boolean', 'receives salary through the bank'),
  customer('app_user', 'boolean', 'has the mobile banking app'),
  customer('wecom_friend', 'boolean', "is a WeCom friend of the bank's staff"),
  customer('has_email', 'boolean', 'an email address is on file', 'email', () => 'c.email is not null'),
  {
    name: 'product_count',
    type: 'number',
    source: 'holdings',
    holding: { measure: 'products' },
    description: 'distinct products held (active holdings; 0 when none)',
  },
  {
    name: 'category_count',
    type: 'number',
    source: 'holdings',
    holding: { measure: 'categories' },
    description: 'distinct product categories held (active holdings; 0 when none)',
  },
  ...PRODUCT_CATEGORIES.flatMap(holdingFields),
  ...CONSENT_CHANNELS.map((channel): FieldDef => ({
    name: `consent_${channel}`,
    type: 'boolean',
    source: 'consents',
    channel,
    description: `consent to be contacted by ${channel}: true granted, false revoked, empty when never asked`,
  })),
];

/** Every fact a tag rule may test, by name. */
export const FIELDS: ReadonlyMap<string, FieldDef> = new Map(ALL_FIELDS.map((f) => [f.name, f]));

/** Whole years from day number `from` to day number `to` (an age: the birthday counts on its day; 29 Feb on 1 Mar). */
export function fullYears(from: number, to: number): number {
  const a = civilDate(from);
  const b = civilDate(to);
  let years = b.year - a.year;
  if (b.month < a.month || (b.month === a.month && b.day < a.day)) years--;
  return years;
}

/**
 * The field a `holds` condition reads: the category's total balance when the condition bounds it, else just whether
 * the category is held (no balance to read or send). Both are empty when the category is not held.
 */
export function holdsField(category: ProductCategory, bounded: boolean): string {
  return bounded ? `${category}_balance` : `${category}_held`;
}
