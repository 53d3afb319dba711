import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { shiftDay, type Day } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { SandboxConnection } from '../store/operational/sandbox.ts';
import { TagSnapshotCache } from './cache.ts';
import { computeTags, type RunSummary } from './compute.ts';
import { parseTagInput, type TagDefinition, type TagInput, type TagIssue } from './definition.ts';
import {
  definitionVersions,
  ensureCatalogue,
  loadDefinitions,
  retireDefinition,
  writeDefinition,
} from './definitions.ts';
import { tagItem, valueLabel, type TagItem } from './listing.ts';
import { importManualValues, parseManualCsv, type ImportRejection, type ManualRow } from './manual.ts';
import { listRuns, type TagRun } from './runs.ts';
import { snapshotCounts } from './snapshot-store.ts';
import { checkSqlTag } from './sql-tags.ts';

// The tag engine as the API, the CLI and the scheduler use it. Computations run one at a time per process (a queue);
// after each, the in-memory snapshot is refreshed. Definitions are cached for portraits and refreshed on local writes
// and every DEFINITIONS_TTL_MS (another process may change them).

/** Why a request about tags was refused. */
export type TagFailure =
  | { code: 'invalid_tag'; message: string; details: { issues: TagIssue[] } }
  | { code: 'not_found' | 'conflict' | 'bad_request' | 'forbidden'; message: string }
  | ImportRejection;

/** A customer's portrait: every tag value they hold on the latest snapshot day. */
export interface Portrait {
  readonly customerNo: string;
  readonly customerId: number;
  readonly asOf: string | null;
  readonly elapsedMs: number;
  readonly tags: PortraitTag[];
}

/** One tag value a customer holds, with its names for display. */
export interface PortraitTag {
  readonly key: string;
  readonly name: { en: string; zh: string };
  readonly category: string;
  readonly value: string;
  readonly label: { en: string; zh: string };
}

/** Who changes a definition: the audit's actor, and whether they hold tags.sql (SQL tags are theirs alone). */
export interface TagAuthor {
  readonly actor: string;
  readonly maySql: boolean;
}

const DEFINITIONS_TTL_MS = 30_000;

/** Tag definitions, computation, snapshots and portraits. */
export class TagService {
  readonly cache: TagSnapshotCache;
  readonly #db: Kysely<Database>;
  readonly #events: EventStore;
  readonly #sandbox: (() => Promise<SandboxConnection>) | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #chunkSize: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #abort = new AbortController();
  #definitions: { at: number; defs: TagDefinition[] } | null = null;

  constructor(deps: {
    db: Kysely<Database>;
    events: EventStore;
    /** The operational store's confined connection for SQL tags (OperationalStore.sandbox). */
    sandbox?: () => Promise<SandboxConnection>;
    clock: Clock;
    logger?: Logger;
    chunkSize?: number;
  }) {
    this.#db = deps.db;
    this.#events = deps.events;
    this.#sandbox = deps.sandbox;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#chunkSize = deps.chunkSize;
    this.cache = new TagSnapshotCache(deps.db);
  }

  /** Today's business day in the bank's zone (the clock's), the default day of computations. */
  today(): Day {
    return this.#clock.today();
  }

