import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { calendarDayNumber, dayOfNumber } from '../shared/day.ts';
import { CUSTOMER_TRANSACTION_KINDS, type EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { deserializeBitmap } from '../tags/snapshot-store.ts';
import { channelResolver, listChannels } from './channels.ts';

// Acquisition attributed to media channels, recomputed as a whole per attribution window (`flywheel media attribute`,
// POST /v1/media/attribution/run). A touch is an event of a known customer whose `channel`, `utm_source`,
// `rta_strategy` or `dsp_tag` property (the first of them that resolves) names a registered channel by key or alias;
// it counts when its business day lies in [customer_since − window, customer_since]. First touch = the earliest such
// touch, last touch = the latest. The quality facts of each attributed customer are taken at the same run, so the
// comparison is one aggregate over media_attribution. Definitions: src/media/README.md.

/** Default attribution window: touches up to this many days before customer_since count. */
export const DEFAULT_WINDOW_DAYS = 30;
/** Lifecycle stages that count as "reached" for the quality dimension: a first purchase or beyond. */
export const REACHED_STAGES = ['transaction', 'repeat_purchase', 'super_customer'] as const;
const TOUCH_PROPERTIES = ['channel', 'utm_source', 'rta_strategy', 'dsp_tag'] as const;
const CHUNK = 50_000;

/** What one attribution run did. */
export interface AttributionRun {
  readonly windowDays: number;
  readonly computedAt: string;
  /** The last business day with events (≤ today): the data the facts were read through. */
  readonly dataThrough: string | null;
  /** The lifecycle snapshot day `stageReached` was read from; null without a snapshot. */
  readonly lifecycleAsOf: string | null;
  /** Customers with a touch event who have a customer_since (the candidates). */
  readonly customers: number;
  /** Of those, attributed (a touch within the window). */
  readonly attributed: number;
  readonly elapsedMs: number;
}

/** The stores and clock attribution uses. */
export interface AttributionDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
}

interface Attributed {
  customer_id: number;
  since: number;
  first: string;
  firstAt: number;
  last: string;
  lastAt: number;
  touches: number;
}

/** Recomputes the attribution of every customer for one window (replacing that window's rows), audited. */
export async function runAttribution(
  deps: AttributionDeps,
  options: { windowDays?: number; actor: string },
): Promise<AttributionRun> {
  const t0 = performance.now();
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const tz = deps.clock.timeZone;
  const resolve = channelResolver(await listChannels(deps.db));
  const values = [...resolve.keys()];
  const touches = await touchesOf(deps.events, values, tz);
  const since = await sinceOf(deps.db, [...touches.keys()]);
  const attributed: Attributed[] = [];
  for (const [customerId, list] of touches) {
    const s = since.get(customerId);
    if (s === undefined) continue;
    let first: Attributed | undefined;
    for (const t of list) {
      if (t.day < s - windowDays || t.day > s) continue;
      const channel = t.values.map((v) => resolve.get(v.toLowerCase())).find((k) => k !== undefined);
      if (!channel) continue;
      if (!first)
        first = {
          customer_id: customerId,
          since: s,
          first: channel,
          firstAt: t.at,
          last: channel,
          lastAt: t.at,
          touches: 1,
        };
      else {
        first.touches++;
        if (t.at < first.firstAt) [first.first, first.firstAt] = [channel, t.at];
        if (t.at >= first.lastAt) [first.last, first.lastAt] = [channel, t.at];
      }
    }
    if (first) attributed.push(first);
  }
  const today = calendarDayNumber(deps.clock.today())!;
  const through = await dataThrough(deps.events, tz, today);
  const stage = await reachedStage(deps.db);
  const computedAt = deps.clock.now();
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < attributed.length; i += CHUNK) {
    const chunk = attributed.slice(i, i + CHUNK);
    const facts = await qualityFacts(deps.events, chunk, tz, through ?? today);
    for (const a of chunk) {
      const f = facts.get(a.customer_id);
      const observable = (end: number) => through !== null && a.since + end <= through;
      rows.push({
        customer_id: a.customer_id,
        customer_since: dayOfNumber(a.since),
        first_channel: a.first,
        first_touch_at: new Date(a.firstAt).toISOString(),
        last_channel: a.last,
        last_touch_at: new Date(a.lastAt).toISOString(),
        touches: a.touches,
        active_30d: observable(59) ? (f?.a30 ?? 0) > 0 : null,
        active_90d: observable(119) ? (f?.a90 ?? 0) > 0 : null,
        activated: (f?.activated ?? 0) > 0,
        first_purchase_at: f && f.firstPurchase > 0 ? new Date(f.firstPurchase).toISOString() : null,
        aum: f?.aum ?? 0,
        stage_reached: stage.members?.has(a.customer_id) ?? false,
        referrals: f?.referrals ?? 0,
      });
    }
  }
  const run: AttributionRun = {
    windowDays,
    computedAt: computedAt.toISOString(),
    dataThrough: through === null ? null : dayOfNumber(through),
    lifecycleAsOf: stage.asOf,
    customers: since.size,
    attributed: rows.length,
    elapsedMs: 0,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('media_attribution').where('window_days', '=', windowDays).execute();
    for (let i = 0; i < rows.length; i += 20_000)
      await sql`insert into media_attribution (customer_id, window_days, customer_since, first_channel, first_touch_at,
          last_channel, last_touch_at, touches, active_30d, active_90d, activated, first_purchase_at, aum,
          stage_reached, referrals, computed_at)
        select s.customer_id, ${windowDays}, s.customer_since, s.first_channel, s.first_touch_at, s.last_channel,
          s.last_touch_at, s.touches, s.active_30d, s.active_90d, s.activated, s.first_purchase_at, s.aum,
          s.stage_reached, s.referrals, ${computedAt}
        from json_to_recordset(${JSON.stringify(rows.slice(i, i + 20_000))}::json) as s(customer_id int,
          customer_since date, first_channel text, first_touch_at timestamptz, last_channel text,
          last_touch_at timestamptz, touches int, active_30d boolean, active_90d boolean, activated boolean,
          first_purchase_at timestamptz, aum numeric, stage_reached boolean, referrals int)`.execute(trx);
    const elapsedMs = Math.round(performance.now() - t0);
    Object.assign(run, { elapsedMs });
    const record = {
      window_days: windowDays,
      computed_at: computedAt,
      data_through: run.dataThrough,
      lifecycle_as_of: run.lifecycleAsOf,
      customers: run.customers,
      attributed: run.attributed,
      elapsed_ms: elapsedMs,
      actor: options.actor,
    };
    await trx
      .insertInto('media_attribution_runs')
      .values(record)
      .onConflict((oc) => oc.column('window_days').doUpdateSet(record))
      .execute();
    await recordAudit(trx, {
      actor: options.actor,
      action: 'media.attribution.run',
      entityType: 'media_attribution',
      entityId: String(windowDays),
      details: { ...run },
      at: computedAt,
    });
  });
  return run;
}

