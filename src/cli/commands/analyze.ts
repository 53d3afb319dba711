import type { Command } from 'commander';
import type { Logger } from 'pino';
import { asFailure, SegmentService, type SegmentFailure } from '../../segments/service.ts';
import type { Failure } from '../../shared/errors.ts';
import type { Stores } from '../../store/stores.ts';
import type { Clock } from '../../shared/clock.ts';
import { createLogger } from '../../shared/logger.ts';
import { configOrExit } from '../main.ts';
import { withStores } from '../stores.ts';
import { registerDriversCommand } from './analyze-drivers.ts';
import { registerFunnelCommand } from './analyze-funnel.ts';
import { registerRetentionCommands } from './analyze-retention.ts';
import { registerLiftCommand } from './analyze-lift.ts';
import { registerConcentrationCommands } from './analyze-concentration.ts';
import { registerLifecycleCommand } from './analyze-lifecycle.ts';
import { registerGroupCommands } from './analyze-group.ts';
import { registerScenesCommand } from './ogsm.ts';
import { tagSource } from '../../tags/segment-source.ts';

// `flywheel analyze <funnel|lifecycle|retention|drivers|lift|concentration> … [--json]`: each analysis of the API from
// the command line. Exit codes: 0 done, 1 refused (bad definition, not enough data), 2 bad arguments.

/** What an analysis command needs besides its options. */
export interface AnalysisContext {
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The segment engine over these stores (populations, groups, breakdowns). */
  readonly segments: SegmentService;
}

/** An analysis's answer: the figures, or a refusal with its reason (printed to stderr, exit code 1). */
export type AnalysisOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Failure | SegmentFailure };

/**
 * Opens the stores, runs one analysis and prints it: `--json` prints the value as the API answers it, otherwise
 * `render` turns it into text lines. A refusal prints `error: <message>` (and its details as JSON) and exits 1.
 */
export function runAnalysis<T>(
  json: boolean | undefined,
  analyse: (ctx: AnalysisContext) => Promise<AnalysisOutcome<T>>,
  render: (value: T) => readonly string[],
): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, async (stores, clock) => {
    const segments = new SegmentService({
      tags: tagSource,
      db: stores.operational.db,
      events: stores.events,
      clock,
      logger,
    });
    const outcome = await analyse({ stores, clock, logger, segments });
    if (!outcome.ok) {
      // the details the API would answer with (a rule's issues, unknown customers …)
      const failure = asFailure(outcome.error);
      console.error(`error: ${failure.message}`);
      if (failure.details !== undefined) console.error(JSON.stringify(failure.details, null, 2));
      return 1;
    }
    if (json) console.log(JSON.stringify(outcome.value, null, 2));
    else for (const line of render(outcome.value)) console.log(line);
    return 0;
  });
}

/** `analyze …`: one sub-command per analysis (each registered from its own file). */
export function registerAnalyzeCommands(program: Command): void {
  const analyze = program
    .command('analyze')
    .description(
      'analyses: funnel, lifecycle, retention, churn, drivers, lift, concentration, trend, group, portrait, scenes (add --json for JSON)',
    );
  // One line per analysis, each from its own file (src/cli/commands/analyze-<kind>.ts):
  registerDriversCommand(analyze);
  registerFunnelCommand(analyze);
  registerRetentionCommands(analyze);
  registerLiftCommand(analyze);
  registerLifecycleCommand(analyze);
  registerConcentrationCommands(analyze);
  registerGroupCommands(analyze);
  registerScenesCommand(analyze);
}
