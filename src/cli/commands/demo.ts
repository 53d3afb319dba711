import type { EventStore } from '../../store/events/store.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import { seedDemoBank, type DemoSummary } from '../../demo/seed.ts';

/** `flywheel demo`: seeds the demo bank and prints what was generated; returns the process exit code. */
export async function runDemoCommand(
  opts: { customers: number; days: number; seed: string; asOf?: string },
  deps: {
    store: OperationalStore;
    events: EventStore;
    logger?: { info(obj: object, msg?: string): void };
    print?: (line: string) => void;
  },
): Promise<number> {
  const print = deps.print ?? ((line: string) => console.log(line));
  const result = await seedDemoBank({ store: deps.store, events: deps.events, logger: deps.logger }, opts);
  if (!result.ok) {
    print(`flywheel demo: ${result.error.message}`);
    // 2 = refused by the input or the state of the stores (nothing was written), as for other usage errors.
    return 2;
  }
  for (const line of formatSummary(result.value)) print(line);
  return 0;
}

/** Human-readable lines of a seed summary. */
export function formatSummary(s: DemoSummary): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const width = Math.max(...Object.keys(s.counts).map((k) => k.length));
  return [
    `Demo bank seeded: ${n(s.options.customers)} customers, ${s.options.days} days up to ${s.options.asOf} (seed "${s.options.seed}")`,
    ...Object.entries(s.counts).map(([table, rows]) => `  ${table.padEnd(width)}  ${n(rows).padStart(12)}`),
    `  tiers: ${Object.entries(s.tiers)
      .map(([t, c]) => `${t} ${n(c)}`)
      .join(', ')}`,
    `  lifecycle: ${Object.entries(s.lifecycle)
      .map(([t, c]) => `${t} ${n(c)}`)
      .join(', ')}`,
    `  AUM ${n(Math.round(s.aum.total))} CNY; top 20% of customers hold ${(s.aum.top20Share * 100).toFixed(1)}%`,
    `  customer_daily: ${s.dailyFacts.dates} dates per customer (${s.dailyFacts.definition})`,
    `  time: ${secs(s.timings.totalMs)} (operational inserts ${secs(s.timings.operationalMs)}, ` +
      `event-store loads ${secs(s.timings.eventStoreLoadMs)} in the background, daily facts ${secs(s.timings.dailyMs)}; ` +
      `waited ${secs(s.timings.generateWaitMs)} for the ${s.generator} generator, ${secs(s.timings.eventStoreWaitMs)} for the event store)`,
  ];
}
