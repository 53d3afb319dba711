// Child process of the tag benchmark (bench/tags.ts): opens the synthesised stores, adds the default catalogue and
// computes it twice for the business day: the first run also replays the closed months of tier history, the second
// is the daily recompute. Prints one JSON line per run, with this process's resident memory.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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

/** CPU seconds of this process, chDB's threads included (PostgreSQL's backends are other processes). */
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const store = await openOperationalStore({ kind: 'postgres', url: process.env['BENCH_DATABASE_URL']! });
const events = await openEventStore({ kind: 'chdb', dataDir: process.env['BENCH_EVENTS_DIR']! });
try {
  await ensureCatalogue(store.db, 'bench');
  for (const label of ['first', 'recompute']) {
    const cpuBefore = cpuSeconds();
    const started = performance.now();
    const run = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      { asOf: BENCH_AS_OF, trigger: 'manual', actor: 'bench' },
    );
    if (!run.ok) throw new Error(run.error.message);
    const r = run.value;
    const cpuAfter = cpuSeconds();
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
        cpuSeconds: Math.round(cpuAfter - cpuBefore),
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
