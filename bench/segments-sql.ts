import { murmur3Uint32, sampleSeed, sampleThreshold } from '../src/segments/sample.ts';
import {
  SYNTHETIC_ATTRIBUTES,
  SYNTHETIC_CHANNELS,
  SYNTHETIC_FLAGS,
  SYNTHETIC_TAGS,
  type SyntheticBank,
} from '../test/support/synthetic-index.ts';
import { BOOL_TRUE } from '../src/segments/string-column.ts';
import type { AttrRule, Rule } from '../src/segments/rule.ts';

// Bench-only: the synthetic bank as one wide SQL table, and a translator of the synthetic rules into SQL over it, for
// the "bitmaps vs SQL" comparison on PostgreSQL and ClickHouse. The table is the friendliest honest SQL layout: one
// row per customer, single-valued tags and yes/no flags as columns, the multi-valued channel preference as an array,
// each held category's total balance as a nullable column (NULL = not held), and the sample hash of each campaign
// seed precomputed (PostgreSQL has no MurmurHash3; a SQL function over every row would be far slower). Every leaf is
// made two-valued with coalesce(…, false), so NOT behaves as the engine's "universe minus" despite SQL NULLs.

/** Sample seeds the synthetic rules use (test/support/synthetic-index.ts), in column order h0, h1, h2. */
export const SAMPLE_SEEDS = ['2024Q2-holdout', 'wealth-push', 'app-reactivation'] as const;
const CATEGORIES = ['fund', 'time_deposit', 'loan'] as const;
const TAGS = Object.keys(SYNTHETIC_TAGS);
const FLAGS = Object.keys(SYNTHETIC_FLAGS);
const CHANNELS = Object.keys(SYNTHETIC_CHANNELS);

export type Dialect = 'postgres' | 'clickhouse';

/** Column names and types of the table, per dialect. */
export function tableColumns(dialect: Dialect): [string, string][] {
  const pg = dialect === 'postgres';
  const nullable = (t: string) => (pg ? t : `Nullable(${t})`);
  return [
    ['id', pg ? 'integer primary key' : 'UInt32'],
    ['age', nullable(pg ? 'double precision' : 'Float64')],
    ['aum', nullable(pg ? 'double precision' : 'Float64')],
    ['customer_since', nullable('Date')],
    ['last_login', nullable('Date')],
    ['city', nullable(pg ? 'text' : 'String')],
    ['e_statement', nullable(pg ? 'boolean' : 'Bool')],
    ...TAGS.map((t): [string, string] => [t, pg ? 'text not null' : 'LowCardinality(String)']),
    ...FLAGS.map((f): [string, string] => [f, pg ? 'boolean not null' : 'Bool']),
    ['channel_preference', pg ? 'text[] not null' : 'Array(LowCardinality(String))'],
    ...CATEGORIES.map((c): [string, string] => [
      `${c}_balance`,
      nullable(pg ? 'double precision' : 'Float64'),
    ]),
    ...SAMPLE_SEEDS.map((_, i): [string, string] => [`h${i}`, pg ? 'bigint not null' : 'UInt32']),
  ];
}

/** The customers of the synthetic bank as typed columns by ordinal, read back from its index. */
export interface BankColumns {
  readonly size: number;
  readonly ordinals: Uint32Array;
  readonly numbers: Record<'age' | 'aum' | 'customer_since' | 'last_login', Float64Array>;
  readonly city: { codes: Uint32Array; dictionary: readonly string[] };
  readonly eStatement: Uint8Array;
  /** Per tag: value index + 1 by ordinal. */
  readonly tags: Record<string, Uint8Array>;
  /** Per flag: 1 = yes. */
  readonly flags: Record<string, Uint8Array>;
  /** Bit i = the i-th channel. */
  readonly channels: Uint8Array;
  readonly holdings: Record<(typeof CATEGORIES)[number], Float64Array>;
}

