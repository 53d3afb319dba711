import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createLogger } from '../../shared/logger.ts';
import type { TagFailure } from '../../tags/service.ts';
import { TagService } from '../../tags/service.ts';
import { configOrExit, dayOption } from '../main.ts';
import { withStores } from '../stores.ts';
import { cliActor } from './admin.ts';

// `flywheel tags …`: list the catalogue, compute it (the daily job, or a past day), import a manual tag's values.
// Exit codes: 0 done, 1 refused or a tag failed, 2 bad arguments. The builtin catalogue is added when missing.

const collect = (value: string, previous: string[] = []) => [...previous, value];

function run(action: (tags: TagService) => Promise<number>): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, async (stores, clock) => {
    const tags = new TagService({
      db: stores.operational.db,
      events: stores.events,
      sandbox: () => stores.operational.sandbox(),
      clock,
      logger,
    });
    await tags.ensureCatalogue(cliActor());
    return action(tags);
  });
}

function printFailure(f: TagFailure): number {
  console.error(`error: ${f.message}`);
  if (f.code === 'invalid_tag') for (const i of f.details.issues) console.error(`  ${i.path}: ${i.message}`);
  if (f.code === 'validation_failed')
    for (const r of f.details.rows) console.error(`  row ${r.row} (${r.customer_no}): ${r.reason}`);
  return 1;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** `tags list | compute | import`. */
export function registerTagCommands(program: Command): void {
  const tags = program.command('tags').description('customer tags (label portrait)');

  tags
    .command('list')
    .description('active tags with their values on the latest snapshot day')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async (service) => {
        const listing = await service.list();
        if (opts.json) {
          console.log(JSON.stringify(listing, null, 2));
          return 0;
        }
        console.log(
          `snapshot: ${listing.asOf ?? 'none yet'} (${listing.customers.toLocaleString('en-US')} customers)`,
        );
        for (const t of listing.tags) {
          const values = t.values.map((v) => `${v.value} ${v.members.toLocaleString('en-US')}`).join(', ');
          console.log(
            `${t.key}\t${t.kind}\t${t.category}\tv${t.version}\tcoverage ${percent(t.coverage)}\t${values}`,
          );
        }
        return 0;
      }),
    );

  tags
    .command('compute')
    .description(
      "compute tags for a business day (default today in the bank's time zone) and save the snapshot",
    )
    .option('--as-of <date>', 'business day YYYY-MM-DD', dayOption)
    .option('--key <key>', 'only this tag (repeatable)', collect)
    .option('--json', 'print the run as JSON')
    .action((opts: { asOf?: string; key?: string[]; json?: boolean }) =>
      run(async (service) => {
        const result = await service.compute(
          { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.key ? { keys: opts.key } : {}) },
          'manual',
          cliActor(),
        );
        if (!result.ok) return printFailure(result.error);
        const r = result.value;
        if (opts.json) console.log(JSON.stringify(r));
        else {
          console.log(
            `run ${r.runId}: ${r.asOf} ${r.status}, ${r.results.length} tags, ${r.tagValues} values, ` +
              `${r.customers.toLocaleString('en-US')} customers, ${(r.elapsedMs / 1000).toFixed(1)} s`,
          );
          for (const t of r.results)
            console.log(
              `  ${t.key}\t${t.status}\t${t.values} values\t${t.members.toLocaleString('en-US')} members\t${t.elapsedMs} ms${t.error ? `\t${t.error}` : ''}`,
            );
        }
        return r.status === 'done' ? 0 : 1;
      }),
    );

  tags
    .command('import')
    .description('import values of a manual tag from a CSV file customer_no,value (all or nothing)')
    .argument('<key>', 'manual tag key')
    .argument('<file>', 'CSV file')
    .option('--replace', "clear the tag's other values first")
    .action((key: string, file: string, opts: { replace?: boolean }) =>
      run(async (service) => {
        const csv = await readFile(file, 'utf8');
        const result = await service.importValues(key, { csv }, cliActor(), {
          replace: opts.replace === true,
        });
        if (!result.ok) return printFailure(result.error);
        console.log(`imported ${result.value.imported} value(s) into ${key}`);
        return 0;
      }),
    );
}
