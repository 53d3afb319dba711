import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { funnelDefinitionSchema } from '../src/analytics/funnels/definition.ts';
import { runFunnel } from '../src/analytics/funnels/funnel.ts';
import { windowFunnelCheckSql } from '../src/analytics/funnels/sql.ts';
import type { BehaviourDeps } from '../src/analytics/funnels/groups.ts';
import { retentionDefinitionSchema } from '../src/analytics/retention/definition.ts';
import { runRetention, type RetentionResult } from '../src/analytics/retention/retention.ts';
import { SegmentService } from '../src/segments/service.ts';
import { fixedClock } from '../src/shared/clock.ts';
import { openEventStore } from '../src/store/events/open.ts';
import type { EventStore } from '../src/store/events/store.ts';
import { openMigratedMemoryStore } from '../test/support/pglite.ts';
import { handFunnelSql, handRetentionSql } from './analytics-sql.ts';
import type { BenchResult } from './support.ts';
import { tagSource } from '../src/tags/segment-source.ts';

// `npm run bench -- analytics`: a 4-step funnel (7-day window) and a 12×12 weekly retention on N events over C
// customers generated inside chDB, through the code the API runs (runFunnel / runRetention); then the same two
// analyses written by hand on DuckDB (the events exported once to Parquet) and on PostgreSQL 15 (COPY, indexes),
// with their answers checked equal to ours. BENCH_ANALYTICS_EVENTS / BENCH_ANALYTICS_CUSTOMERS shrink it.

const PG_ADMIN = process.env['FLYWHEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = 'flywheel_bench_analytics';
const START = '2026-08-03'; // a Monday; 16 weeks of events from here
const DAYS = 112;
const STEPS = ['app_open', 'view_product', 'add_to_cart', 'purchase'];
const FUNNEL_TO = '2026-11-22';
const COHORTS_TO = '2026-10-25'; // 12 weekly cohorts: 08-03 … 10-19
const RUNS = Number(process.env['BENCH_ANALYTICS_RUNS'] ?? 5);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

async function timed<T>(
  runs: number,
  f: () => Promise<T>,
  warmUp = true,
): Promise<{ ms: number[]; value: T }> {
  let value = warmUp ? await f() : undefined; // warm-up, not counted
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    value = await f();
    ms.push(performance.now() - t);
  }
  return { ms, value: value as T };
}

/**
 * Generates the events inside ClickHouse: customers 1…C, event names by a fixed mix (app_open 40%, view_product 25%,
 * add_to_cart 15%, checkout 8%, purchase 6%, login 4%, share 2%), ids unique. Times: 70% of a customer's events fall
 * in a 14-day active spell starting at a random day of the 16 weeks (so funnels convert within a week), the other
 * 30% anywhere in the 16 weeks (so cohorts keep returning).
 */
async function generate(events: EventStore, n: number, customers: number): Promise<number> {
  const started = performance.now();
  await events.command(
    `INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties)
     SELECT concat('b', toString(number)) AS event_id,
            toUInt32(1 + cityHash64(number, 1) % {c:UInt64}) AS customer_id,
            concat('d', toString(customer_id)) AS distinct_id,
            multiIf(r < 40, 'app_open', r < 65, 'view_product', r < 80, 'add_to_cart', r < 88, 'checkout',
                    r < 94, 'purchase', r < 98, 'login', 'share') AS event,
            fromUnixTimestamp64Milli(toInt64({startMs:Int64} + if(cityHash64(number, 5) % 10 < 7,
              cityHash64(customer_id, 6) % ({spanMs:UInt64} - {spellMs:UInt64}) + cityHash64(number, 3) % {spellMs:UInt64},
              cityHash64(number, 3) % {spanMs:UInt64})), 'UTC') AS time,
            if(cityHash64(number, 4) % 3 = 0, '{"channel":"web"}', '{"channel":"app"}') AS properties
       FROM (SELECT number, cityHash64(number, 2) % 100 AS r FROM numbers({n:UInt64}))
     SETTINGS optimize_on_insert = 0`,
    {
      n,
      c: customers,
      startMs: Date.parse(`${START}T00:00:00Z`),
      spanMs: DAYS * 86_400_000,
      spellMs: 14 * 86_400_000,
    },
  );
  return performance.now() - started;
}

