import { CustomerIndexBuilder, type CustomerIndex } from '../../src/segments/index.ts';
import { formatDay, parseDay } from '../../src/segments/predicate.ts';
import { Prng } from '../../src/shared/prng.ts';
import type { AttrRule, ProductCategory, Rule } from '../../src/segments/rule.ts';

// A synthetic bank of any size for benchmarks: ~60 tag values with realistic shares (tiers, lifecycle, RFM, risk
// levels, branches, yes/no flags such as wecom_friend, multi-valued channel preferences), numeric, date, string and
// boolean attributes, and holdings in three categories. Deterministic: the same options give the same index.

/** Tags and the share of customers carrying each value (categorical tags: shares sum to 1). */
export const SYNTHETIC_TAGS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  aum_tier: { mass: 0.8, gold: 0.12, platinum: 0.05, diamond: 0.025, private: 0.005 },
  lifecycle: {
    portrait: 0.3,
    reached: 0.25,
    interested: 0.15,
    demand: 0.1,
    transaction: 0.12,
    repeat: 0.06,
    super: 0.02,
  },
  rfm: {
    champions: 0.05,
    loyal: 0.1,
    potential: 0.15,
    new: 0.1,
    promising: 0.1,
    at_risk: 0.15,
    hibernating: 0.2,
    lost: 0.15,
  },
  risk_level: { R1: 0.15, R2: 0.3, R3: 0.35, R4: 0.15, R5: 0.05 },
  branch: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`B${String(i + 1).padStart(2, '0')}`, 0])),
};

/** Yes/no tags and the share of "yes". */
export const SYNTHETIC_FLAGS: Readonly<Record<string, number>> = {
  wecom_friend: 0.3,
  sms_consent: 0.7,
  app_user: 0.45,
  payroll: 0.25,
  dormant: 0.2,
  active_30d: 0.35,
  loan_due_30d: 0.03,
  deposit_maturing_30d: 0.05,
  policy_renewal_60d: 0.02,
  has_fund: 0.2,
};

/** A multi-valued tag: each value independently, with its share. */
export const SYNTHETIC_CHANNELS: Readonly<Record<string, number>> = {
  app: 0.4,
  wecom: 0.25,
  sms: 0.2,
  branch: 0.15,
  phone: 0.05,
};

export const SYNTHETIC_ATTRIBUTES = {
  age: 'number',
  aum: 'number',
  customer_since: 'date',
  last_login: 'date',
  city: 'string',
  e_statement: 'boolean',
} as const;

const CITIES = Array.from({ length: 30 }, (_, i) => `city_${String(i + 1).padStart(2, '0')}`);
const HOLDINGS: readonly [ProductCategory, number, number][] = [
  ['fund', 0.2, 50_000],
  ['time_deposit', 0.35, 200_000],
  ['loan', 0.1, 300_000],
];
/** The day synthetic dates are relative to. */
export const SYNTHETIC_TODAY = '2024-06-30';

export interface SyntheticBank {
  readonly index: CustomerIndex;
  /** Every tag and its values. */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  readonly generateMs: number;
  readonly buildMs: number;
}

