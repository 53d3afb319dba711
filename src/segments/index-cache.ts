import { sql, type Kysely } from 'kysely';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { EventResolver } from './evaluate.ts';
import { activeCustomers, createEventResolver, eventCatalogue } from './event-resolver.ts';
import type { CustomerIndex } from './index.ts';
import { formatDay, parseDay } from './predicate.ts';
import type { Rule } from './rule.ts';
import { buildStoreIndex, type BuildOptions, type StoreIndex } from './source.ts';
import type { TagSource } from './tag-source.ts';
import type { Catalogue } from './validate.ts';

// One process-wide cache of segment indexes, so a preview answers in milliseconds instead of re-reading millions of
// customers. Two layers per business day: the base (customers, holdings, consents, tags: seconds to minutes to build)
// and the overlay (saved-segment snapshots, lists, segment rules: a few small reads). Before answering, at most every
// `checkEveryMs`, one query reads cheap fingerprints of both (max ids and timestamps, the latest tag run); the base is
// rebuilt when its fingerprint moved, the overlay when its own did. A base that took long to build keeps serving
// while its successor builds in the background (two bases are then in memory for a while).

/** A saved segment as rules see it. */
export interface SegmentRef {
  readonly id: string;
  readonly name: string;
  readonly rule: Rule;
  readonly version: number;
}

/** Everything a request needs for one business day. */
export interface SegmentIndexEntry {
  readonly asOf: string;
  readonly base: StoreIndex;
  /** The base index with saved-segment snapshots (of this day and the segment's current version) and lists. */
  readonly index: CustomerIndex;
  /** Active saved segments by id (their rules compile inline when the day has no snapshot). */
  readonly segments: ReadonlyMap<string, SegmentRef>;
  readonly lists: ReadonlyMap<string, { id: string; name: string; members: number }>;
  readonly resolver: EventResolver;
  /** Event names and their property keys (read again when older than `maxAgeMs`, default 5 s). */
  events(maxAgeMs?: number): Promise<{ name: string; properties: string[] }[]>;
  /** The validation catalogue of this entry (event names no older than `maxEventAgeMs`, default 5 s). */
  catalogue(maxEventAgeMs?: number): Promise<Catalogue>;
  /** Customers active (≥ 1 behaviour event) in the 30 days up to asOf, and in days 61–90 before it (10 min cache). */
  activity(): Promise<{ last30: RoaringBitmap32; days61to90: RoaringBitmap32 }>;
}

export interface CacheOptions {
  /** Business days kept (default 2): today's and one other (a materialisation of a past day, say). */
  readonly maxDays?: number;
  /** Least time between two freshness checks (default 2 s). */
  readonly checkEveryMs?: number;
  /** A stale base whose build took less than this is rebuilt before answering (default 3 s); else in the background. */
  readonly waitForBuildsUnderMs?: number;
  readonly build?: Omit<BuildOptions, 'asOf' | 'tags'>;
}

/** Event names (and their property keys) are read again after this long: a new event shows within seconds. */
const EVENT_NAMES_TTL_MS = 5_000;

/** Activity bitmaps follow the events of the day: they are read again after this long. */
const ACTIVITY_TTL_MS = 10 * 60_000;

interface Base {
  readonly store: StoreIndex;
  readonly key: string;
  activity?: { at: number; value: Promise<{ last30: RoaringBitmap32; days61to90: RoaringBitmap32 }> };
}

interface Slot {
  base?: Base;
  building?: { key: string; done: Promise<Base> };
  entry?: SegmentIndexEntry;
  overlayKey?: string;
  checkedAt: number;
  refreshing?: Promise<void>;
}

/** Segment indexes by business day, rebuilt when the stores change. */
export class SegmentIndexCache {
  readonly #db: Kysely<Database>;
  readonly #events: EventStore;
  readonly #logger: Logger | undefined;
  readonly #options: Required<Omit<CacheOptions, 'build'>> & Pick<CacheOptions, 'build'>;
  readonly #slots = new Map<string, Slot>();
  readonly #resolver: EventResolver;
  #eventCatalogue?: { at: number; value: Promise<{ name: string; properties: string[] }[]> };

  readonly #timeZone: string;
  readonly #tags: TagSource;

