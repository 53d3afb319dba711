import { Command, Help, InvalidArgumentError } from 'commander';
import { formatConfigProblems, loadConfig, type ConfigProblem } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { parseDay, type Day } from '../shared/day.ts';
import { AppError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { registerAdminCommands } from './commands/admin.ts';
import { registerAnalyzeCommands } from './commands/analyze.ts';
import { registerCampaignCommands } from './commands/campaigns.ts';
import { registerDataCommands } from './commands/data.ts';
import { registerActivityCommands } from './commands/activities.ts';
import { registerJourneyCommands } from './commands/journeys.ts';
import { registerMediaCommands } from './commands/media.ts';
import { registerOgsmCommands } from './commands/ogsm.ts';
import { registerRtaCommands } from './commands/rta.ts';
import { registerPoolCommands } from './commands/pool.ts';
import { registerProductCommands } from './commands/products.ts';
import { registerDictionaryCommands } from './commands/dictionary.ts';
import { registerSegmentCommands } from './commands/segments.ts';
import { registerTagCommands } from './commands/tags.ts';
import { registerWecomCommands } from './commands/wecom.ts';
import { parseServices, startServices } from '../server/services.ts';
import { adjustableClock } from '../shared/clock.ts';
import { cliClock } from './stores.ts';

/** Parses configuration or prints every problem and exits non-zero. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  const result = loadConfig(env);
  if (!result.ok) {
    console.error(formatConfigProblems(result.error));
    process.exit(2);
  }
  return result.value;
}

/** Parses a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

/** Parses a day option (--as-of, --from, --to): a Day, or the reason it is not one (src/shared/day.ts). */
export function dayOption(value: string): Day {
  const day = parseDay(value);
  if (!day.ok) throw new InvalidArgumentError(day.error);
  return day.value;
}

/** The `flywheel` command line. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('flywheel')
    .description('Flywheel: customer operations for retail banks')
    .showHelpAfterError()
    // Every sub-command inherits this: options a command cannot run without say so in its --help.
    .configureHelp({
      optionDescription: (option) => {
        const text = new Help().optionDescription(option);
        return option.mandatory ? `${text} (required)` : text;
      },
    });

  program
    .command('start')
    .description(
      'open the stores (migrating them), seed the demo bank on first start, serve dashboard and API, run the worker',
    )
    .option(
      '--services <list>',
      'the services this process runs, comma-separated: api (dashboard, API, daily batch), worker (campaigns), ' +
        'rta (ad platform decisions on FLYWHEEL_RTA_PORT; not started unless named)',
      'api,worker',
    )
    .action(async (options: { services: string }) => {
      const services = parseServices(options.services);
      if (!services.ok) {
        console.error(`--services: ${services.error}`);
        process.exit(2);
      }
      const config = configOrExit();
      const logger = createLogger(config.logLevel, 2);
      const testClock = config.testClock ? adjustableClock(config.timeZone) : undefined;
      const server = await startServices({
        config,
        clock: testClock?.clock ?? cliClock(config),
        ...(testClock ? { testClock } : {}),
        logger,
        print: (l) => console.log(l),
        services: services.value,
      });
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        // Background work stops at its next safe point (between chunks, days and steps) and resumes at the next
        // start; should anything hang, the process still ends before an orchestrator's kill.
        setTimeout(() => {
          logger.error('shutdown took over 8 s; exiting anyway');
          process.exit(1);
        }, 8_000).unref();
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });

  registerAdminCommands(program);
  registerDataCommands(program);
  registerSegmentCommands(program);
  registerTagCommands(program);
  registerPoolCommands(program);
  registerCampaignCommands(program);
  registerJourneyCommands(program);
  registerOgsmCommands(program);
  registerRtaCommands(program);
  registerActivityCommands(program);
  registerMediaCommands(program);
  registerProductCommands(program);
  registerDictionaryCommands(program);
  registerAnalyzeCommands(program);
  registerWecomCommands(program);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    // A configuration problem only the stores can see (a time zone the event store does not know): said as loadConfig
    // says its own, with the variable's name, and the same exit status.
    if (!(error instanceof AppError)) throw error;
    // An embedded store another process holds: said in one line, nothing opened.
    if (
      error.code === 'store_unavailable' &&
      (error.details as { reason?: string })?.reason === 'store_in_use'
    ) {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    if (error.code !== 'config_invalid') throw error;
    const problems = (error.details as { problems?: ConfigProblem[] } | undefined)?.problems;
    console.error(problems ? formatConfigProblems(problems) : error.message);
    process.exit(2);
  }
}
