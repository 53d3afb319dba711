import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rssMb, startServerProcess, stopProcess, type BenchResult } from './support.ts';

async function dashboardServes(url: string): Promise<boolean> {
  const ready = await fetch(`${url}/readyz`);
  if (ready.status !== 200) return false;
  const page = await fetch(`${url}/`);
  return page.status === 200 && (await page.text()).includes('<div id="root">');
}

/** `npm start` on an empty data directory (seeds the demo bank), then on the existing one; idle RSS. */
export async function benchStartup(options: { customers: number }): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-bench-start-'));
  const env = {
    FLYWHEEL_DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    FLYWHEEL_DEMO_CUSTOMERS: String(options.customers),
  };
  try {
    const cold = await startServerProcess(env, dashboardServes, 600_000);
    await stopProcess(cold.child);
    const warm = await startServerProcess(env, dashboardServes, 120_000);
    await new Promise((r) => setTimeout(r, 5000));
    const idle = warm.child.pid ? rssMb(warm.child.pid) : null;
    await stopProcess(warm.child);
    return [
      {
        bench: 'startup.empty_data_dir',
        metric: 'seconds_until_dashboard_serves',
        value: round(cold.seconds),
        unit: 's',
        target: '< 60',
        pass: cold.seconds < 60,
        details: { demoCustomers: options.customers },
      },
      {
        bench: 'startup.existing_data_dir',
        metric: 'seconds_until_dashboard_serves',
        value: round(warm.seconds),
        unit: 's',
        target: '< 5',
        pass: warm.seconds < 5,
      },
      {
        bench: 'startup.idle_rss',
        metric: 'rss_mb',
        value: Math.round(idle ?? -1),
        unit: 'MB',
        details: { demoCustomers: options.customers },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
