import { isAbsolute, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { resolveDistinctIds } from './events.ts';
import type { Mapping } from './mapping.ts';
import { customerIds } from './operational.ts';
import { Failure, toTimestamp } from './values.ts';

// The engine path for clean NDJSON event files on chDB: the engine parses the file itself (in parallel, no JS per
// row), validation runs as a few set-based queries, and only new or changed events are inserted. It vouches only for
// files it finds entirely valid: on any doubt (a line that does not parse, an unknown field, a bad time, a
// duplicate id, invalid UTF-8, an unknown customer) it answers `fallback`, and the row-by-row path runs instead and
// reports each problem with its row and line. So both paths accept exactly the same files.

/** Counts of a load the engine path completed. */
export interface FastOutcome {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** The file's distinct event names (at most MAX_NAMES), for the data dictionary. */
  eventNames: string[];
}

/** Distinct event names a load reports to the dictionary; a file with more registers the first ones only. */
const MAX_NAMES = 10_000;

const FIELDS = ['event_id', 'distinct_id', 'customer_no', 'event', 'time', 'properties'] as const;
type Field = (typeof FIELDS)[number];

/** Why the engine path does not apply to this mapping or store, or null when it does. */
export function fastPathUnsupported(
  mapping: Mapping,
  format: 'csv' | 'ndjson',
  events: EventStore,
): string | null {
  if (events.kind !== 'chdb') return 'the event store is a server (it cannot read local files)';
  if (format !== 'ndjson') return 'not NDJSON';
  if (mapping.filter || (mapping.extra && mapping.extra !== 'reject'))
    return 'the mapping filters rows or keeps extra fields';
  for (const [target, spec] of Object.entries(mapping.columns)) {
    if (!(FIELDS as readonly string[]).includes(target)) return `target ${target} needs the row path`;
    const from = typeof spec === 'string' ? spec : Object.keys(spec).length === 1 ? spec.from : null;
    if (from === null || from.startsWith('$')) return `column ${target} converts values`;
  }
  for (const target of Object.keys(mapping.constants ?? {})) {
    if (!(FIELDS as readonly string[]).includes(target) || target === 'properties')
      return `constant ${target} needs the row path`;
  }
  return null;
}

const ident = (name: string) => '`' + name.replaceAll('\\', '\\\\').replaceAll('`', '\\`') + '`';
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
// The JS parser's ISO form (values.ts toTimestamp), so the engine accepts exactly the times the row path accepts.
const ISO_TIME = String.raw`^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$`;
const RESOLVE_CHUNK = 20_000;
// Memory stays flat whatever the file size: aggregations and sorts spill to disk past 256 MiB, inserts squash into
// blocks of at most 256k rows, and id sets (IN, joins) are built for at most PARTITION_ROWS ids at a time.
const SPILL =
  'max_bytes_before_external_group_by = 268435456, max_bytes_before_external_sort = 268435456, join_use_nulls = 0';
// chDB reads local files through mmap by default, which puts the whole file in the resident set; pread streams it.
const FILE_READ = "storage_file_read_method = 'pread'";
const INSERT_BLOCKS =
  'min_insert_block_size_rows = 262144, min_insert_block_size_bytes = 67108864, max_insert_block_size = 262144';
const PARTITION_ROWS = 2_000_000;

/** Loads an NDJSON event file through chDB, or returns `fallback` with the reason when it cannot vouch for it. */
export async function loadEventsFast(
  file: string,
  mapping: Mapping,
  deps: { db: Kysely<Database>; events: EventStore; timeZone: string },
  tag: string,
): Promise<{ ok: true; value: FastOutcome } | { ok: false; fallback: string }> {
  const { events } = deps;
  const stage = `_flywheel_import_${tag}_stage`;
  const keys = `_flywheel_import_${tag}_keys`;
  const final = `_flywheel_import_${tag}_final`;
  const constants = mapping.constants ?? {};
  const sourceOf = new Map<Field, string>();
  for (const [target, spec] of Object.entries(mapping.columns))
    sourceOf.set(target as Field, typeof spec === 'string' ? spec : spec.from);
  const params: Record<string, string | number> = {
    path: isAbsolute(file) ? file : resolve(file),
    tz: deps.timeZone,
  };
  // Each target: trimmed text from its source column, a bound constant, or empty.
  const expr = (f: Field): string => {
    const source = sourceOf.get(f);
    if (source !== undefined)
      return f === 'properties' || f === 'time'
        ? `toString(${ident(source)})`
        : `trimBoth(toString(${ident(source)}))`;
    if (f in constants && constants[f] !== null) {
      params[`c_${f}`] = String(constants[f]);
      return `{c_${f}:String}`;
    }
    return "''";
  };
  params['structure'] = [...new Set(sourceOf.values())].map((s) => `${ident(s)} String`).join(', ');
  const timeConst = constants['time'];
  if (
    timeConst !== undefined &&
    timeConst !== null &&
    !sourceOf.has('time') &&
    toTimestamp(timeConst) instanceof Failure
  ) {
    return { ok: false, fallback: 'the time constant is not a valid time' };
  }
  const byCustomerNo = sourceOf.has('customer_no') || 'customer_no' in constants;
  const drop = async () => {
    for (const t of [stage, keys, final])
      await events.command(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  };
  await drop();
  try {
    // Stage once, converting and flagging as the engine parses: the checks below then only count flags.
    // A bare day is the start of that business day, the bank's midnight (values.ts toTimestamp); an impossible day
    // (2026-02-30, which toDate would roll over) is NULL and sends the file down the row path, which names it.
    const time = `multiIf(match(time_text, '^\\d{12,14}$'), toInt64OrNull(time_text),
      match(time_text, '^\\d{4}-\\d{2}-\\d{2}$'), if(toString(toDateOrNull(time_text)) = time_text,
        toUnixTimestamp64Milli(toDateTime64(toDateOrNull(time_text), 3, {tz:String})), NULL),
      match(time_text, '${ISO_TIME.replaceAll('\\', '\\\\')}'), toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(time_text, 3, 'UTC')), NULL)`;
    await events.command(
      `CREATE TABLE ${stage} (event_id String, customer_key String, distinct_id String, event String, time_ms Nullable(Int64),
         properties String, bad_fields UInt8, bad_properties UInt8, bad_utf8 UInt8) ENGINE = MergeTree ORDER BY tuple()`,
    );
    try {
      await events.command(
        `INSERT INTO ${stage}
         SELECT event_id, ${byCustomerNo ? 'customer_no' : 'distinct_id'}, if(distinct_id = '', customer_no, distinct_id), event, ${time},
           if(properties = '', '{}', properties),
           event_id = '' OR lengthUTF8(event_id) > 128 OR event = '' OR lengthUTF8(event) > 100
             OR (distinct_id = '' AND customer_no = '') OR lengthUTF8(distinct_id) > 128 OR lengthUTF8(customer_no) > 64
             OR position(concat(event_id, distinct_id, customer_no, event, properties), char(0)) > 0,
           NOT (properties = '' OR (startsWith(properties, '{') AND isValidJSON(properties))),
           NOT (isValidUTF8(event_id) AND isValidUTF8(distinct_id) AND isValidUTF8(customer_no) AND isValidUTF8(event)
             AND isValidUTF8(properties) AND isValidUTF8(time_text))
         FROM (SELECT ${expr('event_id')} AS event_id, ${expr('distinct_id')} AS distinct_id, ${expr('customer_no')} AS customer_no,
                 ${expr('event')} AS event, ${expr('time')} AS time_text, ${expr('properties')} AS properties
               FROM file({path:String}, 'JSONEachRow', {structure:String}))
         SETTINGS input_format_skip_unknown_fields = 0, input_format_allow_errors_num = 0, input_format_null_as_default = 1,
           input_format_json_read_numbers_as_strings = 1, input_format_json_read_objects_as_strings = 1,
           input_format_json_read_arrays_as_strings = 1, input_format_json_read_bools_as_strings = 1, ${FILE_READ}, ${INSERT_BLOCKS}`,
        params,
      );
    } catch (error) {
      return {
        ok: false,
        fallback: `the engine could not parse every line (${String((error as Error).message).slice(0, 160)})`,
      };
    }
    const [check] = await events.query<Record<string, number> & { names: string[] }>(
      `SELECT count() AS n, sum(bad_fields) AS bad_fields,
         countIf(time_ms IS NULL OR time_ms < ${MIN_MS} OR time_ms >= ${MAX_MS}) AS bad_times,
         sum(bad_properties) AS bad_properties, sum(bad_utf8) AS bad_utf8,
         (SELECT count() FROM (SELECT event_id FROM ${stage} GROUP BY event_id HAVING count() > 1)) AS duplicates,
         uniq(customer_key) AS keys, groupUniqArray(${MAX_NAMES})(event) AS names
       FROM ${stage} SETTINGS ${SPILL}`,
    );
    if (!check || Number(check['n']) === 0) return { ok: false, fallback: 'no rows' };
    const eventNames = check.names;
    const doubts = Object.entries(check).filter(
      ([k, v]) => k !== 'n' && k !== 'keys' && k !== 'names' && Number(v) > 0,
    );
    if (doubts.length)
      return { ok: false, fallback: doubts.map(([k, v]) => `${v} ${k.replace('_', ' ')}`).join(', ') };

    const unresolved = await resolveKeys(deps, stage, keys, byCustomerNo, Number(check['keys']));
    if (unresolved) return { ok: false, fallback: unresolved };
    const resolved = `SELECT s.event_id AS event_id, k.customer_id AS customer_id, s.distinct_id AS distinct_id, s.event AS event,
        assumeNotNull(s.time_ms) AS time_ms, s.properties AS properties
      FROM ${stage} AS s
      LEFT JOIN (SELECT key, argMin(customer_id, rank) AS customer_id FROM ${keys} GROUP BY key) AS k ON k.key = s.customer_key`;
    const insert = (source: string) =>
      events.command(
        `INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties)
         SELECT event_id, customer_id, distinct_id, event, fromUnixTimestamp64Milli(time_ms, 'UTC'), properties FROM (${source})
         SETTINGS optimize_on_insert = 0, ${SPILL}, ${INSERT_BLOCKS}`,
      );
    const n = Number(check['n']);
    // Ids are checked against the store a partition (by hash) at a time, so no id set outgrows PARTITION_ROWS.
    const parts = Math.max(1, Math.ceil(n / PARTITION_ROWS));
    const part = (column: string, i: number) =>
      parts === 1 ? '1' : `cityHash64(${column}) % ${parts} = ${i}`;
    let overlap = 0;
    for (let i = 0; i < parts; i++) {
      const [row] = await events.query<{ n: number }>(
        `SELECT count() AS n FROM events WHERE ${part('event_id', i)} AND event_id IN (SELECT event_id FROM ${stage} WHERE ${part('event_id', i)})`,
      );
      overlap += Number(row?.n ?? 0);
    }
    if (overlap === 0) {
      await insert(resolved);
      return { ok: true, value: { read: n, inserted: n, updated: 0, unchanged: 0, eventNames } };
    }

    // Some ids are stored already: compare with the version readers see (FINAL) and insert only new or changed rows.
    await events.command(
      `CREATE TABLE ${final} ENGINE = MergeTree ORDER BY event_id AS ${resolved} SETTINGS ${SPILL}, ${INSERT_BLOCKS}`,
    );
    const same = `e.customer_id = f.customer_id AND e.distinct_id = f.distinct_id AND e.event = f.event AND e.time_ms = f.time_ms AND e.properties = f.properties`;
    let existing = 0;
    let unchanged = 0;
    for (let i = 0; i < parts; i++) {
      const mine = `(SELECT * FROM ${final} WHERE ${part('event_id', i)})`;
      const stored = `(SELECT event_id, customer_id, distinct_id, event, toUnixTimestamp64Milli(time) AS time_ms, properties
         FROM events FINAL WHERE ${part('event_id', i)} AND event_id IN (SELECT event_id FROM ${mine}))`;
      const [counts] = await events.query<{ n: number; existing: number; unchanged: number }>(
        `SELECT count() AS n, countIf(e.event_id != '') AS existing, countIf(e.event_id != '' AND ${same}) AS unchanged
         FROM ${mine} AS f LEFT JOIN ${stored} AS e ON e.event_id = f.event_id SETTINGS ${SPILL}`,
      );
      existing += Number(counts!.existing);
      unchanged += Number(counts!.unchanged);
      if (Number(counts!.n) > Number(counts!.unchanged)) {
        await insert(
          `SELECT f.* FROM ${mine} AS f WHERE f.event_id NOT IN (SELECT e.event_id FROM ${mine} AS f INNER JOIN ${stored} AS e ON e.event_id = f.event_id WHERE ${same})`,
        );
      }
    }
    return {
      ok: true,
      value: { read: n, inserted: n - existing, updated: existing - unchanged, unchanged, eventNames },
    };
  } finally {
    await drop();
  }
}

const COPY_CHUNK = 50_000;

/**
 * Fills the engine's key → customer ordinal table (rank 0 wins: app login ids before customer numbers, as in
 * resolveDistinctIds), moving whichever side is smaller: the file's distinct keys looked up in the operational
 * store, or the store's keys copied to the engine. Returns a fallback reason when a customer_no is unknown.
 */
async function resolveKeys(
  deps: { db: Kysely<Database>; events: EventStore },
  stage: string,
  keys: string,
  byCustomerNo: boolean,
  keysInFile: number,
): Promise<string | null> {
  const { db, events } = deps;
  await events.command(`CREATE TABLE ${keys} (key String, customer_id UInt32, rank UInt8) ENGINE = Memory`);
  const send = async (rows: readonly { key: string; customer_id: number }[], rank: number) => {
    if (rows.length === 0) return;
    const lines = rows
      .map((r) => JSON.stringify({ key: r.key, customer_id: r.customer_id, rank }))
      .join('\n');
    await events.command(`INSERT INTO ${keys} FORMAT JSONEachRow\n${lines}\n`);
  };
  const customers = Number(
    (await sql<{ n: number }>`select count(*)::int as n from customers`.execute(db)).rows[0]?.n ?? 0,
  );
  const identities = byCustomerNo
    ? 0
    : Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from customer_identities where kind = 'distinct_id'`.execute(db)
        ).rows[0]?.n ?? 0,
      );
  if (customers + identities <= keysInFile) {
    // Fewer keys stored than in the file (e.g. events before any customer import): copy them all to the engine.
    for (let after = 0; ;) {
      const rows = await sql<{ key: string; customer_id: number }>`
        select customer_no as key, id as customer_id from customers where id > ${after} order by id limit ${COPY_CHUNK}`.execute(
        db,
      );
      await send(rows.rows, 1);
      if (rows.rows.length < COPY_CHUNK) break;
      after = rows.rows.at(-1)!.customer_id;
    }
    for (let after = ''; identities > 0;) {
      const rows = await sql<{ key: string; customer_id: number }>`
        select value as key, customer_id from customer_identities where kind = 'distinct_id' and value > ${after}
        order by value limit ${COPY_CHUNK}`.execute(db);
      await send(rows.rows, 0);
      if (rows.rows.length < COPY_CHUNK) break;
      after = rows.rows.at(-1)!.key;
    }
    if (byCustomerNo) {
      const [unknown] = await events.query<{ n: number }>(
        `SELECT count() AS n FROM ${stage} WHERE customer_key NOT IN (SELECT key FROM ${keys})`,
      );
      if (Number(unknown?.n ?? 0) > 0) return 'unknown customers';
    }
    return null;
  }
  const distinct = (
    await events.query<{ key: string }>(
      `SELECT DISTINCT customer_key AS key FROM ${stage} WHERE customer_key != ''`,
    )
  ).map((r) => r.key);
  for (let i = 0; i < distinct.length; i += RESOLVE_CHUNK) {
    const chunk = distinct.slice(i, i + RESOLVE_CHUNK);
    const found = byCustomerNo ? await customerIds(db, chunk) : await resolveDistinctIds(db, chunk);
    if (byCustomerNo && found.size < chunk.length) return 'unknown customers';
    await send(
      [...found].map(([key, customer_id]) => ({ key, customer_id })),
      0,
    );
  }
  return null;
}
