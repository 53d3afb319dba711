import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import type { SegmentIndexEntry } from '../segments/index-cache.ts';
import { parseDay } from '../segments/predicate.ts';
import type { StoreIndex } from '../segments/source.ts';
import type { Bilingual } from '../segments/tag-source.ts';
import type { Database } from '../store/operational/database.ts';
import { concentration, type Concentration } from './concentration.ts';

// Group analysis: the four properties of a good customer group (scale, growth, identifiable & accessible,
// stickiness), its label portrait and its AUM concentration, for any bitmap of customers (a saved segment or an ad-hoc
// rule). Every figure is computed in memory from the segment index cache (bitmaps and typed arrays per ordinal), not
// with SQL per request; only growth reads the segment's stored snapshots. Definitions: src/analytics/README.md.

export interface GroupAnalysis {
  readonly asOf: string;
  readonly members: number;
  readonly shareOfCustomers: number;
  readonly aum: number;
  readonly shareOfAum: number;
  readonly growth: {
    readonly points: { asOf: string; members: number; aum: number }[];
    readonly entered: number | null;
    readonly left: number | null;
  };
  readonly reach: {
    readonly wecomFriend: number;
    readonly smsConsent: number;
    readonly appPush: number;
    readonly withManager: number;
  };
  readonly stickiness: {
    readonly active30dRate: number | null;
    readonly retention90dRate: number | null;
    readonly avgTenureYears: number | null;
  };
  readonly portrait: PortraitItem[];
  readonly concentration: Concentration;
  readonly elapsedMs: number;
}

export interface PortraitItem {
  readonly tag: string;
  readonly value: string;
  readonly name: Bilingual;
  readonly label: Bilingual;
  readonly groupShare: number;
  readonly baseShare: number;
  readonly tgi: number;
}

/** What the analysis compares a group with: the whole base of the index, per ordinal. */
export interface GroupBase {
  readonly asOf: string;
  readonly universe: ReadonlyRoaringBitmap32;
  /** customers.aum by ordinal (NaN for non-customers). */
  readonly aum: Float64Array;
  readonly totalAum: number;
  /** customer_since as day numbers by ordinal (NaN when unknown). */
  readonly since: Float64Array;
  readonly reach: Readonly<
    Record<'wecomFriend' | 'smsConsent' | 'appPush' | 'withManager', ReadonlyRoaringBitmap32>
  >;
  readonly tags: readonly {
    tag: string;
    value: string;
    name: Bilingual;
    label: Bilingual;
    bitmap: ReadonlyRoaringBitmap32;
  }[];
}

/** Customers active in the last 30 days, and in days 61–90 before the day. */
export interface Activity {
  readonly last30: ReadonlyRoaringBitmap32;
  readonly days61to90: ReadonlyRoaringBitmap32;
}

export interface FigureOptions {
  /** A tag value enters the portrait when at least this many members carry it (default max(10, 1% of members)). */
  readonly minSupport?: number;
}

const EMPTY = new RoaringBitmap32().freeze();
const bases = new WeakMap<StoreIndex, GroupBase>();

/** The comparison base of an index entry (computed once per built index). */
export function groupBase(entry: SegmentIndexEntry): GroupBase {
  const known = bases.get(entry.base);
  if (known) return known;
  const index = entry.base.index;
  const numbers = (name: string) => {
    const a = index.attribute(name);
    return a && (a.type === 'number' || a.type === 'date') ? a.column.values : new Float64Array(0);
  };
  const aum = numbers('aum');
  let totalAum = 0;
  for (let i = 0; i < aum.length; i++) if (aum[i]! > 0) totalAum += aum[i]!;
  const wecom = index.attribute('wecom_friend');
  const app = index.attribute('app_user');
  const manager = index.attribute('account_manager_id');
  const appPush = RoaringBitmap32.or(
    entry.base.consents.appPush,
    app?.type === 'boolean' ? app.column.trueBits : EMPTY,
  );
  const tags: GroupBase['tags'][number][] = [];
  for (const [tag, values] of index.describe().tags) {
    const info = entry.base.tagInfo.get(tag);
    const labels = new Map(info?.values.map((v) => [v.value, v.label]));
    for (const value of values) {
      tags.push({
        tag,
        value,
        name: info?.name ?? { en: tag, zh: tag },
        label: labels.get(value) ?? { en: value, zh: value },
        bitmap: index.tagValue(tag, value)!,
      });
    }
  }
  const base: GroupBase = {
    asOf: entry.asOf,
    universe: index.universe,
    aum,
    totalAum,
    since: numbers('customer_since'),
    reach: {
      wecomFriend: wecom?.type === 'boolean' ? wecom.column.trueBits : EMPTY,
      smsConsent: entry.base.consents.sms,
      appPush: appPush.freeze(),
      withManager: manager ? manager.column.nonNull : EMPTY,
    },
    tags,
  };
  bases.set(entry.base, base);
  return base;
}