/** `psql \copy` of a CSV file into bench_events. */
function psqlCopy(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy bench_events from '${file}' with (format csv)`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql \\copy failed (${code}): ${stderr}`)),
    );
  });
}

type Cells = Map<string, number>;
const cellKey = (cohort: string, k: number) => `${cohort}|${k}`;

/** Our retention table as cells (observed ones only) for comparison with a hand-written answer. */
function ourCells(r: RetentionResult): Cells {
  const cells: Cells = new Map();
  for (const c of r.overall.cohorts) {
    cells.set(cellKey(c.cohort, -1), c.size);
    c.retained.forEach((n, k) => n !== null && cells.set(cellKey(c.cohort, k), n));
  }
  return cells;
}

/** Whether a hand-written answer agrees with ours on every observed cell. */
function sameCells(ours: Cells, rows: readonly { cohort: string; k: number; n: number }[]): boolean {
  const theirs = new Map(rows.map((r) => [cellKey(r.cohort, r.k), r.n]));
  for (const [key, n] of ours) if ((theirs.get(key) ?? 0) !== n) return false;
  return true;
}

/** The analytics benchmark. */
export async function benchAnalytics(options: { events: number; customers: number }): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-analytics-'));
  const results: BenchResult[] = [];
  const store = await openMigratedMemoryStore();
  const events = await openEventStore({ kind: 'chdb', dataDir: dir });
  try {
    const genMs = await generate(events, options.events, options.customers);
    const [partsRow] = await events.query<{ parts: number }>(
      `SELECT count() AS parts FROM system.parts WHERE table = 'events' AND active`,
    );
    // UTC business days: the DuckDB and PostgreSQL baselines cut days in UTC, and the answers must agree.
    const clock = fixedClock('2026-11-23T10:00:00Z', 'UTC');
    const deps: BehaviourDeps = {
      events,
      clock,
      segments: new SegmentService({ tags: tagSource, db: store.db, events, clock }),
    };
    const funnelDef = funnelDefinitionSchema.parse({
      steps: STEPS.map((event) => ({ event })),
      window: { days: 7 },
      from: START,
      to: FUNNEL_TO,
    });
    const retentionDef = retentionDefinitionSchema.parse({
      start: { kind: 'any_event' },
      return: { kind: 'any_event' },
      period: 'week',
      periods: 12,
      from: START,
      to: COHORTS_TO,
    });
    const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const funnel = await timed(RUNS, async () => ok(await runFunnel(deps, funnelDef)));
    const retention = await timed(RUNS, async () => ok(await runRetention(deps, retentionDef)));
    const ours: { funnel: number[]; cells: Cells } = {
      funnel: funnel.value.overall.steps.map((s) => s.customers),
      cells: ourCells(retention.value),
    };
    // The chains' levels against ClickHouse's windowFunnel, customer by customer (src/analytics/funnels/sql.ts).
    const check = windowFunnelCheckSql(funnelDef, clock);
    const [agreement] = await events.query<{ customers: number; mismatched: number }>(
      check.sql,
      check.params,
    );
    const scale = {
      events: options.events,
      customers: options.customers,
      parts: partsRow?.parts,
      generateSeconds: genMs / 1000,
    };
    const funnelMs = median(funnel.ms);
    const retentionMs = median(retention.ms);

    // The same events, deduplicated, for the baselines (which deduplicate at load: a primary key / DISTINCT).
    const parquet = join(dir, 'events.parquet');
    const csv = join(dir, 'events.csv');
    const exportSelect = `SELECT customer_id, toString(event) AS event, time FROM events_dedup WHERE customer_id > 0`;
    await events.command(`INSERT INTO FUNCTION file({p:String}, 'Parquet') ${exportSelect}`, { p: parquet });
    await events.command(
      `INSERT INTO FUNCTION file({p:String}, 'CSV') SELECT customer_id, event, toString(time) FROM (${exportSelect})`,
      { p: csv },
    );

    const duck = await duckdbBaseline(parquet, ours);
    const pgr = await postgresBaseline(csv, ours);

    // The same analyses once the inserted parts are merged into one (as background merges eventually do): FINAL
    // then has nothing to collapse across parts.
    await events.command('OPTIMIZE TABLE events FINAL');
    const merged = {
      funnel: median((await timed(RUNS, async () => ok(await runFunnel(deps, funnelDef)))).ms),
      retention: median((await timed(RUNS, async () => ok(await runRetention(deps, retentionDef)))).ms),
    };

    const stepsText = funnel.value.overall.steps.map((s) => s.customers);
    results.push(
      {
        bench: 'analytics.funnel.chdb',
        metric: 'median_ms',
        value: Math.round(funnelMs),
        unit: 'ms',
        target: '< 2000',
        pass: funnelMs < 2000 && agreement?.mismatched === 0,
        details: {
          ...scale,
          afterMergeMedianMs: Math.round(merged.funnel),
          windowFunnelMismatches: agreement?.mismatched,
          steps: STEPS,
          windowDays: 7,
          customersPerStep: stepsText,
          runsMs: funnel.ms.map(Math.round),
        },
      },
      {
        bench: 'analytics.retention.chdb',
        metric: 'median_ms',
        value: Math.round(retentionMs),
        unit: 'ms',
        target: '< 5000',
        pass: retentionMs < 5000,
        details: {
          ...scale,
          afterMergeMedianMs: Math.round(merged.retention),
          cohorts: retention.value.overall.cohorts.length,
          periods: 12,
          runsMs: retention.ms.map(Math.round),
        },
      },
      ...ratios('duckdb', duck, funnelMs, retentionMs, (r) => r <= 2, '<= 2x (within 2x of DuckDB)'),
      ...ratios('postgres', pgr, funnelMs, retentionMs, (r) => r >= 5, '>= 5x faster than PostgreSQL'),
    );
    return results;
  } finally {
    await events.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Baseline {
  readonly funnelMs: number[];
  readonly retentionMs: number[];
  readonly funnelEqual: boolean;
  readonly retentionEqual: boolean;
  readonly loadSeconds: number;
  readonly funnel: number[];
}

function ratios(
  name: string,
  b: Baseline | null,
  funnelMs: number,
  retentionMs: number,
  good: (ratio: number) => boolean,
  target: string,
): BenchResult[] {
  if (!b) return [];
  // DuckDB: ours / theirs (≤ 2 means within 2×); PostgreSQL: theirs / ours (≥ 5 means 5× faster).
  const ratio = (ourMs: number, theirMs: number) => (name === 'duckdb' ? ourMs / theirMs : theirMs / ourMs);
  const f = ratio(funnelMs, median(b.funnelMs));
  const r = ratio(retentionMs, median(b.retentionMs));
  const round = (x: number) => Math.round(x * 100) / 100;
  return [
    {
      bench: `analytics.funnel.${name}`,
      metric: name === 'duckdb' ? 'ratio_chdb_over_duckdb' : 'speedup_vs_postgres',
      value: round(f),
      unit: 'x',
      target,
      pass: good(f) && b.funnelEqual,
      details: {
        medianMs: Math.round(median(b.funnelMs)),
        runsMs: b.funnelMs.map(Math.round),
        countsEqual: b.funnelEqual,
        customersPerStep: b.funnel,
        loadSeconds: b.loadSeconds,
      },
    },
    {
      bench: `analytics.retention.${name}`,
      metric: name === 'duckdb' ? 'ratio_chdb_over_duckdb' : 'speedup_vs_postgres',
      value: round(r),
      unit: 'x',
      target,
      pass: good(r) && b.retentionEqual,
      details: {
        medianMs: Math.round(median(b.retentionMs)),
        runsMs: b.retentionMs.map(Math.round),
        cellsEqual: b.retentionEqual,
      },
    },
  ];
}

async function duckdbBaseline(
  parquet: string,
  ours: { funnel: number[]; cells: Cells },
): Promise<Baseline | null> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    duckdb = await import('@duckdb/node-api');
  } catch {
    console.error('[bench analytics] @duckdb/node-api is not installed: no DuckDB baseline');
    return null;
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const t = performance.now();
    await conn.run(
      `CREATE TABLE bench_events AS SELECT CAST(customer_id AS INTEGER) AS customer_id, CAST(event AS VARCHAR) AS event, ` +
        `CAST(time AS TIMESTAMP) AS time FROM read_parquet('${parquet}')`,
    );
    const loadSeconds = (performance.now() - t) / 1000;
    const funnel = await timed(RUNS, async () => {
      const reader = await conn.runAndReadAll(handFunnelSql('duckdb', STEPS, START, nextDay(FUNNEL_TO), 7));
      const row = reader.getRowObjectsJS()[0]!;
      return STEPS.map((_, i) => Number(row[`s${i + 1}`]));
    });
    const retention = await timed(RUNS, async () => {
      const reader = await conn.runAndReadAll(handRetentionSql('duckdb', START, nextDay(COHORTS_TO), 12));
      return reader.getRowObjectsJS().map((r) => ({
        cohort:
          r['cohort'] instanceof Date
            ? r['cohort'].toISOString().slice(0, 10)
            : String(r['cohort']).slice(0, 10),
        k: Number(r['k']),
        n: Number(r['n']),
      }));
    });
    return {
      funnelMs: funnel.ms,
      retentionMs: retention.ms,
      funnel: funnel.value,
      funnelEqual: JSON.stringify(funnel.value) === JSON.stringify(ours.funnel),
      retentionEqual: sameCells(ours.cells, retention.value),
      loadSeconds,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function postgresBaseline(
  csv: string,
  ours: { funnel: number[]; cells: Cells },
): Promise<Baseline | null> {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
  } catch (error) {
    console.error(
      `[bench analytics] PostgreSQL unreachable at ${PG_ADMIN}: no PostgreSQL baseline (${String(error)})`,
    );
    return null;
  }
  await admin.query(`drop database if exists ${PG_DB} with (force)`);
  await admin.query(`create database ${PG_DB}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${PG_DB}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const t = performance.now();
    await client.query(
      'create table bench_events (customer_id integer not null, event text not null, time timestamp not null)',
    );
    await psqlCopy(url.toString(), csv);
    // What a careful engineer adds for these two queries: step lookups by (event, customer, time), and per-customer
    // time order for first events and returns.
    await client.query(
      'create index bench_events_event_customer_time on bench_events (event, customer_id, time)',
    );
    await client.query('create index bench_events_customer_time on bench_events (customer_id, time)');
    await client.query('vacuum analyze bench_events');
    const loadSeconds = (performance.now() - t) / 1000;
    await client.query(`set work_mem = '256MB'`);
    // PostgreSQL takes tens of seconds per query at full size: 3 runs, no warm-up run (the table was just read by
    // VACUUM ANALYZE and the indexes just built, so its pages are cached).
    const runs = Math.max(1, Number(process.env['BENCH_ANALYTICS_PG_RUNS'] ?? 3));
    const funnel = await timed(
      runs,
      async () => {
        const { rows } = await client.query<Record<string, string>>(
          handFunnelSql('postgres', STEPS, START, nextDay(FUNNEL_TO), 7),
        );
        return STEPS.map((_, i) => Number(rows[0]![`s${i + 1}`]));
      },
      false,
    );
    const retention = await timed(
      runs,
      async () => {
        const { rows } = await client.query<{ cohort: Date | string; k: number; n: string }>(
          handRetentionSql('postgres', START, nextDay(COHORTS_TO), 12),
        );
        return rows.map((r) => ({
          cohort: r.cohort instanceof Date ? localDay(r.cohort) : String(r.cohort).slice(0, 10),
          k: Number(r.k),
          n: Number(r.n),
        }));
      },
      false,
    );
    return {
      funnelMs: funnel.ms,
      retentionMs: retention.ms,
      funnel: funnel.value,
      funnelEqual: JSON.stringify(funnel.value) === JSON.stringify(ours.funnel),
      retentionEqual: sameCells(ours.cells, retention.value),
      loadSeconds,
    };
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`drop database if exists ${PG_DB} with (force)`);
    await admin.end();
  }
}

/** node-postgres reads a `date` as local midnight: its calendar day. */
function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