/** Generates a synthetic bank of `customers` customers (ordinals 1..customers) and builds its index. */
export function syntheticBank(options: { customers: number; seed?: number }): SyntheticBank {
  const n = options.customers;
  const rng = new Prng(options.seed ?? 2024);
  const started = performance.now();
  const builder = new CustomerIndexBuilder({ attributes: SYNTHETIC_ATTRIBUTES, capacity: n });
  const today = parseDay(SYNTHETIC_TODAY)!;
  const tags = new Map<string, string[]>();
  // categorical tags: one value per customer, drawn by share; ordinals are collected per value in order
  const categorical = Object.entries(SYNTHETIC_TAGS).map(([tag, shares]) => {
    const values = Object.keys(shares);
    const weights = Object.values(shares).map((w, i) => w || 1 / (i + 1)); // branches: Zipf-like
    return {
      tag,
      values,
      cumulative: cumulativeShares(weights),
      members: values.map(() => new Uint32Array(n)),
      sizes: new Uint32Array(values.length),
    };
  });
  const flags = Object.entries(SYNTHETIC_FLAGS).map(([tag, p]) => ({
    tag,
    p,
    members: [new Uint32Array(n), new Uint32Array(n)],
    sizes: [0, 0],
  }));
  const channels = Object.entries(SYNTHETIC_CHANNELS).map(([value, p]) => ({
    value,
    p,
    members: new Uint32Array(n),
    size: 0,
  }));
  for (let ordinal = 1; ordinal <= n; ordinal++) {
    const aum = rng.chance(0.1)
      ? 0
      : Math.round(Math.exp(8 + 2.2 * (rng.next() + rng.next() + rng.next() - 1.5) * 1.7) * 100) / 100;
    builder.addCustomer(ordinal, {
      age: rng.chance(0.02) ? null : 18 + Math.floor(rng.next() * rng.next() * 72 + rng.next() * 10),
      aum,
      customer_since: today - rng.int(0, 24 * 365), // day numbers: no date text to format and parse
      last_login: rng.chance(0.3) ? null : today - Math.floor(rng.next() ** 2 * 365),
      city: rng.chance(0.03) ? null : CITIES[Math.floor(rng.next() ** 1.5 * CITIES.length)]!,
      e_statement: rng.chance(0.1) ? null : rng.chance(0.6),
    });
    for (const [category, share, scale] of HOLDINGS) {
      if (rng.chance(share))
        builder.addHolding(ordinal, category, Math.round(rng.next() ** 2 * scale * 100) / 100);
    }
    for (const c of categorical) {
      const x = rng.next();
      let v = 0;
      while (v < c.cumulative.length - 1 && x >= c.cumulative[v]!) v++;
      c.members[v]![c.sizes[v]!++] = ordinal;
    }
    for (const f of flags) {
      const yes = rng.chance(f.p) ? 0 : 1;
      f.members[yes]![f.sizes[yes]!++] = ordinal;
    }
    for (const c of channels) if (rng.chance(c.p)) c.members[c.size++] = ordinal;
  }
  for (const c of categorical) {
    c.values.forEach((value, v) => builder.addTagValue(c.tag, value, c.members[v]!.subarray(0, c.sizes[v])));
    tags.set(c.tag, c.values);
  }
  for (const f of flags) {
    builder
      .addTagValue(f.tag, 'yes', f.members[0]!.subarray(0, f.sizes[0]))
      .addTagValue(f.tag, 'no', f.members[1]!.subarray(0, f.sizes[1]));
    tags.set(f.tag, ['yes', 'no']);
  }
  for (const c of channels) builder.addTagValue('channel_preference', c.value, c.members.subarray(0, c.size));
  tags.set('channel_preference', Object.keys(SYNTHETIC_CHANNELS));
  const generated = performance.now();
  const index = builder.build();
  return { index, tags, generateMs: generated - started, buildMs: performance.now() - generated };
}

function cumulativeShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
}

/** Random nested rules with exactly `conditions` leaves each (tags mostly, some ranges, holdings and samples). */
export function syntheticRules(
  bank: SyntheticBank,
  count: number,
  options: { seed?: number; conditions?: number } = {},
): Rule[] {
  const rng = new Prng(options.seed ?? 7);
  const tagNames = [...bank.tags.keys()];
  const today = parseDay(SYNTHETIC_TODAY)!;
  const leaf = (): Rule => {
    const kind = rng.weighted([65, 22, 8, 5]);
    if (kind === 0) {
      const tag = rng.pick(tagNames);
      const values = bank.tags.get(tag)!;
      return { tag, in: [...new Set([rng.pick(values), ...(rng.chance(0.3) ? [rng.pick(values)] : [])])] };
    }
    if (kind === 1) {
      const attrs: AttrRule[] = [
        { attr: 'age', op: 'between', value: [rng.int(18, 50), rng.int(50, 90)] },
        { attr: 'aum', op: '>=', value: rng.pick([10_000, 50_000, 500_000, 6_000_000]) },
        { attr: 'last_login', op: '>=', value: formatDay(today - rng.int(7, 180)) },
        { attr: 'customer_since', op: '<', value: formatDay(today - rng.int(30, 3650)) },
        { attr: 'city', op: 'in', value: [rng.pick(CITIES), rng.pick(CITIES)] },
        { attr: 'e_statement', op: '=', value: true },
        { attr: 'last_login', op: 'empty', value: true },
      ];
      return rng.pick(attrs);
    }
    if (kind === 2) {
      const [category, , scale] = rng.pick(HOLDINGS);
      return rng.chance(0.5)
        ? { holds: category }
        : { holds: category, balance: { gte: Math.round(scale * rng.next()) } };
    }
    // hold-out groups come with a handful of campaign seeds
    return {
      sample: {
        percent: rng.pick([5, 10, 50]),
        seed: rng.pick(['2024Q2-holdout', 'wealth-push', 'app-reactivation']),
      },
    };
  };
  const node = (leaves: number, depth: number): Rule => {
    if (leaves === 1) return rng.chance(0.15) ? { not: leaf() } : leaf();
    const parts = depth >= 3 ? leaves : rng.int(2, Math.min(3, leaves));
    const sizes = Array.from({ length: parts }, () => 1);
    for (let extra = leaves - parts; extra > 0; extra--) sizes[rng.int(0, parts - 1)]!++;
    const children = sizes.map((k) => node(k, depth + 1));
    const group: Rule = rng.chance(0.6) ? { all: children } : { any: children };
    return depth > 0 && rng.chance(0.1) ? { not: group } : group;
  };
  return Array.from({ length: count }, () => node(options.conditions ?? 8, 0));
}