/** Scale, reach, stickiness, portrait and concentration of a group against the base (no growth: see segmentGrowth). */
export function groupFigures(
  members: ReadonlyRoaringBitmap32,
  base: GroupBase,
  activity: Activity | null,
  options: FigureOptions = {},
): Omit<GroupAnalysis, 'growth' | 'elapsedMs'> {
  const n = members.size;
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const ordinals = members.toUint32Array();
  const values = new Float64Array(ordinals.length);
  const asOfDay = parseDay(base.asOf)!;
  let tenureDays = 0;
  let withSince = 0;
  for (let i = 0; i < ordinals.length; i++) {
    const o = ordinals[i]!;
    values[i] = base.aum[o] ?? 0;
    const since = base.since[o];
    if (since !== undefined && since === since) {
      tenureDays += asOfDay - since;
      withSince++;
    }
  }
  const conc = concentration(values); // clamps and sorts `values`
  let aum = 0;
  for (let i = 0; i < values.length; i++) aum += values[i]!;
  const rate = (bitmap: ReadonlyRoaringBitmap32) => share(members.andCardinality(bitmap), n);
  let retention: number | null = null;
  if (activity) {
    const earlier = RoaringBitmap32.and(members, activity.days61to90);
    retention = earlier.size > 0 ? earlier.andCardinality(activity.last30) / earlier.size : null;
    earlier.dispose();
  }
  const minSupport = options.minSupport ?? Math.max(10, Math.ceil(n * 0.01));
  const universe = base.universe.size;
  const portrait: PortraitItem[] = [];
  for (const t of base.tags) {
    const inGroup = n > 0 ? members.andCardinality(t.bitmap) : 0;
    if (inGroup < minSupport || inGroup === 0) continue;
    const groupShare = inGroup / n;
    const baseShare = share(t.bitmap.size, universe);
    portrait.push({
      tag: t.tag,
      value: t.value,
      name: t.name,
      label: t.label,
      groupShare,
      baseShare,
      tgi: baseShare > 0 ? (100 * groupShare) / baseShare : 0,
    });
  }
  // most distinctive first: furthest from 100 on a log scale, so TGI 200 and TGI 50 weigh the same
  const distance = (p: PortraitItem) => Math.abs(Math.log(p.tgi / 100));
  portrait.sort((a, b) => distance(b) - distance(a) || b.groupShare - a.groupShare);
  return {
    asOf: base.asOf,
    members: n,
    shareOfCustomers: share(n, universe),
    aum: Math.round(aum * 100) / 100,
    shareOfAum: share(aum, base.totalAum),
    reach: {
      wecomFriend: rate(base.reach.wecomFriend),
      smsConsent: rate(base.reach.smsConsent),
      appPush: rate(base.reach.appPush),
      withManager: rate(base.reach.withManager),
    },
    stickiness: {
      active30dRate: activity && n > 0 ? rate(activity.last30) : null,
      retention90dRate: retention,
      avgTenureYears: withSince > 0 ? tenureDays / withSince / 365.25 : null,
    },
    portrait,
    concentration: conc,
  };
}

/**
 * Members and AUM at each stored snapshot of the segment up to the day (plus the day itself, live, when it has no
 * snapshot), and who entered and left since the latest snapshot before the day (null when there is none).
 */
export async function segmentGrowth(
  db: Kysely<Database>,
  segmentId: string,
  current: { asOf: string; members: ReadonlyRoaringBitmap32; aum: number },
): Promise<GroupAnalysis['growth']> {
  const rows = await db
    .selectFrom('segment_snapshots')
    .select([sql<string>`as_of::text`.as('as_of'), 'members', 'aum'])
    .where('segment_id', '=', segmentId)
    .where('as_of', '<=', current.asOf)
    .orderBy('as_of', 'desc')
    .limit(366)
    .execute();
  const points = rows.reverse().map((r) => ({ asOf: r.as_of, members: r.members, aum: Number(r.aum) }));
  if (points.at(-1)?.asOf !== current.asOf)
    points.push({ asOf: current.asOf, members: current.members.size, aum: current.aum });
  const previous = await db
    .selectFrom('segment_snapshots')
    .select('bitmap')
    .where('segment_id', '=', segmentId)
    .where('as_of', '<', current.asOf)
    .orderBy('as_of', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!previous) return { points, entered: null, left: null };
  const before = RoaringBitmap32.deserialize(Buffer.from(previous.bitmap), 'portable');
  const entered = current.members.size - current.members.andCardinality(before);
  const left = before.size - current.members.andCardinality(before);
  before.dispose();
  return { points, entered, left };
}

/** The whole analysis of a group on an index entry; `segmentId` adds growth over that segment's snapshots. */
export async function analyseGroup(
  db: Kysely<Database>,
  entry: SegmentIndexEntry,
  members: ReadonlyRoaringBitmap32,
  options: FigureOptions & { segmentId?: string } = {},
): Promise<GroupAnalysis> {
  const started = performance.now();
  const activity = await entry.activity();
  const figures = groupFigures(members, groupBase(entry), activity, options);
  const growth = options.segmentId
    ? await segmentGrowth(db, options.segmentId, { asOf: entry.asOf, members, aum: figures.aum })
    : { points: [], entered: null, left: null };
  return { ...figures, growth, elapsedMs: Math.round((performance.now() - started) * 10) / 10 };
}
