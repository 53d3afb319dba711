import type { Command } from 'commander';
import { createLogger } from '../../shared/logger.ts';
import { configOrExit, dayOption, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { runDemoCommand } from './demo.ts';
import { registerImportCommand } from './import.ts';

/** `demo` (and, from the ingest module, `import`). */
export function registerDataCommands(program: Command): void {
  program
    .command('demo')
    .description('generate a realistic demo bank deterministically into empty stores')
    .option('--customers <n>', 'number of customers', positiveInt, 100_000)
    .option('--days <n>', 'days of behaviour history', positiveInt, 90)
    .option('--seed <seed>', 'random seed', 'flywheel')
    .option('--as-of <date>', 'last day of history (YYYY-MM-DD), default today', dayOption)
    .action(async (opts: { customers: number; days: number; seed: string; asOf?: string }) => {
      const config = configOrExit();
      const logger = createLogger(config.logLevel, 2);
      await withStores(config, (stores, clock) =>
        runDemoCommand(
          {
            customers: opts.customers,
            days: opts.days,
            seed: opts.seed,
            asOf: opts.asOf ?? clock.today(),
          },
          { store: stores.operational, events: stores.events, logger },
        ),
      );
    });

  registerImportCommand(program);
}