interface Touch {
  day: number;
  at: number;
  values: string[];
}

/** Every touch event of known customers, by customer, oldest first. */
async function touchesOf(
  events: EventStore,
  values: readonly string[],
  tz: string,
): Promise<Map<number, Touch[]>> {
  const out = new Map<number, Touch[]>();
  if (values.length === 0) return out;
  const props = TOUCH_PROPERTIES.map((p) => `lower(JSONExtractString(properties, '${p}'))`);
  const rows = await events.query<{ customer_id: number; day: number; at: number; vals: string[] }>(
    `SELECT customer_id, toUInt32(toDate(time, {tz:String})) AS day, toUnixTimestamp64Milli(time) AS at,
       [${props.join(', ')}] AS vals
     FROM events_dedup
     WHERE customer_id > 0 AND hasAny(vals, {values:Array(String)})
     ORDER BY customer_id, time`,
    { tz, values: values.map((v) => v.toLowerCase()) },
  );
  for (const r of rows) {
    let list = out.get(r.customer_id);
    if (!list) out.set(r.customer_id, (list = []));
    list.push({ day: Number(r.day), at: Number(r.at), values: r.vals.filter((v) => v !== '') });
  }
  return out;
}

/** customer_since as a day number, of the given customers that have one. */
async function sinceOf(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await sql<{ id: number; since: string }>`select id, customer_since::text as since
      from customers where id = any(${ids.slice(i, i + CHUNK)}::int[]) and customer_since is not null`.execute(
      db,
    );
    for (const r of rows.rows) {
      const n = calendarDayNumber(r.since);
      if (n !== undefined) out.set(r.id, n);
    }
  }
  return out;
}

/** The last business day (≤ today) with any event, as a day number; null when the store has none. */
async function dataThrough(events: EventStore, tz: string, today: number): Promise<number | null> {
  const rows = await events.query<{ day: number; n: number }>(
    `SELECT toUInt32(max(toDate(time, {tz:String}))) AS day, count() AS n FROM events_dedup
     WHERE toDate(time, {tz:String}) <= toDate({today:UInt32})`,
    { tz, today },
  );
  const r = rows[0];
  return r && Number(r.n) > 0 ? Math.min(Number(r.day), today) : null;
}

