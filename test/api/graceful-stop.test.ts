import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/service.ts';
import { loadConfig } from '../../src/config/load.ts';
import { closeStores } from '../../src/server/stores.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { CLI_BIN } from '../support/cli.ts';
import { TEST_PASSWORD_COST } from '../support/password-cost.ts';
import { openTestStores } from '../support/app.ts';

// Issue #9, item 6: `flywheel start` on a fresh data directory seeds the demo bank, then computes today's tags and
// the bank's tag history in the background. A SIGTERM (what container orchestrators send, killing 10 s later) must
// end the process within 5 s, stopping that work at a safe point; the next start resumes it and finishes it.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-stop-'));
const env: Record<string, string> = {
  FLYWHEEL_DATA_DIR: dir,
  FLYWHEEL_SEED_DEMO: 'auto',
  FLYWHEEL_DEMO_CUSTOMERS: '3000',
  FLYWHEEL_DEMO_DAYS: '90',
  FLYWHEEL_TAGS_DAILY_AT: 'off',
  LOG_LEVEL: 'warn',
};
// Today plus every 7th day back over the 90 days of history: 84, 77, …, 7 days ago.
const HISTORY_DAYS = 13;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI_BIN, 'start'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready:\n${output}`);
}

/** Sends SIGTERM and answers how long the process took to exit, and with what code. */
async function stop(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  return { ms: performance.now() - started, code };
}

async function backgroundState() {
  const parsed = loadConfig(env);
  if (!parsed.ok) throw new Error('config');
  const stores = await openTestStores(parsed.value);
  try {
    const db = stores.operational.db;
    const pending = await db
      .selectFrom('system_state')
      .select('key')
      .where('key', '=', 'tag_history_pending')
      .executeTakeFirst();
    const days = await db.selectFrom('tag_snapshot_days').select('as_of').execute();
    const key = await new AuthService({
      db,
      clock: systemClock('Asia/Shanghai'),
      sessionTtlHours: 1,
      passwordCost: TEST_PASSWORD_COST,
    }).createApiKey({ name: `check-${Date.now()}`, role: 'admin' }, 'test');
    return { pending: pending !== undefined, days: days.length, key: key.key };
  } finally {
    await closeStores(stores);
  }
}

describe('flywheel start and SIGTERM', () => {
  it('stops its background work within 5 s and resumes it at the next start', async () => {
    const first = await start();
    expect(first.output()).toContain('Demo bank seeded.');
    const stopped = await stop(first.child);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);

    const between = await backgroundState();
    // Stopped mid-way: the history is still wanted (else the bank was too small to test anything).
    expect(between.pending).toBe(true);
    expect(between.days).toBeLessThan(HISTORY_DAYS);

    const second = await start();
    await expect
      .poll(
        async () => {
          const res = await fetch(`${second.url}/v1/tags/runs?limit=200`, {
            headers: { authorization: `Bearer ${between.key}` },
          });
          const body = (await res.json()) as { runs: { asOf: string; status: string }[] };
          return new Set(body.runs.filter((r) => r.status === 'done').map((r) => r.asOf)).size;
        },
        { timeout: 180_000, interval: 500 },
      )
      .toBe(HISTORY_DAYS);
    const again = await stop(second.child);
    expect(again.code).toBe(0);
    expect(again.ms).toBeLessThan(5_000);

    const after = await backgroundState();
    expect(after).toMatchObject({ pending: false, days: HISTORY_DAYS });
  }, 400_000);
});
