import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { BusinessCalendar } from '../shared/clock.ts';
import { examineJson, text } from '../shared/text.ts';
import type { BehaviourEvent } from '../store/events/store.ts';
import type { EventWriter } from './event-writer.ts';
import type { EventNameRegistry } from '../dictionary/registry.ts';
import type { Database } from '../store/operational/database.ts';
import { resolveDistinctIds } from './events.ts';
import { loadReferences, upsertCustomers, type BatchRow } from './operational.ts';
import { CUSTOMERS_LOCK } from './target.ts';
import { customerFields } from './targets.ts';
import { Failure, parseFnOf, toTimestamp } from './values.ts';

// Item-by-item ingestion behind POST /v1/events and POST /v1/profiles: every item gets its own verdict, so one bad
// event never costs the batch, and an event_id already stored (or repeated in the batch) is reported as a duplicate
// and never written twice.

// Ids are looked up in PostgreSQL, whose text cannot hold U+0000: text() refuses it (src/shared/text.ts).
const id = (max: number) => text().trim().min(1).max(max);

/**
 * Largest serialised JSON one item may carry (an event's properties, a profile's fields): one item may not crowd the
 * insert it shares with every other client's batch. Counted in UTF-16 units, close to bytes.
 */
export const MAX_ITEM_JSON_CHARS = 64 * 1024;

/** An item's free-form JSON object: storable text, at most MAX_JSON_DEPTH levels and MAX_ITEM_JSON_CHARS serialised. */
const itemJson = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const { problem, chars } = examineJson(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path, input: value });
    return;
  }
  // `chars` is a lower bound (an escape adds at most 5 characters to one): serialise only when it cannot settle the
  // size. Nesting is bounded by now, so serialising cannot overflow the stack.
  let size: string | undefined;
  if (chars > MAX_ITEM_JSON_CHARS) size = `at least ${chars}`;
  else if (chars * 6 > MAX_ITEM_JSON_CHARS) {
    const exact = JSON.stringify(value).length;
    if (exact > MAX_ITEM_JSON_CHARS) size = String(exact);
  }
  if (size)
    ctx.addIssue({
      code: 'custom',
      message: `serialises to ${size} characters, more than the ${MAX_ITEM_JSON_CHARS} an item may carry`,
      input: value,
    });
});

/** One event as partner SDKs send it (Sensors-Data-like). */
export const eventItemSchema = z.strictObject({
  event_id: id(128),
  distinct_id: id(128),
  event: id(100),
  time: z.union([z.number(), z.string()]).describe('ms since the epoch, or ISO 8601'),
  properties: itemJson.optional(),
});

/** One profile update: fields of the customer to set, created when the customer_no is new. */
export const profileItemSchema = z.strictObject({
  customer_no: id(64),
  set: itemJson,
});

/** The verdict on one item of a batch. */
export interface ItemResult {
  readonly index: number;
  readonly status: 'accepted' | 'rejected' | 'duplicate';
  readonly reason?: string;
}

/** Counts and verdicts of one batch. */
export interface BatchResult {
  accepted: number;
  rejected: number;
  duplicate: number;
  results: ItemResult[];
}

/** Why a zod issue list rejects an item, naming unknown fields. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`
        : `${i.path.join('.') || 'item'}: ${i.message}`,
    )
    .join('; ');
}

function tally(results: ItemResult[]): BatchResult {
  const out: BatchResult = { accepted: 0, rejected: 0, duplicate: 0, results };
  for (const r of results) out[r.status]++;
  return out;
}

/**
 * Remembers resolved distinct ids for a short while, so a steady event stream does not look every id up again.
 * Only hits are kept (an id linked to a customer a moment ago resolves on its next event); an id moved to another
 * customer is seen after at most `ttlMs`.
 */
