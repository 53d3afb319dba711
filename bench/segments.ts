import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { groupFigures, type GroupBase } from '../src/analytics/group.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../src/shared/bitmap.ts';
import { evaluate } from '../src/segments/evaluate.ts';
import type { Rule } from '../src/segments/rule.ts';
import {
  syntheticBank,
  syntheticRules,
  SYNTHETIC_TODAY,
  type SyntheticBank,
} from '../test/support/synthetic-index.ts';
import { openEventStore } from '../src/store/events/open.ts';
import type { EventStore } from '../src/store/events/store.ts';
import { bankColumns, countSql, csvRows, tableColumns, type BankColumns } from './segments-sql.ts';
import type { BenchResult } from './support.ts';

// `npm run bench segments`: counts of 200 random 8-condition rules on the bitmap engine over a synthetic bank
// (BENCH_SEGMENT_CUSTOMERS, default 10M), the same counts in SQL on PostgreSQL and on chDB over the same data (each
// count checked equal), and a group analysis of a 1,000,000-member group.

const PG_ADMIN = process.env['FLYWHEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHUNK = 200_000;

export interface SegmentBenchOptions {
  readonly customers: number;
  readonly rules?: number;
  /** Rules also counted in SQL (default: all of them up to 1M customers, else 40). */
  readonly sqlRules?: number;
}

/** The segments benchmark: engine counts, SQL counts (PostgreSQL, chDB), speed-up, group analysis. */
export async function benchSegments(options: SegmentBenchOptions): Promise<BenchResult[]> {
  const n = options.customers;
  const bank = syntheticBank({ customers: n });
  const rules = syntheticRules(bank, options.rules ?? 200);
  const sqlRules = Math.min(rules.length, options.sqlRules ?? (n <= 1_000_000 ? rules.length : 40));
  const engine = await engineCounts(bank, rules);
  const group = groupAnalysis(bank);
  const columns = bankColumns(bank);
  const subset = rules.slice(0, sqlRules);
  const postgres = await postgresCounts(columns, subset);
  const clickhouse = await chdbCounts(columns, subset);
  const mismatches = subset
    .map((_, i) => ({
      rule: i,
      engine: engine.counts[i],
      postgres: postgres.counts[i],
      chdb: clickhouse.counts[i],
    }))
    .filter((m) => m.engine !== m.postgres || m.engine !== m.chdb);
  const same = mismatches.length === 0;
  const engineSubset = engine.ms.slice(0, sqlRules);
  const details = { customers: n, rules: rules.length, sqlRules, conditionsPerRule: 8 };
  const ratio = (sql: number[]) => ({
    p50: round(percentile(sql, 0.5) / percentile(engineSubset, 0.5)),
    p95: round(percentile(sql, 0.95) / percentile(engineSubset, 0.95)),
  });
  const pgRatio = ratio(postgres.ms);
  return [
    {
      bench: 'segments.count.engine',
      metric: 'p95_ms',
      value: round(percentile(engine.ms, 0.95)),
      unit: 'ms',
      target: '< 20',
      pass: percentile(engine.ms, 0.95) < 20,
      details: {
        ...details,
        p50Ms: round(percentile(engine.ms, 0.5)),
        maxMs: round(Math.max(...engine.ms)),
        generateMs: Math.round(bank.generateMs),
        buildMs: Math.round(bank.buildMs),
      },
    },
    sqlResult('segments.count.postgres', postgres, details, same),
    sqlResult('segments.count.chdb', clickhouse, details, same),
    {
      bench: 'segments.count.speedup_vs_postgres',
      metric: 'ratio_p50',
      value: pgRatio.p50,
      unit: 'x',
      target: '>= 100',
      pass: pgRatio.p50 >= 100 && same,
      details: { ...details, ratioP95: pgRatio.p95, equalCounts: same, mismatches: mismatches.slice(0, 5) },
    },
    {
      bench: 'segments.count.speedup_vs_chdb',
      metric: 'ratio_p50',
      value: ratio(clickhouse.ms).p50,
      unit: 'x',
      details: { ...details, ratioP95: ratio(clickhouse.ms).p95, equalCounts: same },
    },
    {
      bench: 'segments.group_analysis',
      metric: 'median_ms',
      value: round(group.medianMs),
      unit: 'ms',
      target: '< 500',
      pass: group.medianMs < 500,
      details: {
        customers: n,
        members: group.members,
        runs: group.runs,
        maxMs: round(group.maxMs),
        portrait: group.portrait,
      },
    },
  ];
}

function sqlResult(
  bench: string,
  r: { ms: number[]; loadMs: number },
  details: Record<string, unknown>,
  same: boolean,
): BenchResult {
  return {
    bench,
    metric: 'p50_ms',
    value: round(percentile(r.ms, 0.5)),
    unit: 'ms',
    details: {
      ...details,
      p95Ms: round(percentile(r.ms, 0.95)),
      loadMs: Math.round(r.loadMs),
      equalCounts: same,
    },
  };
}

async function engineCounts(bank: SyntheticBank, rules: readonly Rule[]) {
  const ms: number[] = [];
  const counts: number[] = [];
  for (const rule of rules) {
    const started = performance.now();
    const result = await evaluate(rule, bank.index, { today: SYNTHETIC_TODAY });
    ms.push(performance.now() - started);
    if (!result.ok) throw new Error(`synthetic rule refused: ${JSON.stringify(result.error)}`);
    counts.push(result.value.count);
    result.value.bitmap.dispose();
  }
  return { ms, counts };
}

/** Group analysis of a 1,000,000-member group (everyone when the bank is smaller), median of 7 runs. */
function groupAnalysis(bank: SyntheticBank) {
  const index = bank.index;
  const yes = (tag: string) => index.tagValue(tag, 'yes')!;
  const values = (name: string) => {
    const a = index.attribute(name)!;
    return a.type === 'number' || a.type === 'date' ? a.column.values : new Float64Array(0);
  };
  const aum = values('aum');
  const tags: GroupBase['tags'][number][] = [];
  for (const [tag, tagValues] of index.describe().tags)
    for (const value of tagValues)
      tags.push({
        tag,
        value,
        name: { en: tag, zh: tag },
        label: { en: value, zh: value },
        bitmap: index.tagValue(tag, value)!,
      });
  // The synthetic bank's flags stand in for the store's reach and activity sources: the work is the same.
  const base: GroupBase = {
    asOf: SYNTHETIC_TODAY,
    universe: index.universe,
    aum,
    totalAum: sum(aum),
    since: values('customer_since'),
    reach: {
      wecomFriend: yes('wecom_friend'),
      smsConsent: yes('sms_consent'),
      appPush: yes('app_user'),
      withManager: yes('payroll'),
    },
    tags,
  };
  const activity = { last30: yes('active_30d'), days61to90: index.tagValue('dormant', 'no')! };
  const percent = Math.min(100, (100 * 1_000_000) / index.size);
  const members: ReadonlyRoaringBitmap32 =
    percent >= 100 ? index.universe : pick(index.universe, Math.round(index.size * (percent / 100)));
  const times: number[] = [];
  let portrait = 0;
  for (let run = 0; run < 7; run++) {
    const started = performance.now();
    portrait = groupFigures(members, base, activity).portrait.length;
    times.push(performance.now() - started);
  }
  return {
    members: members.size,
    runs: times.length,
    medianMs: percentile(times, 0.5),
    maxMs: Math.max(...times),
    portrait,
  };
}

/** Every k-th customer, k chosen so that about `count` are taken. */
function pick(universe: ReadonlyRoaringBitmap32, count: number): RoaringBitmap32 {
  const all = universe.toUint32Array();
  const step = all.length / count;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = all[Math.floor(i * step)]!;
  return new RoaringBitmap32(out);
}

async function postgresCounts(columns: BankColumns, rules: readonly Rule[]) {
  const name = `flywheel_bench_segments_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const ddl = tableColumns('postgres').map(([c, t]) => `${c} ${t}`);
    await client.query(`create unlogged table bench_customers (${ddl.join(', ')})`);
    const started = performance.now();
    await psqlCopy(url.toString(), columns);
    await client.query('vacuum analyze bench_customers');
    const loadMs = performance.now() - started;
    await client.query('select count(*) from bench_customers'); // warm the buffer cache, as the engine is in memory
    const ms: number[] = [];
    const counts: number[] = [];
    for (const rule of rules) {
      const t = performance.now();
      const { rows } = await client.query<{ n: string }>(countSql(rule, 'postgres'));
      ms.push(performance.now() - t);
      counts.push(Number(rows[0]!.n));
    }
    return { ms, counts, loadMs };
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** COPY … FROM STDIN through psql, streaming the CSV in chunks (pg has no COPY without an extra package). */
function psqlCopy(url: string, columns: BankColumns): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', '\\copy bench_customers from pstdin with (format csv)'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql \\copy failed (${code}): ${stderr}`)),
    );
    const total = columns.ordinals.length;
    let at = 0;
    const write = () => {
      while (at < total) {
        const chunk = csvRows(columns, at, Math.min(total, at + CHUNK));
        at += CHUNK;
        if (!child.stdin.write(chunk)) return void child.stdin.once('drain', write);
      }
      child.stdin.end();
    };
    write();
  });
}

