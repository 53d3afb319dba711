import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportSegment } from '../../segments/export.ts';
import { materializeAll, materializeSegment } from '../../segments/materialize.ts';
import { listSegments } from '../../segments/segment-store.ts';
import { SegmentService, type SegmentFailure } from '../../segments/service.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Stores } from '../../store/stores.ts';
import { configOrExit, dayOption } from '../main.ts';
import { withStores } from '../stores.ts';
import { cliActor } from './admin.ts';
import { tagSource } from '../../tags/segment-source.ts';

// `flywheel segments …`: list, preview, materialise (the daily job) and export saved segments. Exit codes: 0 done,
// 1 refused (invalid rule, unknown segment, a segment that failed to materialise), 2 bad arguments.

function run(action: (service: SegmentService, stores: Stores) => Promise<number>): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, (stores, clock) =>
    action(
      new SegmentService({
        tags: tagSource,
        db: stores.operational.db,
        events: stores.events,
        clock,
        logger,
      }),
      stores,
    ),
  );
}

function printFailure(f: SegmentFailure): number {
  console.error(`error: ${f.message}`);
  if (f.code === 'invalid_rule') for (const i of f.issues) console.error(`  ${i.path}: ${i.message}`);
  return 1;
}

/** `segments list | preview | materialize | export`. */
export function registerSegmentCommands(program: Command): void {
  const segments = program.command('segments').description('saved customer groups (segments)');

  segments
    .command('list')
    .description('saved segments with their latest snapshot size')
    .option('--json', 'print JSON')
    .option('--all', 'include archived segments')
    .action((opts: { json?: boolean; all?: boolean }) =>
      run(async (service) => {
        const items = await listSegments(service.db, { includeArchived: opts.all === true });
        if (opts.json) console.log(JSON.stringify(items, null, 2));
        else if (items.length === 0) console.log('no segments');
        for (const s of opts.json ? [] : items) {
          const size =
            s.members === null ? 'never materialised' : `${s.members.toLocaleString('en-US')} on ${s.asOf}`;
          console.log(`${s.id}\tv${s.version}\t${s.status}\t${s.name}\t${size}`);
        }
        return 0;
      }),
    );

  segments
    .command('preview')
    .description('count the members of a rule given as JSON')
    .argument('<rule>', `rule JSON, e.g. '{"tag":"aum_tier","in":["gold"]}'`)
    .option('--as-of <date>', 'business day (default today)', dayOption)
    .action((text: string, opts: { asOf?: string }) =>
      run(async (service) => {
        let rule: unknown;
        try {
          rule = JSON.parse(text);
        } catch (error) {
          console.error(`error: the rule is not JSON: ${(error as Error).message}`);
          return 2;
        }
        const result = await service.preview(rule, opts.asOf);
        if (!result.ok) return printFailure(result.error);
        console.log(JSON.stringify(result.value));
        return 0;
      }),
    );

  segments
    .command('materialize')
    .description("store segments' members for a day (all active segments: the daily job)")
    .option('--as-of <date>', 'business day (default today)', dayOption)
    .option('--segment <id>', 'only this segment')
    .action((opts: { asOf?: string; segment?: string }) =>
      run(async (service) => {
        const asOf = opts.asOf ?? service.today();
        if (opts.segment) {
          const one = await materializeSegment(service, opts.segment, { asOf, actor: cliActor() });
          if (!one.ok) return printFailure(one.error);
          console.log(JSON.stringify(one.value));
          return 0;
        }
        const all = await materializeAll(service, asOf, cliActor());
        for (const r of all.results) console.log(JSON.stringify(r));
        return all.results.every((r) => r.ok) ? 0 : 1;
      }),
    );

  segments
    .command('export')
    .description("a segment's customer numbers as CSV (audited)")
    .argument('<id>', 'segment id')
    .option('--out <file>', 'write to this file (default: standard output)')
    .option('--as-of <date>', "the stored snapshot of that day (default: today's members, live)", dayOption)
    .action((id: string, opts: { out?: string; asOf?: string }) =>
      run(async (service) => {
        const result = await exportSegment(service, id, {
          actor: cliActor(),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
        });
        if (!result.ok) return printFailure(result.error);
        const source = Readable.from(result.value.csv);
        if (opts.out) {
          await pipeline(source, createWriteStream(opts.out));
          console.error(`exported ${result.value.members.toLocaleString('en-US')} customers to ${opts.out}`);
        } else {
          for await (const chunk of source) process.stdout.write(chunk as string);
        }
        return 0;
      }),
    );
}
