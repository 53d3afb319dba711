import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { customersCsv, eventsNdjson } from './data.ts';
import { runCli, type BenchResult } from './support.ts';

const PG_ADMIN = process.env['FLYWHEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface ImportJson {
  read: number;
  inserted: number;
  elapsedMs: number;
  status: string;
}

async function importOnce(kind: string, file: string, mapping: string, env: Record<string, string>) {
  const run = await runCli(['import', kind, file, '--mapping', mapping, '--json'], {
    LOG_LEVEL: 'warn',
    ...env,
  });
  if (run.code !== 0) throw new Error(`import ${kind} failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as ImportJson;
  return { report, wallSeconds: run.seconds, peakRssMb: run.peakRssMb };
}

/** `flywheel import customers` of a 1M-row CSV into PGlite and PostgreSQL: rows/s and peak RSS. */
export async function benchImportCustomers(rows: number): Promise<BenchResult[]> {
  const { file, mapping } = await customersCsv(rows);
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-import-'));
  try {
    const r = await importOnce('customers', file, mapping, { FLYWHEEL_DATA_DIR: dir });
    results.push(
      {
        bench: 'import.customers.pglite',
        metric: 'rows_per_s',
        value: Math.round(r.report.read / (r.report.elapsedMs / 1000)),
        unit: 'rows/s',
        target: '>= 20000',
        pass: r.report.read / (r.report.elapsedMs / 1000) >= 20_000,
        details: {
          rows: r.report.read,
          importSeconds: r.report.elapsedMs / 1000,
          wallSeconds: r.wallSeconds,
        },
      },
      {
        bench: 'import.customers.pglite',
        metric: 'peak_rss_mb',
        value: r.peakRssMb,
        unit: 'MB',
        target: '< 1536',
        pass: r.peakRssMb < 1536,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const dbName = `flywheel_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${dbName}`;
  const eventsDir = mkdtempSync(join(tmpdir(), 'flywheel-bench-import-pg-'));
  try {
    const r = await importOnce('customers', file, mapping, {
      DATABASE_URL: url.toString(),
      FLYWHEEL_DATA_DIR: eventsDir,
    });
    const rate = r.report.read / (r.report.elapsedMs / 1000);
    results.push(
      {
        bench: 'import.customers.postgres',
        metric: 'rows_per_s',
        value: Math.round(rate),
        unit: 'rows/s',
        target: '>= 50000',
        pass: rate >= 50_000,
        details: {
          rows: r.report.read,
          importSeconds: r.report.elapsedMs / 1000,
          wallSeconds: r.wallSeconds,
        },
      },
      {
        bench: 'import.customers.postgres',
        metric: 'peak_rss_mb',
        value: r.peakRssMb,
        unit: 'MB',
        target: '< 1536',
        pass: r.peakRssMb < 1536,
      },
    );
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    rmSync(eventsDir, { recursive: true, force: true });
  }
  return results;
}

/** `flywheel import events` of an NDJSON file into chDB: events/s. */
export async function benchImportEvents(events: number): Promise<BenchResult[]> {
  const { file, mapping } = await eventsNdjson(events, 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-events-'));
  try {
    const r = await importOnce('events', file, mapping, { FLYWHEEL_DATA_DIR: dir });
    const rate = r.report.read / (r.report.elapsedMs / 1000);
    return [
      {
        bench: 'import.events.chdb',
        metric: 'events_per_s',
        value: Math.round(rate),
        unit: 'events/s',
        target: '>= 500000',
        pass: rate >= 500_000,
        details: {
          events: r.report.read,
          importSeconds: r.report.elapsedMs / 1000,
          wallSeconds: r.wallSeconds,
          peakRssMb: r.peakRssMb,
        },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