  /** Inserts the builtin catalogue's missing tags. */
  async ensureCatalogue(actor: string): Promise<string[]> {
    const added = await ensureCatalogue(this.#db, actor);
    if (added.length > 0) this.#definitions = null;
    return added;
  }

  /** Every active tag with the latest snapshot's counts. */
  async list(): Promise<{ asOf: string | null; customers: number; tags: TagItem[] }> {
    const [defs, snapshot] = await Promise.all([loadDefinitions(this.#db), this.cache.get()]);
    return {
      asOf: snapshot?.asOf ?? null,
      customers: snapshot?.customers ?? 0,
      tags: defs.map((d) => tagItem(d, snapshot)),
    };
  }

  /** One tag (retired ones too) with its versions. */
  async get(
    key: string,
  ): Promise<Result<TagItem & { versions: Awaited<ReturnType<typeof definitionVersions>> }, TagFailure>> {
    const [def] = await loadDefinitions(this.#db, { keys: [key], includeRetired: true });
    if (!def) return err({ code: 'not_found', message: `no tag ${key}` });
    const [snapshot, versions] = await Promise.all([this.cache.get(), definitionVersions(this.#db, key)]);
    return ok({ ...tagItem(def, snapshot), versions });
  }

  /** Members per value on each snapshot day of the `days` days ending on the tag's latest day. */
  async trend(
    key: string,
    days: number,
  ): Promise<
    Result<
      { key: string; points: { asOf: string; values: { value: string; members: number }[] }[] },
      TagFailure
    >
  > {
    const [def] = await loadDefinitions(this.#db, { keys: [key], includeRetired: true });
    if (!def) return err({ code: 'not_found', message: `no tag ${key}` });
    const latest = await this.#db
      .selectFrom('tag_snapshots')
      .select((eb) => eb.fn.max('as_of').as('d'))
      .where('tag_key', '=', key)
      .executeTakeFirst();
    const to = latest?.d ? String(latest.d).slice(0, 10) : this.today();
    const from = shiftDay(to, -(days - 1));
    const rows = await snapshotCounts(this.#db, { from, to, keys: [key] });
    const points = new Map<string, Map<string, number>>();
    for (const r of rows) {
      let point = points.get(r.asOf);
      if (!point) points.set(r.asOf, (point = new Map()));
      point.set(r.value, r.members);
    }
    const item = tagItem(def, null);
    return ok({
      key,
      points: [...points].map(([asOf, counts]) => {
        const order = [
          ...item.values.map((v) => v.value),
          ...[...counts.keys()].filter((v) => !item.values.some((i) => i.value === v)),
        ];
        return { asOf, values: order.map((value) => ({ value, members: counts.get(value) ?? 0 })) };
      }),
    });
  }

  /** Creates a tag (version 1). */
  async create(body: unknown, author: TagAuthor): Promise<Result<TagItem, TagFailure>> {
    const checked = await this.#checkInput(body, author);
    if (!checked.ok) return checked;
    const input = checked.value;
    const { actor } = author;
    const result = await this.#db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('tag_definitions')
        .select('key')
        .where('key', '=', input.key)
        .executeTakeFirst();
      if (existing)
        return err({
          code: 'conflict' as const,
          message: `tag ${input.key} already exists; PUT a new version`,
        });
      return ok(await writeDefinition(tx, input, { actor, action: 'tags.create' }));
    });
    return this.#written(result);
  }

  /** Writes a new version of an existing tag (its kind cannot change; a retired tag becomes active again). */
  async update(key: string, body: unknown, author: TagAuthor): Promise<Result<TagItem, TagFailure>> {
    const withKey = { ...(typeof body === 'object' && body !== null ? body : {}), key };
    const checked = await this.#checkInput(withKey, author);
    if (!checked.ok) return checked;
    const input = checked.value;
    const { actor } = author;
    const result = await this.#db.transaction().execute(async (tx) => {
      const [current] = await loadDefinitions(tx, { keys: [key], includeRetired: true });
      if (!current) return err({ code: 'not_found' as const, message: `no tag ${key}` });
      if (current.kind !== input.kind)
        return err(
          invalidFailure([
            { path: 'kind', message: `kind cannot change (${current.kind}); create a new tag` },
          ]),
        );
      return ok(await writeDefinition(tx, input, { actor, action: 'tags.update' }));
    });
    return this.#written(result);
  }

  /** Retires a tag: it is no longer computed or listed; past snapshots stay. */
  async retire(
    key: string,
    author: TagAuthor,
  ): Promise<Result<{ key: string; status: 'retired'; version: number }, TagFailure>> {
    const { actor } = author;
    const result = await this.#db.transaction().execute(async (tx) => {
      const [current] = await loadDefinitions(tx, { keys: [key], includeRetired: true });
      if (!current) return err({ code: 'not_found' as const, message: `no tag ${key}` });
      if (current.kind === 'sql' && !author.maySql) return err(SQL_FORBIDDEN);
      await retireDefinition(tx, key, actor);
      return ok({ key, status: 'retired' as const, version: current.version });
    });
    this.#definitions = null;
    return result;
  }

  /** Computes tags for a day (default today), one computation at a time; refreshes the cache afterwards. */
  compute(
    options: { asOf?: string; keys?: readonly string[]; signal?: AbortSignal },
    trigger: 'schedule' | 'manual' | 'start',
    actor: string,
  ): Promise<Result<RunSummary, TagFailure>> {
    const run = this.#queue.then(async () => {
      const asOf = options.asOf ?? this.today();
      const result = await computeTags(
        {
          db: this.#db,
          events: this.#events,
          sandbox: this.#sandbox,
          ...(this.#logger ? { logger: this.#logger } : {}),
          ...(this.#chunkSize ? { chunkSize: this.#chunkSize } : {}),
          timeZone: this.#clock.timeZone,
        },
        {
          asOf,
          trigger,
          actor,
          signal: options.signal ? AbortSignal.any([this.#abort.signal, options.signal]) : this.#abort.signal,
          ...(options.keys ? { keys: options.keys } : {}),
        },
      );
      if (result.ok) {
        // The run read the definitions from the store; portraits should name what it computed (another process
        // may have defined tags since they were cached).
        this.#definitions = null;
        // The cache holds the latest day: a run of an earlier day (a backfill) leaves it as it is.
        const cached = await this.cache.get();
        if (cached === null || asOf >= cached.asOf) await this.cache.refresh();
      }
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** True when the day already has a tag snapshot. */
  async hasSnapshot(asOf: string): Promise<boolean> {
    return !!(await this.#db
      .selectFrom('tag_snapshot_days')
      .select('as_of')
      .where('as_of', '=', asOf)
      .executeTakeFirst());
  }

  /** The latest runs. */
  runs(limit: number): Promise<TagRun[]> {
    return listRuns(this.#db, limit);
  }

  /** Imports values of a manual tag from rows or CSV text; all or nothing. */
  async importValues(
    key: string,
    input: { rows: { customer_no: string; value: string }[] } | { csv: string },
    actor: string,
    options: { replace?: boolean } = {},
  ): Promise<Result<{ imported: number; unknownCustomerNos: string[] }, TagFailure>> {
    const [def] = await loadDefinitions(this.#db, { keys: [key] });
    if (!def) return err({ code: 'not_found', message: `no active tag ${key}` });
    if (def.kind !== 'manual')
      return err({
        code: 'bad_request',
        message: `tag ${key} is a ${def.kind} tag; only manual tags take imported values`,
      });
    let rows: ManualRow[];
    if ('csv' in input) {
      const parsed = parseManualCsv(input.csv);
      if (!parsed.ok) return parsed;
      rows = parsed.value;
    } else
      rows = input.rows.map((r, i) => ({
        row: i + 1,
        customer_no: String(r.customer_no),
        value: String(r.value),
      }));
    return importManualValues(this.#db, { key, spec: def.spec }, rows, { actor, ...options });
  }

  /** Every tag value of one customer on the latest snapshot day, from memory. */
  async portrait(customerNo: string): Promise<Result<Portrait, TagFailure>> {
    const started = performance.now();
    const customer = await this.#db
      .selectFrom('customers')
      .select('id')
      .where('customer_no', '=', customerNo)
      .executeTakeFirst();
    if (!customer) return err({ code: 'not_found', message: `no customer ${customerNo}` });
    const { asOf, byOrdinal } = await this.tagsOf([customer.id]);
    const elapsedMs = Math.round((performance.now() - started) * 100) / 100;
    return ok({
      customerNo,
      customerId: customer.id,
      asOf,
      elapsedMs,
      tags: byOrdinal.get(customer.id) ?? [],
    });
  }

  /**
   * The tag values of several customers (by ordinal) on the latest snapshot day, from memory, in catalogue order:
   * a page of a customer list costs a few thousand bitmap lookups.
   */
  async tagsOf(
    ordinals: readonly number[],
  ): Promise<{ asOf: string | null; byOrdinal: Map<number, PortraitTag[]> }> {
    const [snapshot, defs] = await Promise.all([this.cache.get(), this.#activeDefinitions()]);
    const byOrdinal = new Map<number, PortraitTag[]>();
    if (!snapshot) return { asOf: null, byOrdinal };
    const byKey = new Map(defs.map((d) => [d.key, d]));
    const order = new Map(defs.map((d, i) => [d.key, i]));
    for (const ordinal of ordinals) {
      const tags: PortraitTag[] = [];
      for (const { key, value } of this.cache.valuesOf(snapshot, ordinal)) {
        const def = byKey.get(key);
        if (!def) continue; // retired since the snapshot
        tags.push({
          key,
          name: { en: def.name_en, zh: def.name_zh },
          category: def.category,
          value,
          label: valueLabel(def, value),
        });
      }
      tags.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
      byOrdinal.set(ordinal, tags);
    }
    return { asOf: snapshot.asOf, byOrdinal };
  }

  /** Stops a running computation (at its next chunk) and waits for the queue to drain. */
  async close(): Promise<void> {
    this.#abort.abort(new Error('shutting down'));
    await this.#queue;
    this.#abort = new AbortController();
  }

  async #activeDefinitions(): Promise<TagDefinition[]> {
    const now = Date.now();
    if (!this.#definitions || now - this.#definitions.at > DEFINITIONS_TTL_MS)
      this.#definitions = { at: now, defs: await loadDefinitions(this.#db) };
    return this.#definitions.defs;
  }

  /** A definition body parsed and, for a SQL tag, its query checked: what create and update write. */
  async #checkInput(body: unknown, author: TagAuthor): Promise<Result<TagInput, TagFailure>> {
    const parsed = parseTagInput(body);
    if (!parsed.ok) return invalid(parsed.error);
    const sqlProblem = await this.#checkSql(parsed.value, author);
    return sqlProblem ? err(sqlProblem) : parsed;
  }

  /** An SQL tag needs tags.sql, and a statement that passes the sandbox's check as it would run today. */
  async #checkSql(input: TagInput, author: TagAuthor): Promise<TagFailure | undefined> {
    if (input.kind !== 'sql') return undefined;
    if (!author.maySql) return SQL_FORBIDDEN;
    const checked = await checkSqlTag({ events: this.#events, sandbox: this.#sandbox }, input.spec, {
      asOf: this.today(),
      timeZone: this.#clock.timeZone,
    });
    if (checked.ok) return undefined;
    return invalidFailure(
      checked.error.map((i) => ({
        path: 'spec.sql',
        message: i.line === undefined ? i.message : `line ${i.line}, column ${i.column}: ${i.message}`,
        ...(i.line === undefined ? {} : { line: i.line, column: i.column }),
      })),
    );
  }

  async #written(result: Result<TagDefinition, TagFailure>): Promise<Result<TagItem, TagFailure>> {
    if (!result.ok) return result;
    this.#definitions = null;
    return ok(tagItem(result.value, await this.cache.get()));
  }
}

const SQL_FORBIDDEN: TagFailure = {
  code: 'forbidden',
  message:
    'creating, editing or retiring an SQL tag needs the permission tags.sql (admins hold it; it can be granted)',
};

function invalidFailure(issues: TagIssue[]): TagFailure {
  return {
    code: 'invalid_tag',
    message: `invalid tag definition: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
    details: { issues },
  };
}

function invalid(issues: TagIssue[]): Result<never, TagFailure> {
  return err(invalidFailure(issues));
}