/** Reads the bank's index back into columns (every value comes from the index, so SQL sees the same data). */
export function bankColumns(bank: SyntheticBank): BankColumns {
  const index = bank.index;
  const size = index.maxOrdinal + 1;
  const byValue = (tag: string, values: readonly string[], into: Uint8Array, code: (i: number) => number) => {
    values.forEach((value, i) => {
      const members = index.tagValue(tag, value)!.toUint32Array();
      for (let k = 0; k < members.length; k++) into[members[k]!] = into[members[k]!]! | code(i);
    });
  };
  const tags: Record<string, Uint8Array> = {};
  for (const tag of TAGS) byValue(tag, bank.tags.get(tag)!, (tags[tag] = new Uint8Array(size)), (i) => i + 1);
  const flags: Record<string, Uint8Array> = {};
  for (const flag of FLAGS) byValue(flag, ['yes'], (flags[flag] = new Uint8Array(size)), () => 1);
  const channels = new Uint8Array(size);
  byValue('channel_preference', CHANNELS, channels, (i) => 1 << i);
  const numeric = (name: string) => {
    const a = index.attribute(name);
    if (!a || (a.type !== 'number' && a.type !== 'date')) throw new Error(`no numeric ${name}`);
    return a.column.values;
  };
  const city = index.attribute('city');
  const e = index.attribute('e_statement');
  if (city?.type !== 'string' || e?.type !== 'boolean') throw new Error('unexpected synthetic attributes');
  return {
    size,
    ordinals: index.universe.toUint32Array(),
    numbers: {
      age: numeric('age'),
      aum: numeric('aum'),
      customer_since: numeric('customer_since'),
      last_login: numeric('last_login'),
    },
    city: { codes: city.column.codes, dictionary: city.column.dictionary },
    eStatement: e.column.values,
    tags,
    flags,
    channels,
    holdings: {
      fund: index.holdings('fund').values,
      time_deposit: index.holdings('time_deposit').values,
      loan: index.holdings('loan').values,
    },
  };
}

const DAY_MS = 86_400_000;
const dateText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * CSV rows [from, to) of the columns, in tableColumns order. Nulls are empty fields (both engines read them as NULL);
 * the channel array is written as a PostgreSQL array literal, which the ClickHouse load splits.
 */
