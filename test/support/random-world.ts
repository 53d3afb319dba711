import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../src/shared/bitmap.ts';
import {
  CustomerIndexBuilder,
  type CustomerIndex,
  type IndexBuilderOptions,
} from '../../src/segments/index.ts';
import type { EventCondition } from '../../src/segments/predicate.ts';
import { Prng } from '../../src/shared/prng.ts';
import {
  addDays,
  referenceMatchesWhere,
  type RefCustomer,
  type RefData,
  type RefEvent,
} from './segments-reference.ts';
import { randomRule, type RuleVocabulary } from './random-rule.ts';
import { PRODUCT_CATEGORIES, type Rule, type Scalar } from '../../src/segments/rule.ts';

// Test support for the property test: a random small bank (customers with nulls, tags, holdings, events, saved
// segments, lists) given both as plain rows for the reference evaluator and as a CustomerIndex for the engine,
// plus a random rule generator that reaches every leaf kind, op and edge value.

export const WORLD_TODAY = '2024-03-15';

export const ATTRIBUTE_TYPES = {
  age: 'number',
  aum: 'number',
  score: 'number',
  birth_date: 'date',
  last_login: 'date',
  city: 'string',
  nickname: 'string',
  payroll: 'boolean',
  vip: 'boolean',
} as const;

export const TAGS: Record<string, readonly string[]> = {
  tier: ['mass', 'gold', 'platinum', 'diamond', 'private'],
  channel: ['app', 'wecom', 'sms', 'branch'],
  lifecycle: ['portrait', 'reached', 'interested', 'demand', 'transaction', 'repeat', 'super'],
};
/** A declared tag value nobody carries. */
export const GHOST_VALUE = 'ghost';

const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Wuhan', 'Xi’an', '上海浦东'];
const SYLLABLES = ['li', 'wang', 'zhang', 'liu', 'chen', 'yang', 'zhao', 'huang', 'an', 'ng'];
const EVENTS = ['purchase', 'login', 'redeem'];
const EVENT_CHANNELS = ['app', 'branch', 'wecom'];
const PRODUCTS = ['F1', 'F2', 'D1', 'I9'];
const SCORES = [0, 0.5, 1, 1, 1, 100];

export interface World {
  readonly seed: number;
  readonly data: RefData;
  readonly index: CustomerIndex;
  /** Definitions of the segments the index has no bitmap for. */
  readonly segmentRules: ReadonlyMap<string, Rule>;
  /** What random rules over this world may name. */
  readonly vocabulary: RuleVocabulary;
}

/** A random world from a seed: the same seed gives the same world. */
export function randomWorld(seed: number): World {
  const rng = new Prng(seed);
  const maxOrdinal = rng.int(150, 2500);
  const customers: RefCustomer[] = [];
  const events: RefEvent[] = [];
  const seen = new Map<string, Scalar[]>(Object.keys(ATTRIBUTE_TYPES).map((k) => [k, []]));
  for (let ordinal = 1; ordinal <= maxOrdinal; ordinal++) {
    if (rng.chance(0.1)) continue; // gaps: ordinals of deleted customers
    const attrs: Record<string, Scalar | null> = {
      age: rng.chance(0.1) ? null : rng.int(18, 80),
      aum: rng.chance(0.1)
        ? null
        : rng.chance(0.15)
          ? 0
          : Math.round(rng.next() ** 3 * 5e6) / 100 - (rng.chance(0.05) ? 500 : 0),
      score: rng.chance(0.05) ? null : rng.pick(SCORES),
      birth_date: rng.chance(0.1) ? null : addDays('1950-01-01', rng.int(0, 20000)),
      last_login: rng.chance(0.3) ? null : addDays(WORLD_TODAY, -rng.int(0, 90)),
      city: rng.chance(0.1) ? null : rng.pick(CITIES),
      nickname: rng.chance(0.1)
        ? null
        : Array.from({ length: rng.int(1, 3) }, () => rng.pick(SYLLABLES)).join(''),
      payroll: rng.chance(0.2) ? null : rng.chance(0.4),
      vip: rng.chance(0.05) ? null : rng.chance(0.1),
    };
    for (const [k, v] of Object.entries(attrs)) if (v !== null) seen.get(k)!.push(v);
    const tags: Record<string, string[]> = {};
    if (!rng.chance(0.05)) tags.tier = [TAGS.tier![rng.weighted([60, 20, 10, 7, 3])]!];
    tags.channel = TAGS.channel!.filter(() => rng.chance(0.35));
    if (!rng.chance(0.1)) tags.lifecycle = [rng.pick(TAGS.lifecycle!)];
    const holdings = Array.from({ length: rng.weighted([40, 30, 20, 10]) }, () => ({
      category: rng.pick(PRODUCT_CATEGORIES.slice(0, 4)), // few categories, so one is often held twice
      balance: rng.chance(0.1) ? 0 : Math.round(rng.next() ** 2 * 2e7) / 100,
    }));
    customers.push({ ordinal, attrs, tags, holdings });
    for (let n = rng.weighted([30, 25, 20, 15, 10]) * 2; n > 0; n--) {
      const properties: Record<string, unknown> = {};
      if (!rng.chance(0.1))
        properties.amount = rng.chance(0.05) ? '100' : rng.pick([0, 50, 100, 999.5, 1000, 5000]);
      if (!rng.chance(0.1)) properties.channel = rng.pick(EVENT_CHANNELS);
      if (rng.chance(0.7)) properties.product = rng.pick(PRODUCTS);
      events.push({
        ordinal,
        event: rng.pick(EVENTS),
        date: addDays(WORLD_TODAY, -rng.int(-2, 60)),
        properties,
      });
    }
  }
  const subset = (p: number) =>
    Array.from({ length: maxOrdinal + 20 }, (_, i) => i + 1).filter(() => rng.chance(p));
  const segments = { S1: subset(0.3), S2: subset(0.05), S3: subset(0.7) };
  const lists = { L1: subset(0.2), L2: subset(0.01) };
  const data: RefData = { attributeTypes: ATTRIBUTE_TYPES, customers, events, segments, lists };
  const vocabulary: RuleVocabulary = {
    attributeTypes: ATTRIBUTE_TYPES,
    tags: Object.fromEntries(Object.entries(TAGS).map(([tag, values]) => [tag, [...values, GHOST_VALUE]])),
    seen,
    segments: [],
    lists: Object.keys(lists),
    events: EVENTS,
    eventStrings: { channel: EVENT_CHANNELS, product: PRODUCTS },
  };
  // segments known only by definition: D1 is plain, D2 depends on a materialized one and on D1
  const d1 = randomRule(rng, vocabulary, 2);
  const d2: Rule = { any: [{ segment: 'S1' }, { not: { segment: 'D1' } }] };
  const segmentRules = { D1: d1, D2: d2 };
  const fullData: RefData = { ...data, segmentRules };
  return {
    seed,
    data: fullData,
    index: buildIndex(rng, fullData),
    segmentRules: new Map(Object.entries(segmentRules)),
    vocabulary: { ...vocabulary, segments: [...Object.keys(segments), ...Object.keys(segmentRules)] },
  };
}

