import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { decideContact } from '../src/campaigns/policy/decide.ts';
import { DEFAULT_CONTACT_POLICY } from '../src/campaigns/policy/settings.ts';
import { planRun } from '../src/campaigns/runs/plan.ts';
import { RoaringBitmap32 } from '../src/shared/bitmap.ts';
import { systemClock } from '../src/shared/clock.ts';
import { queueCampaignRun, seedCampaignBank } from '../test/support/campaign-fixture.ts';
import {
  SCENARIO_CHANNEL,
  SCENARIO_SECRET,
  spawnWorker,
  waitFor,
  type WorkerProcess,
} from '../test/support/delivery-scenario.ts';
import { startHttpSink } from '../test/support/message-sink.ts';
import { openTarget, postgresReachable } from './stores.ts';
import { peakRssMb, type BenchResult } from './support.ts';

// `npm run bench campaigns` (issue #11): (1) the contact policy per message, alone and as the run plan applies it
// (target < 50 µs); (2) preparing a broadcast to BENCH_CAMPAIGN_CUSTOMERS (default 1,000,000) recipients — audience,
// consent, caps, holdout, delivery rows written (targets < 30 s PostgreSQL, < 60 s PGlite) with peak RSS (< 1.5 GB);
// (3) delivery of BENCH_CAMPAIGN_DELIVER messages (default 100,000) of that run to a local webhook sink by real worker
// processes, one on PGlite, two on PostgreSQL (targets ≥ 2,000/s PGlite, ≥ 5,000/s PostgreSQL); (4) the peak RSS
// of the process preparing the 1M run and of a worker delivering it (< 1.5 GB).

const round = (n: number) => Math.round(n * 100) / 100;

/** Options of the campaigns benchmark. */
export interface CampaignBenchOptions {
  readonly customers: number;
  readonly deliver: number;
}

function benchPolicy(): BenchResult[] {
  const n = 1_000_000;
  const audience = new RoaringBitmap32(Array.from({ length: n }, (_, i) => i + 1));
  const facts = {
    consent: (id: number) =>
      id % 10 === 0
        ? { state: 'revoked' as const, at: null }
        : { state: 'granted' as const, at: '2026-01-01' },
    doNotContact: (id: number) => id % 997 === 0,
    sent: (id: number) => (id % 11 === 0 ? { day: 1, week: 1, month: 1 } : { day: 0, week: 0, month: 0 }),
  };
  const caps = DEFAULT_CONTACT_POLICY.caps.sms;
  let started = performance.now();
  let sent = 0;
  for (let id = 1; id <= n; id++) {
    const d = decideContact(
      DEFAULT_CONTACT_POLICY,
      'marketing',
      caps,
      { open: true },
      {
        consent: facts.consent(id).state,
        doNotContact: facts.doNotContact(id),
        sent: facts.sent(id),
        inControlGroup: id % 13 === 0,
        inGlobalHoldout: id % 50 === 0,
      },
    );
    if (d.outcome === 'send') sent++;
  }
  const decideUs = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  const plan = planRun({
    audience,
    purpose: 'marketing',
    channels: [
      { key: 'wecom', reaches: 'wecom' },
      { key: 'sms', reaches: 'sms' },
    ],
    policy: DEFAULT_CONTACT_POLICY,
    window: { open: true },
    facts,
    inControlGroup: (id) => id % 13 === 0,
    inGlobalHoldout: (id) => id % 50 === 0,
  });
  const planUs = ((performance.now() - started) * 1000) / n;
  return [
    {
      bench: 'campaigns.policy.decide',
      metric: 'per_message',
      value: round(decideUs),
      unit: 'µs',
      target: '< 50',
      pass: decideUs < 50,
      details: { messages: n, sent },
    },
    {
      bench: 'campaigns.policy.plan',
      metric: 'per_customer',
      value: round(planUs),
      unit: 'µs',
      target: '< 50',
      pass: planUs < 50,
      details: { customers: n, channels: 2, toSend: plan.waterfall.toSend },
    },
  ];
}

/** CPU milliseconds a live process has used (user + system), from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resets this process's peak RSS (Linux: /proc/self/clear_refs), so the next peak is one step's. */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the whole benchmark process so far.
  }
}

