// `npm run bench [-- names…]`: runs the benchmarks, prints one JSON line per figure and appends them to
// bench/results/<date>.jsonl. Names: startup, import-customers, import-events, events-http, segments, tags, pool, analytics,
// drivers, campaigns, customers-list, wecom, journeys, rta, media
// (default: all).
import { appendFileSync, mkdirSync } from 'node:fs';
import { benchAnalytics } from './analytics.ts';
import { benchCampaigns } from './campaigns.ts';
import { benchCustomerList } from './customer-list.ts';
import { benchDrivers } from './drivers.ts';
import { benchEventsHttp } from './events-http.ts';
import { benchImportCustomers, benchImportEvents } from './import.ts';
import { benchJourneys } from './journeys.ts';
import { benchMedia } from './media.ts';
import { benchPool } from './pool.ts';
import { benchRta } from './rta.ts';
import { benchSegments } from './segments.ts';
import { benchStartup } from './startup.ts';
import { benchTagCompute } from './tags.ts';
import { benchWecom } from './wecom.ts';
import { machine, type BenchResult } from './support.ts';

type Bench = () => Promise<BenchResult[]>;

const benches: Record<string, Bench> = {
  startup: () => benchStartup({ customers: Number(process.env['BENCH_DEMO_CUSTOMERS'] ?? 100_000) }),
  'import-customers': () => benchImportCustomers(Number(process.env['BENCH_CUSTOMERS'] ?? 1_000_000)),
  'import-events': () => benchImportEvents(Number(process.env['BENCH_EVENTS'] ?? 10_000_000)),
  'events-http': () =>
    benchEventsHttp({
      customers: 100_000,
      seconds: Number(process.env['BENCH_HTTP_SECONDS'] ?? 60),
      concurrency: 8,
    }),
  segments: () => benchSegments({ customers: Number(process.env['BENCH_SEGMENT_CUSTOMERS'] ?? 10_000_000) }),
  tags: () => benchTagCompute(Number(process.env['BENCH_TAG_CUSTOMERS'] ?? 10_000_000)),
  pool: () => benchPool({ customers: Number(process.env['BENCH_POOL_CUSTOMERS'] ?? 1_000_000) }),
  analytics: () =>
    benchAnalytics({
      events: Number(process.env['BENCH_ANALYTICS_EVENTS'] ?? 20_000_000),
      customers: Number(process.env['BENCH_ANALYTICS_CUSTOMERS'] ?? 2_000_000),
    }),
  'customers-list': () =>
    benchCustomerList({ customers: Number(process.env['BENCH_LIST_CUSTOMERS'] ?? 1_000_000) }),
  wecom: () =>
    benchWecom({
      managers: Number(process.env['BENCH_WECOM_MANAGERS'] ?? 40),
      friends: Number(process.env['BENCH_WECOM_FRIENDS'] ?? 2_000),
      handover: Number(process.env['BENCH_WECOM_HANDOVER'] ?? 20_000),
    }),
  journeys: () =>
    benchJourneys({
      customers: Number(process.env['BENCH_JOURNEY_CUSTOMERS'] ?? 1_000_000),
      seconds: Number(process.env['BENCH_JOURNEY_SECONDS'] ?? 30),
    }),
  rta: () =>
    benchRta({
      devices: Number(process.env['BENCH_RTA_DEVICES'] ?? 10_000_000),
      seconds: Number(process.env['BENCH_RTA_SECONDS'] ?? 15),
      connections: Number(process.env['BENCH_RTA_CONNECTIONS'] ?? 32),
    }),
  drivers: () => benchDrivers({ customers: Number(process.env['BENCH_DRIVERS_CUSTOMERS'] ?? 1_000_000) }),
  campaigns: () =>
    benchCampaigns({
      customers: Number(process.env['BENCH_CAMPAIGN_CUSTOMERS'] ?? 1_000_000),
      deliver: Number(process.env['BENCH_CAMPAIGN_DELIVER'] ?? 100_000),
    }),
  media: () => benchMedia({ customers: Number(process.env['BENCH_MEDIA_CUSTOMERS'] ?? 1_000_000) }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().slice(0, 10)}.jsonl`;
let failed = false;
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  try {
    for (const result of await bench()) {
      const line = JSON.stringify({ ...result, at: new Date().toISOString(), machine: machine() });
      console.log(line);
      appendFileSync(file, line + '\n');
    }
  } catch (error) {
    failed = true;
    console.error(`benchmark ${name} failed:`, error);
  }
}
if (failed) process.exitCode = 1;
