import type { Command } from 'commander';
import { HandoverRunner } from '../../pool/handover/runner.ts';
import { listHandoverJobs } from '../../pool/handover/jobs.ts';
import { adoptOwnersFromAttributes } from '../../pool/ownership.ts';
import { generateReminders } from '../../pool/reminders.ts';
import { assignByRules } from '../../pool/rules.ts';
import type { Clock } from '../../shared/clock.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Stores } from '../../store/stores.ts';
import type { Config } from '../../config/schema.ts';
import { configOrExit, dayOption, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { cliActor } from './admin.ts';

// `flywheel handover …` and `flywheel pool …`: resume handover jobs, list them, adopt owners from customer
// attributes, assign by rules, generate reminders. Exit codes: 0 done, 1 something failed, 2 bad arguments.

function run(action: (stores: Stores, config: Config, clock: Clock) => Promise<number>): Promise<void> {
  const config = configOrExit();
  return withStores(config, (stores, clock) => action(stores, config, clock));
}

/** `handover resume | list` and `pool adopt-owners | assign-by-rules | reminders`. */
export function registerPoolCommands(program: Command): void {
  const handover = program.command('handover').description('one-click handover jobs');
  handover
    .command('resume')
    .description('run every handover job left running (after a crash) to its end')
    .action(() =>
      run(async (stores, config, clock) => {
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
        const runner = new HandoverRunner({ db: stores.operational.db, clock, logger }, config.handover);
        const ids = await runner.resumeAll();
        await runner.idle();
        const jobs = await listHandoverJobs(stores.operational.db, { kind: 'all' }, { limit: 500 });
        for (const job of jobs.filter((j) => ids.includes(j.id))) console.log(JSON.stringify(job));
        if (ids.length === 0) console.log('no handover job was running');
        return jobs.some((j) => ids.includes(j.id) && j.status === 'running') ? 1 : 0;
      }),
    );
  handover
    .command('list')
    .description('handover jobs, newest first')
    .option('--status <status>', 'running, done or cancelled')
    .action((opts: { status?: 'running' | 'done' | 'cancelled' }) =>
      run(async (stores) => {
        const jobs = await listHandoverJobs(
          stores.operational.db,
          { kind: 'all' },
          { status: opts.status, limit: 500 },
        );
        for (const job of jobs) console.log(JSON.stringify(job));
        return 0;
      }),
    );

  const pool = program.command('pool').description('customer pool maintenance');
  pool
    .command('adopt-owners')
    .description(
      'make customers.attributes.account_manager_id the owner of customers that have none (idempotent)',
    )
    .action(() =>
      run(async (stores, _config, clock) => {
        const n = await adoptOwnersFromAttributes(stores.operational.db, {
          actor: cliActor(),
          at: clock.now(),
        });
        console.log(JSON.stringify({ adopted: n }));
        return 0;
      }),
    );
  pool
    .command('assign-by-rules')
    .description('assign unassigned customers round-robin by the assignment rules')
    .option('--limit <n>', 'at most this many customers', positiveInt, 10_000)
    .action((opts: { limit: number }) =>
      run(async (stores, _config, clock) => {
        const results = await assignByRules(
          { db: stores.operational.db, clock },
          { actor: cliActor(), scope: { kind: 'all' } },
          { limit: opts.limit },
        );
        const counts: Record<string, number> = {};
        for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
        console.log(JSON.stringify(counts));
        return 0;
      }),
    );
  pool
    .command('reminders')
    .description('generate service reminders (idempotent per customer, kind and due date)')
    .option('--as-of <date>', 'business day (default today)', dayOption)
    .action((opts: { asOf?: string }) =>
      run(async (stores, _config, clock) => {
        const results = await generateReminders(
          { db: stores.operational.db, events: stores.events, clock },
          cliActor(),
          { asOf: opts.asOf ?? clock.today() },
        );
        for (const r of results) console.log(JSON.stringify(r));
        return results.every((r) => r.ok) ? 0 : 1;
      }),
    );
}
