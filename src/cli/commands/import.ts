import { Option, type Command } from 'commander';
import { describeRejection } from '../../ingest/errors-file.ts';
import { runImport, type ImportReport } from '../../ingest/run.ts';
import { IMPORT_KINDS, type ImportKind } from '../../ingest/targets.ts';
import { createLogger } from '../../shared/logger.ts';
import { configOrExit, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { cliActor } from './admin.ts';
import { experimentImportTarget } from '../../analytics/experiments/import.ts';
import { MEDIA_IMPORT_TARGETS } from '../../media/import.ts';

interface ImportOptions {
  mapping: string;
  json?: boolean;
  allowPartial?: boolean;
  errors?: string;
  batchSize?: number;
  experimentId?: string;
  experimentName?: string;
  control?: string;
}

/** `import <kind> <file> --mapping <file>`: exit 0 when committed, 1 when rejected rows stopped it, 2 when it could not run. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import a CSV or NDJSON file by natural key; any rejected row commits nothing unless --allow-partial',
    )
    .addArgument(program.createArgument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'CSV (delimiter , ; tab or | detected from the header) or NDJSON (.ndjson/.jsonl)')
    .requiredOption('--mapping <file>', 'mapping JSON: columns, constants, extra, filter (see examples/)')
    .option('--json', 'print the report as JSON')
    .option('--allow-partial', 'commit the valid rows even when some are rejected')
    .option('--errors <file>', 'where rejected rows are written (default <file>.errors.csv)')
    .addOption(
      new Option('--batch-size <n>', 'rows per set-based statement').argParser(positiveInt).default(10_000),
    )
    .option(
      '--experiment-id <id>',
      'kind experiment: the experiment id (overrides the mapping\'s "experiment.id")',
    )
    .option('--experiment-name <name>', 'kind experiment: its name (overrides "experiment.name")')
    .option('--control <arm>', 'kind experiment: the control arm (overrides "experiment.control")')
    .action(async (kind: ImportKind, file: string, opts: ImportOptions) => {
      const overrides = {
        ...(opts.experimentId !== undefined ? { id: opts.experimentId } : {}),
        ...(opts.experimentName !== undefined ? { name: opts.experimentName } : {}),
        ...(opts.control !== undefined ? { control: opts.control } : {}),
      };
      if (kind !== 'experiment' && Object.keys(overrides).length) {
        console.error(
          'error: --experiment-id, --experiment-name and --control apply to kind experiment only',
        );
        process.exitCode = 2;
        return;
      }
      const config = configOrExit();
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
      await withStores(config, async (stores, clock) => {
        const result = await runImport(
          {
            kind,
            file,
            mapping: opts.mapping,
            allowPartial: opts.allowPartial === true,
            ...(opts.errors ? { errorsFile: opts.errors } : {}),
            actor: cliActor(),
            ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
            ...(kind === 'experiment' ? { experiment: overrides } : {}),
          },
          {
            operational: stores.operational,
            events: stores.events,
            clock,
            logger,
            targets: { experiment: experimentImportTarget, ...MEDIA_IMPORT_TARGETS },
          },
        );
        if (!result.ok) {
          if (opts.json) console.log(JSON.stringify({ error: result.error }, null, 2));
          else console.error(`error: ${result.error.message}`);
          return 2;
        }
        if (opts.json) console.log(JSON.stringify(result.value, null, 2));
        else printReport(result.value);
        return result.value.status === 'committed' ? 0 : 1;
      });
    });
}

function printReport(r: ImportReport): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const seconds = r.elapsedMs / 1000;
  const verdict =
    r.status === 'committed'
      ? r.rejected
        ? `committed the valid rows (--allow-partial); ${n(r.rejected)} rejected`
        : 'committed'
      : `REJECTED: ${n(r.rejected)} bad row(s), nothing was written (fix them, or re-run with --allow-partial)`;
  console.log(`import ${r.kind} from ${r.file} (run ${r.runId}): ${verdict}`);
  if (r.experiment) console.log(`  experiment ${r.experiment.id}: definition ${r.experiment.definition}`);
  console.log(
    `  read ${n(r.read)} · inserted ${n(r.inserted)} · updated ${n(r.updated)} · unchanged ${n(r.unchanged)} · ` +
      `rejected ${n(r.rejected)} · skipped ${n(r.skipped)}  (${seconds.toFixed(1)} s, ${n(Math.round(r.read / Math.max(seconds, 0.001)))} rows/s)`,
  );
  if (r.errorsFile) {
    console.log(
      `  rejected rows: ${r.errorsFile}${r.firstErrors.length ? `; first ${r.firstErrors.length}:` : ''}`,
    );
    for (const e of r.firstErrors.slice(0, 10)) console.log(`    ${describeRejection(e)}`);
  }
}
