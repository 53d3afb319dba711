import { spawn, type ChildProcess } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import type { Waterfall } from '../../src/campaigns/runs/plan.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { migrate } from '../../src/store/operational/migrate.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import type { Database } from '../../src/store/operational/database.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { queueCampaignRun, seedCampaignBank } from './campaign-fixture.ts';
import { migratedTemplate } from './pglite.ts';

// A campaign run queued to a local webhook sink, delivered by real `flywheel start --services=worker` processes: the
// exactly-once test kills them mid-send, the benchmark times them.

/** The signing secret of the scenario's webhook channel (FLYWHEEL_CHANNEL_SECRET_BANK_SMS). */
export const SCENARIO_SECRET = 'scenario-sink-secret-0123456789';
/** The scenario's channel: a webhook reaching the customer's phone, signed with the secret named bank_sms. */
export const SCENARIO_CHANNEL = 'bank_sms';

/**
 * A migrated, empty operational store: PGlite in `dataDir` (started from the migrated template the memory stores
 * use, instead of a fresh initdb) or the PostgreSQL database at `url`.
 */
export async function openScenarioStore(
  target: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string },
): Promise<OperationalStore> {
  const template = target.kind === 'pglite' ? await migratedTemplate() : undefined;
  const store = await openOperationalStore(
    target.kind === 'pglite' && template ? { ...target, template } : target,
  );
  await migrate(store);
  return store;
}

/**
 * Seeds `customers` customers (fixture consents: multiples of 7 never answered, of 10 revoked) and queues one run of
 * an approved product post to the webhook at `sinkUrl`, with a 10% control group, no quiet hours and no holdout (so
 * every "to send" is due now). Returns the run and the waterfall its preview showed.
 */
export async function queueScenario(
  db: Kysely<Database>,
  clock: Clock,
  customers: number,
  sinkUrl: string,
): Promise<{ runId: number; waterfall: Waterfall }> {
  const { contentId } = await seedCampaignBank(db, clock, customers, [
    {
      key: SCENARIO_CHANNEL,
      kind: 'webhook',
      config: { url: sinkUrl, secret: 'bank_sms', timeoutMs: 10_000 },
    },
  ]);
  await sql`analyze`.execute(db);
  const { runId, waterfall } = await queueCampaignRun(db, clock, contentId, SCENARIO_CHANNEL, {
    policy: { ...DEFAULT_CONTACT_POLICY, quietHours: null, globalHoldoutPercent: 0 },
    controlPercent: 10,
  });
  return { runId, waterfall };
}

/** A `flywheel start --services=worker` child process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited (by itself or killed). */
  readonly exited: Promise<void>;
}

/**
 * Starts a worker process running `cli` (the CLI bundle or bin/flywheel.mjs) on the data directory and, when given,
 * the PostgreSQL database; `nodeArgs` go to node (e.g. --cpu-prof).
 */
export function spawnWorker(
  cli: string,
  env: { dataDir: string; databaseUrl?: string; extra?: Record<string, string> },
  nodeArgs: string[] = [],
): WorkerProcess {
  const child = spawn(process.execPath, [...nodeArgs, cli, 'start', '--services=worker'], {
    env: {
      ...process.env,
      FLYWHEEL_DATA_DIR: env.dataDir,
      DATABASE_URL: env.databaseUrl ?? '',
      FLYWHEEL_SEED_DEMO: 'never',
      FLYWHEEL_CHANNEL_SECRET_BANK_SMS: SCENARIO_SECRET,
      LOG_LEVEL: 'warn',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  return { child, output: () => output, exited };
}

/** Resolves when `done()` holds, polling every `everyMs`; throws after `timeoutMs` with `why()` in the message. */
export async function waitFor(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  why: () => string,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
