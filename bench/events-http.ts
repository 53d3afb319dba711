import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersCsv, apiEventBatch } from './data.ts';
import { runCli, startServerProcess, stopProcess, type BenchResult } from './support.ts';

/**
 * `POST /v1/events` in batches of 1,000 from `concurrency` loopback clients for `seconds`, against a server
 * process on embedded stores holding `customers` imported customers (so distinct ids resolve).
 */
export async function benchEventsHttp(options: {
  customers: number;
  seconds: number;
  concurrency: number;
}): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-http-'));
  const env = { FLYWHEEL_DATA_DIR: dir, LOG_LEVEL: 'warn', FLYWHEEL_SEED_DEMO: 'never' };
  try {
    const { file, mapping } = await customersCsv(options.customers);
    const imported = await runCli(['import', 'customers', file, '--mapping', mapping, '--json'], env);
    if (imported.code !== 0) throw new Error(imported.stderr);
    const key = (await runCli(['apikey', 'create', '--role', 'admin', '--name', 'bench'], env)).stdout.trim();
    const server = await startServerProcess(
      env,
      async (url) => (await fetch(`${url}/readyz`)).status === 200,
      120_000,
    );
    try {
      let next = 0;
      let accepted = 0;
      let failures = 0;
      const latencies: number[] = [];
      const deadline = performance.now() + options.seconds * 1000;
      const started = performance.now();
      const client = async () => {
        while (performance.now() < deadline) {
          const from = next;
          next += 1000;
          const body = JSON.stringify(apiEventBatch(from, 1000, options.customers));
          const t = performance.now();
          const res = await fetch(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body,
          });
          latencies.push(performance.now() - t);
          if (res.status !== 200) {
            failures++;
            await res.text();
            continue;
          }
          accepted += ((await res.json()) as { accepted: number }).accepted;
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, client));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const rate = accepted / seconds;
      const stored = await fetch(`${server.url}/readyz`);
      await stored.text();
      return [
        {
          bench: 'ingest.http_events',
          metric: 'events_per_s',
          value: Math.round(rate),
          unit: 'events/s',
          target: '>= 50000',
          pass: rate >= 50_000,
          details: {
            batches: latencies.length,
            batchSize: 1000,
            concurrency: options.concurrency,
            seconds: Math.round(seconds * 10) / 10,
            failures,
            p50BatchMs: Math.round(latencies[Math.floor(latencies.length * 0.5)] ?? 0),
            p95BatchMs: Math.round(latencies[Math.floor(latencies.length * 0.95)] ?? 0),
          },
        },
      ];
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