export class IdentityCache {
  readonly #entries = new Map<string, { id: number; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#max = options.max ?? 500_000;
    this.#now = options.now ?? Date.now;
  }

  /** Resolves ids from the cache, looking up only the missing or expired ones. */
  async resolve(db: Kysely<Database>, distinctIds: readonly string[]): Promise<Map<string, number>> {
    const now = this.#now();
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const d of distinctIds) {
      const hit = this.#entries.get(d);
      if (hit && now - hit.at < this.#ttlMs) out.set(d, hit.id);
      else missing.push(d);
    }
    if (missing.length) {
      const found = await resolveDistinctIds(db, missing);
      for (const [d, id] of found) {
        out.set(d, id);
        // Map keeps insertion order: dropping the first key evicts the oldest entry.
        this.#entries.delete(d);
        this.#entries.set(d, { id, at: now });
        if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    return out;
  }
}

/** Validates, deduplicates and stores a batch of events (through `writer`, shared by concurrent requests); resolves distinct ids to customers. */
export async function ingestEvents(
  items: readonly unknown[],
  deps: {
    db: Kysely<Database>;
    identities?: IdentityCache;
    writer: EventWriter;
    calendar: BusinessCalendar;
    /** Registers the batch's event names in the data dictionary (known names cost nothing). */
    eventNames?: EventNameRegistry;
  },
): Promise<BatchResult> {
  const results: ItemResult[] = new Array(items.length);
  const valid: { index: number; item: z.infer<typeof eventItemSchema>; time: number }[] = [];
  const seen = new Set<string>();
  items.forEach((raw, index) => {
    const parsed = eventItemSchema.safeParse(raw);
    if (!parsed.success) {
      results[index] = { index, status: 'rejected', reason: describeIssues(parsed.error) };
      return;
    }
    const time = toTimestamp(parsed.data.time, deps.calendar);
    if (time instanceof Failure) {
      results[index] = { index, status: 'rejected', reason: `time: ${time.reason}` };
      return;
    }
    if (seen.has(parsed.data.event_id)) {
      results[index] = { index, status: 'duplicate', reason: 'event_id repeated in this batch' };
      return;
    }
    seen.add(parsed.data.event_id);
    valid.push({ index, item: parsed.data, time });
  });
  if (valid.length) {
    const customers = await (deps.identities
      ? deps.identities.resolve(
          deps.db,
          valid.map((v) => v.item.distinct_id),
        )
      : resolveDistinctIds(
          deps.db,
          valid.map((v) => v.item.distinct_id),
        ));
    const rows: BehaviourEvent[] = valid.map((v) => ({
      event_id: v.item.event_id,
      customer_id: customers.get(v.item.distinct_id) ?? 0,
      distinct_id: v.item.distinct_id,
      event: v.item.event,
      time: v.time,
      properties: v.item.properties ?? {},
    }));
    const duplicates = await deps.writer.write(rows);
    // Once per batch, after the events are stored: a name seen before costs one Set lookup per distinct name.
    if (deps.eventNames) await deps.eventNames.seen(new Set(rows.map((r) => r.event)));
    for (const v of valid) {
      results[v.index] = duplicates.has(v.item.event_id)
        ? { index: v.index, status: 'duplicate', reason: 'event_id already received' }
        : { index: v.index, status: 'accepted' };
    }
  }
  return tally(results);
}

const PROFILE_FIELDS = customerFields.shape as Record<string, z.ZodType>;

/** Profile batch result, with what the accepted items did to stored customers. */
export interface ProfileBatchResult extends BatchResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** Validates a batch of profile updates and upserts the customers in one transaction (audited). */
export async function upsertProfiles(
  items: readonly unknown[],
  deps: { db: Kysely<Database> },
  actor: string,
): Promise<ProfileBatchResult> {
  const results: ItemResult[] = new Array(items.length);
  const seen = new Set<string>();
  // Items grouped by the set of fields they carry: each group is one set-based upsert over exactly those columns.
  const groups = new Map<string, BatchRow[]>();
  items.forEach((raw, index) => {
    const parsed = profileItemSchema.safeParse(raw);
    if (!parsed.success) {
      results[index] = { index, status: 'rejected', reason: describeIssues(parsed.error) };
      return;
    }
    const data: Record<string, unknown> = { customer_no: parsed.data.customer_no };
    const problems: string[] = [];
    for (const [field, value] of Object.entries(parsed.data.set)) {
      const schema = PROFILE_FIELDS[field];
      if (!schema || field === 'customer_no') {
        problems.push(`unknown field ${JSON.stringify(field)}`);
        continue;
      }
      if (value === null) {
        data[field] = null;
        continue;
      }
      const out = parseFnOf(schema)!(value);
      if (out instanceof Failure) problems.push(`${field}: ${out.reason}`);
      else data[field] = out;
    }
    if (problems.length) {
      results[index] = { index, status: 'rejected', reason: problems.join('; ') };
      return;
    }
    if (seen.has(parsed.data.customer_no)) {
      results[index] = { index, status: 'duplicate', reason: 'customer_no repeated in this batch' };
      return;
    }
    seen.add(parsed.data.customer_no);
    const key = Object.keys(data).sort().join(',');
    const group = groups.get(key) ?? [];
    // `row` carries the item index so rejections map back to it.
    group.push({ row: index, line: index, data });
    groups.set(key, group);
    results[index] = { index, status: 'accepted' };
  });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  if (groups.size) {
    await deps.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${CUSTOMERS_LOCK})`.execute(trx);
      const max = await sql<{ max: number }>`select coalesce(max(id), 0)::int as max from customers`.execute(
        trx,
      );
      const nextId = { value: (max.rows[0]?.max ?? 0) + 1 };
      const refs = await loadReferences(trx);
      for (const rows of groups.values()) {
        const outcome = await upsertCustomers(trx, rows, Object.keys(rows[0]!.data), refs, nextId);
        counts.created += outcome.inserted;
        counts.updated += outcome.updated;
        counts.unchanged += outcome.unchanged;
        for (const problems of outcome.rejected) {
          const p = problems[0]!;
          results[p.row] = { index: p.row, status: 'rejected', reason: `${p.field}: ${p.reason}` };
        }
      }
      await recordAudit(trx, {
        actor,
        action: 'ingest.profiles',
        entityType: 'customer',
        details: { items: items.length, ...counts },
      });
    });
  }
  return { ...tally(results), ...counts };
}