function buildIndex(rng: Prng, data: RefData): CustomerIndex {
  // Tiny bins and groups exercise partial bins and cumulative bitmaps on a few thousand customers.
  const options: IndexBuilderOptions = {
    attributes: ATTRIBUTE_TYPES,
    numeric: {
      fineBins: rng.pick([1, 2, 5, 16, 64, 400]),
      cumulative: rng.pick([1, 2, 3, 8, 32]),
      coreCost: rng.pick([0, 10, 100, undefined]),
    },
    postingsUpTo: rng.pick([0, 4, 4096]),
    ...(rng.chance(0.5) ? { capacity: rng.int(10, 3000) } : {}),
  };
  const builder = new CustomerIndexBuilder(options);
  const tagged = new Map<string, number[]>();
  for (const c of data.customers) {
    builder.addCustomer(c.ordinal, c.attrs);
    for (const h of c.holdings) builder.addHolding(c.ordinal, h.category as never, h.balance);
    for (const [tag, values] of Object.entries(c.tags)) {
      for (const v of values)
        tagged.set(`${tag}\u0000${v}`, [...(tagged.get(`${tag}\u0000${v}`) ?? []), c.ordinal]);
    }
  }
  for (const [tag, values] of Object.entries(TAGS)) {
    for (const value of [...values, GHOST_VALUE]) {
      const members = tagged.get(`${tag}\u0000${value}`) ?? [];
      // half as arrays, half as bitmaps, with stray non-customer ordinals the builder must drop
      builder.addTagValue(tag, value, rng.chance(0.5) ? members : new RoaringBitmap32([...members, 99_999]));
    }
  }
  for (const [id, members] of Object.entries(data.segments)) builder.setSegment(id, members);
  for (const [id, members] of Object.entries(data.lists)) builder.setList(id, members);
  return builder.build();
}

/** The test's event resolver: answers conditions from the world's event rows, as the event store will. */
export function worldEventResolver(world: World): (c: EventCondition) => Promise<ReadonlyRoaringBitmap32> {
  return async (c) => {
    const aggregate = new Map<number, number>();
    for (const e of world.data.events) {
      if (e.event !== c.event || (c.from !== null && e.date < c.from) || (c.to !== null && e.date > c.to))
        continue;
      if (!referenceMatchesWhere(e.properties, c.where)) continue;
      const value = c.measure.kind === 'count' ? 1 : e.properties[c.measure.property];
      aggregate.set(e.ordinal, (aggregate.get(e.ordinal) ?? 0) + (typeof value === 'number' ? value : 0));
    }
    const h = c.having;
    const out = new RoaringBitmap32();
    for (const [ordinal, x] of aggregate) {
      if ((h.loInclusive ? x >= h.lo : x > h.lo) && (h.hiInclusive ? x <= h.hi : x < h.hi)) out.add(ordinal);
    }
    out.add(123_456); // an ordinal the snapshot does not know: the engine must ignore it
    return out;
  };
}
