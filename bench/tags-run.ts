// Child process of the tag benchmark (bench/tags.ts): opens the synthesised stores, adds the default catalogue and
// computes it twice for the business day: the first run also replays the closed months of tier history, the second
// is the daily recompute. Prints one JSON line per run, with this process's resident memory.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/operational/database.ts';
import { openEventStore } from '../src/store/events/open.ts';
import { openOperationalStore } from '../src/store/operational/open.ts';
import { computeTags } from '../src/tags/compute.ts';
import { ensureCatalogue } from '../src/tags/definitions.ts';
import { BENCH_AS_OF } from './tags-data.ts';

const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
};

/** CPU seconds of this process (including chDB's threads) and of the PostgreSQL backends serving this database. */
async function cpuSeconds(db: Kysely<Database>): Promise<{ node: number; postgres: number }> {
  const { user, system } = process.cpuUsage();
  const backends = await sql<{
    pid: number;
  }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  const ticks = backends.rows.reduce((sum, { pid }) => {
    try {
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    } catch {
      return sum; // a backend on another machine, or gone
    }
  }, 0);
  return { node: (user + system) / 1e6, postgres: ticks / 100 };
}

const store = await openOperationalStore({ kind: 'postgres', url: process.env['BENCH_DATABASE_URL']! });
const events = await openEventStore({ kind: 'chdb', dataDir: process.env['BENCH_EVENTS_DIR']! });
try {
  await ensureCatalogue(store.db, 'bench');
  for (const label of ['first', 'recompute']) {
    const cpuBefore = await cpuSeconds(store.db);
    const started = performance.now();
    const run = await computeTags(
      { db: store.db, events },
      { asOf: BENCH_AS_OF, trigger: 'manual', actor: 'bench' },
    );
    if (!run.ok) throw new Error(run.error.message);
    const r = run.value;
    const cpuAfter = await cpuSeconds(store.db);
    console.log(
      JSON.stringify({
        label,
        seconds: (performance.now() - started) / 1000,
        status: r.status,
        customers: r.customers,
        tags: r.results.length,
        tagValues: r.tagValues,
        bitmapMB: Math.round((r.bitmapBytes / 2 ** 20) * 10) / 10,
        phasesMs: r.phasesMs,
        cpuSeconds: {
          node: Math.round(cpuAfter.node - cpuBefore.node),
          postgres: Math.round(cpuAfter.postgres - cpuBefore.postgres),
        },
        loadAvg1: Math.round(loadavg()[0]! * 10) / 10,
        failed: r.results.filter((x) => x.status === 'failed').map((x) => `${x.key}: ${x.error}`),
        slowest: [...r.results]
          .sort((a, b) => b.elapsedMs - a.elapsedMs)
          .slice(0, 6)
          .map((x) => `${x.key} ${x.elapsedMs} ms`),
        ...memory(),
      }),
    );
  }
} finally {
  await events.close();
  await store.close();
}