/** Members of the lifecycle tag's stages transaction and beyond on its latest snapshot. */
async function reachedStage(
  db: Kysely<Database>,
): Promise<{ asOf: string | null; members: Set<number> | null }> {
  const latest = await sql<{ as_of: string | null }>`select max(as_of)::text as as_of from tag_snapshots
    where tag_key = 'lifecycle_stage'`.execute(db);
  const asOf = latest.rows[0]?.as_of ?? null;
  if (asOf === null) return { asOf: null, members: null };
  const rows = await db
    .selectFrom('tag_snapshots')
    .select(['bitmap'])
    .where('tag_key', '=', 'lifecycle_stage')
    .where('as_of', '=', asOf)
    .where('value', 'in', [...REACHED_STAGES])
    .execute();
  const members = new Set<number>();
  for (const r of rows) for (const id of deserializeBitmap(r.bitmap).toArray()) members.add(id);
  return { asOf, members };
}

interface Facts {
  a30: number;
  a90: number;
  referrals: number;
  activated: number;
  firstPurchase: number;
  aum: number;
}

/** Retention, referrals, activation, first purchase and AUM of a chunk of attributed customers. */
async function qualityFacts(
  events: EventStore,
  chunk: readonly Attributed[],
  tz: string,
  through: number,
): Promise<Map<number, Facts>> {
  const params = {
    ids: chunk.map((a) => a.customer_id),
    since: chunk.map((a) => dayOfNumber(a.since)),
    tz,
    through,
    kinds: [...CUSTOMER_TRANSACTION_KINDS],
  };
  const sinceOfId = `transform(customer_id, {ids:Array(UInt32)}, {since:Array(Date)}, toDate('1970-01-01'))`;
  const [behaviour, money, aum] = await Promise.all([
    events.query<{ customer_id: number; a30: number; a90: number; referrals: number }>(
      `SELECT customer_id, countIf(d >= sd + 30 AND d < sd + 60) AS a30, countIf(d >= sd + 90 AND d < sd + 120) AS a90,
         countIf(event = 'referral' AND d >= sd) AS referrals
       FROM (SELECT customer_id, event, toDate(time, {tz:String}) AS d, ${sinceOfId} AS sd
             FROM events_dedup WHERE customer_id IN {ids:Array(UInt32)})
       GROUP BY customer_id`,
      params,
    ),
    events.query<{ customer_id: number; activated: number; first_purchase: number }>(
      `SELECT customer_id, countIf(kind IN {kinds:Array(String)} AND d < sd + 30) AS activated,
         minIf(toUnixTimestamp64Milli(time), kind = 'purchase') AS first_purchase
       FROM (SELECT customer_id, kind, time, toDate(time, {tz:String}) AS d, ${sinceOfId} AS sd
             FROM transactions_dedup WHERE customer_id IN {ids:Array(UInt32)})
       WHERE d >= sd GROUP BY customer_id`,
      params,
    ),
    events.query<{ customer_id: number; aum: number }>(
      `SELECT customer_id, argMax(aum, date) AS aum FROM customer_daily_dedup
       WHERE customer_id IN {ids:Array(UInt32)} AND date <= toDate({through:UInt32}) GROUP BY customer_id`,
      params,
    ),
  ]);
  const out = new Map<number, Facts>();
  const get = (id: number): Facts => {
    let f = out.get(id);
    if (!f) out.set(id, (f = { a30: 0, a90: 0, referrals: 0, activated: 0, firstPurchase: 0, aum: 0 }));
    return f;
  };
  for (const r of behaviour)
    Object.assign(get(r.customer_id), {
      a30: Number(r.a30),
      a90: Number(r.a90),
      referrals: Number(r.referrals),
    });
  for (const r of money)
    Object.assign(get(r.customer_id), {
      activated: Number(r.activated),
      firstPurchase: Number(r.first_purchase),
    });
  for (const r of aum) get(r.customer_id).aum = Math.max(0, Number(r.aum));
  return out;
}

/**
 * Runs the attribution again for every window run before (the daily batch: the acquired's quality facts and the
 * lifecycle stage they reached follow the day's data and tag snapshot); what each run did.
 */
export async function refreshAttributions(deps: AttributionDeps, actor: string): Promise<AttributionRun[]> {
  const windows = await deps.db
    .selectFrom('media_attribution_runs')
    .select('window_days')
    .orderBy('window_days')
    .execute();
  const runs: AttributionRun[] = [];
  for (const { window_days } of windows)
    runs.push(await runAttribution(deps, { windowDays: window_days, actor }));
  return runs;
}