  constructor(
    deps: { db: Kysely<Database>; events: EventStore; tags: TagSource; timeZone: string; logger?: Logger },
    options: CacheOptions = {},
  ) {
    this.#db = deps.db;
    this.#events = deps.events;
    this.#tags = deps.tags;
    this.#timeZone = deps.timeZone;
    this.#logger = deps.logger;
    this.#options = {
      maxDays: options.maxDays ?? 2,
      checkEveryMs: options.checkEveryMs ?? 2000,
      waitForBuildsUnderMs: options.waitForBuildsUnderMs ?? 3000,
      build: options.build,
    };
    this.#resolver = createEventResolver(deps.events, { timeZone: deps.timeZone });
  }

  /** The entry for a business day, built or refreshed as needed. */
  async get(asOf: string): Promise<SegmentIndexEntry> {
    let slot = this.#slots.get(asOf);
    if (slot) {
      this.#slots.delete(asOf); // re-insert: the map's order is the order of use
      this.#slots.set(asOf, slot);
    } else {
      this.#slots.set(asOf, (slot = { checkedAt: -Infinity }));
      this.#evict();
    }
    if (slot.entry && performance.now() - slot.checkedAt < this.#options.checkEveryMs) return slot.entry;
    const s = slot;
    await (s.refreshing ??= this.#refresh(asOf, s).finally(() => (s.refreshing = undefined)));
    return s.entry!;
  }

  /** Makes the next `get` check the stores at once (after this process changed segments, lists or snapshots). */
  invalidate(): void {
    for (const slot of this.#slots.values()) slot.checkedAt = -Infinity;
  }

  async #refresh(asOf: string, slot: Slot): Promise<void> {
    const fp = await fingerprints(this.#db, asOf);
    slot.checkedAt = performance.now();
    if (fp.base !== slot.base?.key) {
      const build = this.#buildBase(asOf, slot, fp.base);
      if (!slot.base || slot.base.store.buildMs < this.#options.waitForBuildsUnderMs) {
        await build;
        slot.checkedAt = performance.now(); // built from the stores as just checked
      } else {
        build.catch(() => undefined); // logged in #buildBase; the stale base keeps serving
      }
    }
    const base = slot.base!;
    if (slot.entry?.base !== base.store || slot.overlayKey !== fp.overlay) {
      slot.entry = await this.#overlay(asOf, base);
      slot.overlayKey = fp.overlay;
    }
  }

  #buildBase(asOf: string, slot: Slot, key: string): Promise<Base> {
    if (slot.building) return slot.building.done;
    const done = buildStoreIndex(this.#db, { ...this.#options.build, asOf, tags: this.#tags }).then(
      (store) => {
        const base: Base = { store, key };
        slot.base = base;
        slot.building = undefined;
        slot.checkedAt = -Infinity; // a build that finished in the background: swap it in at the next request
        this.#logger?.info(
          { asOf, customers: store.index.size, buildMs: Math.round(store.buildMs) },
          'segment index built',
        );
        return base;
      },
      (error: unknown) => {
        slot.building = undefined;
        this.#logger?.error({ err: error, asOf }, 'segment index build failed');
        throw error;
      },
    );
    slot.building = { key, done };
    return done;
  }

  async #overlay(asOf: string, base: Base): Promise<SegmentIndexEntry> {
    const db = this.#db;
    const [segmentRows, snapshotRows, listRows] = await Promise.all([
      db
        .selectFrom('segments')
        .select(['id', 'name', 'rule', 'version'])
        .where('status', '=', 'active')
        .execute(),
      db
        .selectFrom('segment_snapshots')
        .select(['segment_id', 'segment_version', 'bitmap'])
        .where('as_of', '=', asOf)
        .execute(),
      db.selectFrom('customer_lists').select(['id', 'name', 'members', 'bitmap']).execute(),
    ]);
    const segments = new Map<string, SegmentRef>(
      segmentRows.map((r) => [r.id, { id: r.id, name: r.name, rule: r.rule as Rule, version: r.version }]),
    );
    const snapshots = new Map<string, RoaringBitmap32>();
    for (const row of snapshotRows) {
      // a snapshot of an older version would answer for a rule that no longer exists: compile inline instead
      if (segments.get(row.segment_id)?.version === row.segment_version)
        snapshots.set(row.segment_id, deserialize(row.bitmap));
    }
    const lists = new Map(listRows.map((r) => [r.id, deserialize(r.bitmap)]));
    const index = base.store.index.withSegmentsAndLists(snapshots, lists);
    const described = index.describe();
    const known = {
      tags: new Map([...described.tags].map(([tag, values]) => [tag, { values }])),
      attributes: new Map([...described.attributes].map(([name, type]) => [name, { type }])),
      segments: new Map([...segments].map(([id, s]) => [id, s.rule])),
      lists: new Set(lists.keys()),
    };
    return {
      asOf,
      base: base.store,
      index,
      segments,
      lists: new Map(listRows.map((r) => [r.id, { id: r.id, name: r.name, members: r.members }])),
      resolver: this.#resolver,
      events: (maxAgeMs) => this.#eventNames(maxAgeMs),
      // event names follow the event store (read again after 5 s, or sooner when asked), not the overlay
      catalogue: async (maxEventAgeMs) => ({
        ...known,
        events: new Set((await this.#eventNames(maxEventAgeMs)).map((e) => e.name)),
      }),
      activity: () => {
        const now = performance.now();
        if (!base.activity || now - base.activity.at > ACTIVITY_TTL_MS) {
          const value = this.#activity(asOf);
          value.catch(() => (base.activity = undefined)); // a failed query is asked again next time
          base.activity = { at: now, value };
        }
        return base.activity.value;
      },
    };
  }

  #eventNames(maxAgeMs = EVENT_NAMES_TTL_MS) {
    const now = performance.now();
    if (!this.#eventCatalogue || now - this.#eventCatalogue.at > maxAgeMs) {
      const value = eventCatalogue(this.#events);
      value.catch(() => (this.#eventCatalogue = undefined));
      this.#eventCatalogue = { at: now, value };
    }
    return this.#eventCatalogue.value;
  }

  async #activity(asOf: string) {
    const day = parseDay(asOf)!;
    const [last30, days61to90] = await Promise.all([
      activeCustomers(this.#events, { from: formatDay(day - 29), to: asOf, timeZone: this.#timeZone }),
      activeCustomers(this.#events, {
        from: formatDay(day - 89),
        to: formatDay(day - 60),
        timeZone: this.#timeZone,
      }),
    ]);
    return { last30, days61to90 };
  }

  #evict(): void {
    for (const [day, slot] of this.#slots) {
      if (this.#slots.size <= this.#options.maxDays) return;
      if (!slot.building && !slot.refreshing) this.#slots.delete(day);
    }
  }
}

function deserialize(bytes: Uint8Array): RoaringBitmap32 {
  return RoaringBitmap32.deserialize(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    'portable',
  );
}

/**
 * Cheap fingerprints of what the base and the overlay are built from: index-backed maxima and small tables only
 * (migration 0003 indexes customers, holdings and consents by updated_at for this), never a count over customers.
 */
async function fingerprints(db: Kysely<Database>, asOf: string): Promise<{ base: string; overlay: string }> {
  const { rows } = await sql<Record<string, unknown>>`
    select
      (select max(id) from customers) as customers_id,
      (select max(updated_at)::text from customers) as customers_at,
      (select max(updated_at)::text from holdings) as holdings_at,
      (select max(updated_at)::text from consents) as consents_at,
      (select max(id) from import_runs) as import_run,
      (select max(updated_at)::text from system_state where key = 'demo_bank') as state_at,
      (select max(id) from tag_runs where status = 'done') as tag_run,
      (select max(as_of)::text from tag_snapshots where as_of <= ${asOf}) as tags_as_of,
      (select max(computed_at)::text from tag_snapshots
        where as_of = (select max(as_of) from tag_snapshots where as_of <= ${asOf})) as tags_at,
      (select count(*) || ':' || coalesce(max(created_at)::text, '') from tag_definitions) as tag_defs,
      (select count(*) || ':' || coalesce(max(updated_at)::text, '') from segments) as segments,
      (select count(*) || ':' || coalesce(max(computed_at)::text, '') from segment_snapshots
        where as_of = ${asOf}) as snapshots,
      (select count(*) || ':' || coalesce(max(created_at)::text, '') from customer_lists) as lists`.execute(
    db,
  );
  const r = rows[0] ?? {};
  const text = (keys: string[]) => JSON.stringify(keys.map((k) => String(r[k] ?? '')));
  return {
    base: text([
      'customers_id',
      'customers_at',
      'holdings_at',
      'consents_at',
      'import_run',
      'state_at',
      'tag_run',
      'tags_as_of',
      'tags_at',
      'tag_defs',
    ]),
    overlay: text(['segments', 'snapshots', 'lists']),
  };
}