async function benchEngine(
  engine: 'pglite' | 'postgres',
  options: CampaignBenchOptions,
): Promise<BenchResult[]> {
  const target = await openTarget(engine);
  const sink = await startHttpSink(SCENARIO_SECRET);
  const workerDirs: string[] = [];
  const workers: WorkerProcess[] = [];
  try {
    const db = target.store.db;
    const clock = systemClock('Asia/Shanghai');
    const { contentId } = await seedCampaignBank(db, clock, options.customers, [
      {
        key: SCENARIO_CHANNEL,
        kind: 'webhook',
        config: { url: sink.url, secret: 'bank_sms', timeoutMs: 10_000 },
      },
    ]);
    await sql`analyze`.execute(db);
    // (1) Preparing the run: audience, consent, do-not-contact, caps, control group, holdout, delivery rows written.
    resetPeakRss();
    const started = performance.now();
    const { waterfall } = await queueCampaignRun(db, clock, contentId, SCENARIO_CHANNEL, {
      policy: { ...DEFAULT_CONTACT_POLICY, quietHours: null },
      controlPercent: 10,
    });
    const prepareSeconds = (performance.now() - started) / 1000;
    const prepareRssMb = peakRssMb(process.pid) ?? 0;
    const prepareLimit = engine === 'pglite' ? 60 : 30;
    if (engine === 'pglite') await target.store.close(); // the worker process takes the embedded store over

    // (2) Delivery by real worker processes (`flywheel start --services=worker`): one on the embedded store, two on
    // PostgreSQL (each with its own event store directory), the sink in this process.
    const count = engine === 'pglite' ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const dataDir = engine === 'pglite' ? target.dataDir : mkdtempSync(join(tmpdir(), 'flywheel-bench-w'));
      if (engine === 'postgres') workerDirs.push(dataDir);
      workers.push(
        spawnWorker('bin/flywheel.mjs', { dataDir, ...(target.url ? { databaseUrl: target.url } : {}) }),
      );
    }
    const goal = Math.min(options.deliver, waterfall.toSend);
    const why = () => `${sink.received.size} of ${goal}\n${workers.map((w) => w.output()).join('\n')}`;
    await waitFor(() => sink.received.size > 0, 300_000, why, 10);
    const cpu0 = workers.map((w) => cpuMs(w.child.pid!));
    const from = sink.received.size;
    const deliverStart = performance.now();
    await waitFor(() => sink.received.size >= goal, 3_600_000, why, 10);
    const deliverSeconds = (performance.now() - deliverStart) / 1000;
    const messages = sink.received.size - from;
    const requests = sink.requests;
    const cpuPerMessageUs = Math.round(
      (workers.reduce((sum, w, i) => sum + cpuMs(w.child.pid!) - cpu0[i]!, 0) * 1000) / messages,
    );
    const workerRssMb = Math.max(...workers.map((w) => peakRssMb(w.child.pid!) ?? 0));
    await Promise.all(workers.map(async (w) => (w.child.kill('SIGTERM'), await w.exited)));
    const rate = messages / deliverSeconds;
    const rateTarget = engine === 'pglite' ? 2000 : 5000;
    const rssMb = Math.max(prepareRssMb, workerRssMb);
    return [
      {
        bench: `campaigns.prepare.${engine}`,
        metric: 'seconds',
        value: round(prepareSeconds),
        unit: 's',
        target: `< ${prepareLimit}`,
        pass: prepareSeconds < prepareLimit,
        details: { audience: waterfall.audience, toSend: waterfall.toSend, excluded: waterfall.excluded },
      },
      {
        bench: `campaigns.deliver.${engine}`,
        metric: 'messages_per_second',
        value: Math.round(rate),
        unit: 'msg/s',
        target: `>= ${rateTarget}`,
        pass: rate >= rateTarget,
        details: {
          messages,
          requests,
          workers: `${count} worker process${count > 1 ? 'es' : ''} (flywheel start --services=worker)`,
          seconds: round(deliverSeconds),
          workerCpuPerMessageUs: cpuPerMessageUs,
        },
      },
      {
        bench: `campaigns.rss.${engine}`,
        metric: 'peak_rss',
        value: Math.round(rssMb),
        unit: 'MB',
        target: '< 1536',
        pass: rssMb < 1536,
        details: {
          customers: options.customers,
          prepareProcessMb: Math.round(prepareRssMb),
          workerProcessMb: Math.round(workerRssMb),
          note: 'the larger of: the process preparing the run (its peak from the start of preparing), a worker delivering it',
        },
      },
    ];
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await sink.close();
    await target.dispose();
    for (const dir of workerDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the campaigns benchmark. */
export async function benchCampaigns(options: CampaignBenchOptions): Promise<BenchResult[]> {
  const results = benchPolicy();
  const engines = ['pglite', ...((await postgresReachable()) ? (['postgres'] as const) : [])] as const;
  for (const engine of engines) results.push(...(await benchEngine(engine, options)));
  return results;
}