async function chdbCounts(columns: BankColumns, rules: readonly Rule[]) {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-segments-'));
  let store: EventStore | undefined;
  try {
    store = await openEventStore({ kind: 'chdb', dataDir: null });
    const table = tableColumns('clickhouse');
    await store.command(
      `CREATE TABLE bench_customers (${table.map(([c, t]) => `${c} ${t}`).join(', ')}) ENGINE = MergeTree ORDER BY id`,
    );
    const structure = table.map(([c, t]) => `${c} ${c === 'channel_preference' ? 'String' : t}`).join(', ');
    const select = table
      .map(([c]) =>
        c === 'channel_preference'
          ? `arrayFilter(x -> x != '', splitByChar(',', trim(BOTH '{}' FROM channel_preference)))`
          : c,
      )
      .join(', ');
    const started = performance.now();
    const total = columns.ordinals.length;
    const file = join(dir, 'chunk.csv');
    for (let at = 0; at < total; at += CHUNK * 5) {
      writeFileSync(file, csvRows(columns, at, Math.min(total, at + CHUNK * 5)));
      await store.command(
        `INSERT INTO bench_customers SELECT ${select} FROM file({path:String}, 'CSV', '${structure}')`,
        {
          path: file,
        },
      );
    }
    await store.command('OPTIMIZE TABLE bench_customers FINAL');
    const loadMs = performance.now() - started;
    await store.query('SELECT count() FROM bench_customers');
    const ms: number[] = [];
    const counts: number[] = [];
    for (const rule of rules) {
      const t = performance.now();
      const rows = await store.query<{ n: number }>(countSql(rule, 'clickhouse'));
      ms.push(performance.now() - t);
      counts.push(Number(rows[0]!.n));
    }
    return { ms, counts, loadMs };
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) total += values[i]!;
  return total;
}

const round = (x: number) => Math.round(x * 100) / 100;