export function csvRows(c: BankColumns, from: number, to: number): string {
  const seeds = SAMPLE_SEEDS.map(sampleSeed);
  const tagValues = TAGS.map((t) => Object.keys(SYNTHETIC_TAGS[t]!));
  const lines: string[] = [];
  const num = (v: number | undefined) => (v === undefined || v !== v ? '' : String(v));
  for (let i = from; i < to; i++) {
    const o = c.ordinals[i]!;
    const cells: string[] = [
      String(o),
      num(c.numbers.age[o]),
      num(c.numbers.aum[o]),
      c.numbers.customer_since[o]! === c.numbers.customer_since[o]!
        ? dateText(c.numbers.customer_since[o]!)
        : '',
      c.numbers.last_login[o]! === c.numbers.last_login[o]! ? dateText(c.numbers.last_login[o]!) : '',
      c.city.codes[o] ? c.city.dictionary[c.city.codes[o]! - 1]! : '',
      c.eStatement[o] ? String(c.eStatement[o] === BOOL_TRUE) : '',
      ...TAGS.map((t, k) => tagValues[k]![c.tags[t]![o]! - 1]!),
      ...FLAGS.map((f) => String(c.flags[f]![o] === 1)),
      `"{${CHANNELS.filter((_, k) => c.channels[o]! & (1 << k)).join(',')}}"`,
      ...CATEGORIES.map((cat) => num(c.holdings[cat][o])),
      ...seeds.map((h) => String(murmur3Uint32(o, h))),
    ];
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** A `SELECT count(*)` of the customers matching the rule, in the dialect. */
export function countSql(rule: Rule, dialect: Dialect, table = 'bench_customers'): string {
  return `SELECT count(*) AS n FROM ${table} WHERE ${ruleSql(rule, dialect)}`;
}

/** The rule as a two-valued SQL boolean expression (never NULL). */
export function ruleSql(rule: Rule, d: Dialect): string {
  const pg = d === 'postgres';
  const TRUE = pg ? 'true' : '1';
  const FALSE = pg ? 'false' : '0';
  const known = (expr: string) => `coalesce(${expr}, ${FALSE})`;
  const text = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const list = (values: readonly (string | number)[]) =>
    values.map((v) => (typeof v === 'number' ? String(v) : text(v))).join(', ');
  if ('all' in rule) return rule.all.length ? `(${rule.all.map((r) => ruleSql(r, d)).join(' AND ')})` : TRUE;
  if ('any' in rule) return rule.any.length ? `(${rule.any.map((r) => ruleSql(r, d)).join(' OR ')})` : FALSE;
  if ('not' in rule) return `(NOT ${ruleSql(rule.not, d)})`;
  if ('tag' in rule) {
    const values = [...new Set(rule.in)];
    if (rule.tag === 'channel_preference')
      return pg
        ? `(channel_preference && ARRAY[${list(values)}]::text[])`
        : `hasAny(channel_preference, [${list(values)}])`;
    if (FLAGS.includes(rule.tag)) {
      const [yes, no] = [values.includes('yes'), values.includes('no')];
      return yes && no ? TRUE : yes ? `(${rule.tag})` : no ? `(NOT ${rule.tag})` : FALSE;
    }
    if (TAGS.includes(rule.tag)) return `(${rule.tag} IN (${list(values)}))`;
    throw new Error(`unknown synthetic tag ${rule.tag}`);
  }
  if ('attr' in rule) return attrSql(rule, d, known, text);
  if ('holds' in rule) {
    const column = `${rule.holds}_balance`;
    if (!(CATEGORIES as readonly string[]).includes(rule.holds)) return FALSE; // a category nobody holds
    const b = rule.balance ?? {};
    const parts = [`${column} IS NOT NULL`];
    if (b.gt !== undefined) parts.push(`${column} > ${b.gt}`);
    if (b.gte !== undefined) parts.push(`${column} >= ${b.gte}`);
    if (b.lt !== undefined) parts.push(`${column} < ${b.lt}`);
    if (b.lte !== undefined) parts.push(`${column} <= ${b.lte}`);
    if (b.eq !== undefined) parts.push(`${column} = ${b.eq}`);
    return known(`(${parts.join(' AND ')})`);
  }
  if ('sample' in rule) {
    const k = (SAMPLE_SEEDS as readonly string[]).indexOf(rule.sample.seed);
    if (k < 0) throw new Error(`no precomputed hash for seed ${rule.sample.seed}`);
    return rule.sample.percent >= 100 ? TRUE : `(h${k} < ${sampleThreshold(rule.sample.percent)})`;
  }
  throw new Error(`rule kind not in the synthetic rules: ${JSON.stringify(rule)}`);
}

function attrSql(
  rule: AttrRule,
  d: Dialect,
  known: (expr: string) => string,
  text: (s: string) => string,
): string {
  const type = SYNTHETIC_ATTRIBUTES[rule.attr as keyof typeof SYNTHETIC_ATTRIBUTES];
  const col = rule.attr;
  if (rule.op === 'empty') return `(${col} IS ${rule.value ? '' : 'NOT '}NULL)`;
  const literal = (v: unknown): string => {
    if (type === 'date') return d === 'postgres' ? `DATE ${text(String(v))}` : `toDate(${text(String(v))})`;
    if (type === 'boolean') return v ? (d === 'postgres' ? 'true' : '1') : d === 'postgres' ? 'false' : '0';
    return typeof v === 'number' ? String(v) : text(String(v));
  };
  switch (rule.op) {
    case 'between':
      return known(`(${col} BETWEEN ${literal(rule.value[0])} AND ${literal(rule.value[1])})`);
    case 'in':
      return known(`(${col} IN (${rule.value.map(literal).join(', ')}))`);
    case 'contains':
      return known(
        d === 'postgres'
          ? `(strpos(${col}, ${text(rule.value)}) > 0)`
          : `(position(${col}, ${text(rule.value)}) > 0)`,
      );
    case '=':
      return known(`(${col} = ${literal(rule.value)})`);
    case '!=':
      return known(`(${col} <> ${literal(rule.value)})`);
    default:
      return known(`(${col} ${rule.op} ${literal(rule.value)})`);
  }
}
