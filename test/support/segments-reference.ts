import type { Bounds, PropertyPredicate, Rule, Scalar } from '../../src/segments/rule.ts';

// Test support: a plain row-by-row evaluator of rules over plain JS objects, the oracle the bitmap engine is checked
// against. It is written straight from the rule semantics and shares nothing with the engine but the rule types:
// dates are compared as ISO strings (not day numbers), windows with Date arithmetic, and the sampling hash is a
// byte-wise MurmurHash3 written from its specification.

export type RefAttrType = 'number' | 'string' | 'date' | 'boolean';

export interface RefCustomer {
  readonly ordinal: number;
  /** Missing or null = null; dates as 'YYYY-MM-DD'. */
  readonly attrs: Readonly<Record<string, Scalar | null>>;
  readonly tags: Readonly<Record<string, readonly string[]>>;
  readonly holdings: readonly { readonly category: string; readonly balance: number }[];
}

export interface RefEvent {
  readonly ordinal: number;
  readonly event: string;
  readonly date: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface RefData {
  readonly attributeTypes: Readonly<Record<string, RefAttrType>>;
  readonly customers: readonly RefCustomer[];
  readonly events: readonly RefEvent[];
  /** Saved segments with materialized members. */
  readonly segments: Readonly<Record<string, readonly number[]>>;
  /** Saved segments known only by their rule, evaluated on the fly. */
  readonly segmentRules?: Readonly<Record<string, Rule>>;
  readonly lists: Readonly<Record<string, readonly number[]>>;
}

/** The ordinals of the customers matching the rule, evaluated one customer at a time. */
export function referenceEvaluate(rule: Rule, data: RefData, today: string): Set<number> {
  const eventsOf = new Map<number, RefEvent[]>();
  for (const e of data.events) {
    const list = eventsOf.get(e.ordinal) ?? [];
    list.push(e);
    eventsOf.set(e.ordinal, list);
  }
  const sets: Sets = {
    segments: new Map(Object.entries(data.segments).map(([id, m]) => [id, new Set(m)])),
    lists: new Map(Object.entries(data.lists).map(([id, m]) => [id, new Set(m)])),
  };
  const out = new Set<number>();
  for (const c of data.customers)
    if (matches(rule, c, eventsOf.get(c.ordinal) ?? [], data, sets, today)) out.add(c.ordinal);
  return out;
}

interface Sets {
  readonly segments: ReadonlyMap<string, ReadonlySet<number>>;
  readonly lists: ReadonlyMap<string, ReadonlySet<number>>;
}

function matches(
  rule: Rule,
  c: RefCustomer,
  events: readonly RefEvent[],
  data: RefData,
  sets: Sets,
  today: string,
): boolean {
  if ('all' in rule) return rule.all.every((r) => matches(r, c, events, data, sets, today));
  if ('any' in rule) return rule.any.some((r) => matches(r, c, events, data, sets, today));
  if ('not' in rule) return !matches(rule.not, c, events, data, sets, today);
  if ('tag' in rule) return (c.tags[rule.tag] ?? []).some((v) => rule.in.includes(v));
  if ('attr' in rule) {
    const value = c.attrs[rule.attr] ?? null;
    if (rule.op === 'empty') return (value === null) === rule.value;
    if (value === null) return false;
    const type = data.attributeTypes[rule.attr];
    switch (rule.op) {
      case '=':
        return value === rule.value;
      case '!=':
        return value !== rule.value;
      case 'in':
        return rule.value.includes(value);
      case 'contains':
        return typeof value === 'string' && value.includes(rule.value);
      case 'between':
        return type !== 'string' && value >= rule.value[0] && value <= rule.value[1];
      case '<':
        return value < rule.value;
      case '<=':
        return value <= rule.value;
      case '>':
        return value > rule.value;
      case '>=':
        return value >= rule.value;
    }
  }
  if ('holds' in rule) {
    const held = c.holdings.filter((h) => h.category === rule.holds);
    if (held.length === 0) return false;
    return withinBounds(
      held.reduce((sum, h) => sum + h.balance, 0),
      rule.balance ?? {},
    );
  }
  if ('event' in rule) {
    let from = rule.from ?? '0000-00-00';
    let to = rule.to ?? '9999-99-99';
    if (rule.within_days !== undefined) [from, to] = [addDays(today, -(rule.within_days - 1)), today];
    const hits = events.filter(
      (e) =>
        e.event === rule.event &&
        e.date >= from &&
        e.date <= to &&
        referenceMatchesWhere(e.properties, rule.where ?? {}),
    );
    if (rule.sum) {
      const property = rule.sum.property;
      const total = hits.reduce(
        (sum, e) =>
          sum + (typeof e.properties[property] === 'number' ? (e.properties[property] as number) : 0),
        0,
      );
      return withinBounds(total, rule.sum);
    }
    return withinBounds(hits.length, rule.count ?? { gte: 1 });
  }
  if ('segment' in rule) {
    const members = sets.segments.get(rule.segment);
    if (members) return members.has(c.ordinal);
    const definition = data.segmentRules?.[rule.segment];
    return definition !== undefined && matches(definition, c, events, data, sets, today);
  }
  if ('list' in rule) return sets.lists.get(rule.list)?.has(c.ordinal) ?? false;
  const { percent, seed } = rule.sample;
  if (percent >= 100) return true;
  const ordinalBytes = [
    c.ordinal & 0xff,
    (c.ordinal >>> 8) & 0xff,
    (c.ordinal >>> 16) & 0xff,
    (c.ordinal >>> 24) & 0xff,
  ];
  const hash = referenceMurmur3(ordinalBytes, referenceMurmur3([...new TextEncoder().encode(seed)], 0));
  return hash < Math.floor((percent / 100) * 4294967296);
}

function withinBounds(x: number, b: Bounds): boolean {
  return (
    (b.gt === undefined || x > b.gt) &&
    (b.gte === undefined || x >= b.gte) &&
    (b.lt === undefined || x < b.lt) &&
    (b.lte === undefined || x <= b.lte) &&
    (b.eq === undefined || x === b.eq)
  );
}

/** True when the event properties satisfy every condition of `where` (a bare value means equality). */
export function referenceMatchesWhere(
  properties: Readonly<Record<string, unknown>>,
  where: Readonly<Record<string, Scalar | PropertyPredicate>>,
): boolean {
  return Object.entries(where).every(([key, condition]) => {
    const value = properties[key];
    if (value === undefined || value === null) return false;
    const p: PropertyPredicate = typeof condition === 'object' ? condition : { eq: condition };
    // order comparisons only between two numbers or two strings (as JS compares them); mixed types never match
    const comparable = (bound: number | string) => typeof value === typeof bound;
    return (
      (p.eq === undefined || value === p.eq) &&
      (p.ne === undefined || value !== p.ne) &&
      (p.in === undefined || p.in.includes(value as Scalar)) &&
      (p.contains === undefined || (typeof value === 'string' && value.includes(p.contains))) &&
      (p.gt === undefined || (comparable(p.gt) && (value as number) > (p.gt as number))) &&
      (p.gte === undefined || (comparable(p.gte) && (value as number) >= (p.gte as number))) &&
      (p.lt === undefined || (comparable(p.lt) && (value as number) < (p.lt as number))) &&
      (p.lte === undefined || (comparable(p.lte) && (value as number) <= (p.lte as number)))
    );
  });
}

/** The 'YYYY-MM-DD' date `days` after (or before, when negative) the given one. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** MurmurHash3 x86 32-bit over a byte list, transcribed from the reference algorithm. */
export function referenceMurmur3(bytes: readonly number[], seed: number): number {
  const mul = (a: number, b: number) => Number((BigInt(a) * BigInt(b)) & 0xffffffffn);
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  const scramble = (k: number) => mul(rotl(mul(k, 0xcc9e2d51), 15), 0x1b873593);
  let h = seed >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    const k = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    h = (h ^ scramble(k)) >>> 0;
    h = rotl(h, 13);
    h = (mul(h, 5) + 0xe6546b64) >>> 0;
  }
  let k = 0;
  for (let j = bytes.length - 1; j >= i; j--) k = ((k << 8) | bytes[j]!) >>> 0;
  if (bytes.length > i) h = (h ^ scramble(k)) >>> 0;
  h = (h ^ bytes.length) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = mul(h, 0x85ebca6b);
  h = (h ^ (h >>> 13)) >>> 0;
  h = mul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
