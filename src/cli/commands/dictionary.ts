import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DICTIONARY_KINDS, type DictionaryKind } from '../../contracts/dictionary.ts';
import { dictionaryCsv, importDictionary } from '../../dictionary/csv.ts';
import { listDictionary } from '../../dictionary/service.ts';
import { configOrExit } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';

// `flywheel dictionary …`: the data dictionary (display names in zh-CN and en-US, descriptions, units of events,
// event properties, customer attributes and tags). Listing and export for anyone at the machine; import needs
// dictionary.write with --as, or is the operator's (audited as cli:<login>), every row or none.

/** `dictionary list | export | import`. */
export function registerDictionaryCommands(program: Command): void {
  const dictionary = program
    .command('dictionary')
    .description(
      'the data dictionary: display names, descriptions and units of events, properties, attributes, tags',
    );

  dictionary
    .command('list')
    .description(
      'every entry: kind, key, zh-CN and en-US names, unit; "needs naming" for events first seen in data',
    )
    .option('--kind <kind>', `only this kind: ${DICTIONARY_KINDS.join(', ')}`)
    .option('--needs-naming', 'only entries nobody has named yet')
    .option('--json', 'print JSON')
    .action((opts: { kind?: string; needsNaming?: boolean; json?: boolean }) =>
      withStores(configOrExit(), async (stores) => {
        if (opts.kind !== undefined && !(DICTIONARY_KINDS as readonly string[]).includes(opts.kind))
          return refused({
            code: 'bad_request',
            message: `--kind: expected one of ${DICTIONARY_KINDS.join(', ')}, got ${opts.kind}`,
          });
        const view = await listDictionary(stores.operational.db);
        const entries = view.entries.filter(
          (e) =>
            (opts.kind === undefined || e.kind === (opts.kind as DictionaryKind)) &&
            (!opts.needsNaming || e.needsNaming),
        );
        if (opts.json) console.log(JSON.stringify({ version: view.version, entries }, null, 2));
        else if (entries.length === 0) console.log('no entries');
        else
          for (const e of entries)
            console.log(
              [
                e.kind,
                e.key,
                e.name.zh || '-',
                e.name.en || '-',
                e.unit || '-',
                e.needsNaming ? 'needs naming' : '',
              ]
                .join('\t')
                .trimEnd(),
            );
        return 0;
      }),
    );

  dictionary
    .command('export')
    .description('write the dictionary as CSV (the import format); to stdout without --out')
    .option('--out <file.csv>', 'write to this file')
    .action((opts: { out?: string }) =>
      withStores(configOrExit(), async (stores) => {
        const csv = dictionaryCsv((await listDictionary(stores.operational.db)).entries);
        if (opts.out) {
          await writeFile(opts.out, `\uFEFF${csv}`);
          console.log(`wrote ${opts.out}`);
        } else process.stdout.write(csv);
        return 0;
      }),
    );

  dictionary
    .command('import')
    .description(
      'import entries from CSV with the header kind,key,name_zh,name_en[,description_zh,description_en,unit]: every row or none',
    )
    .argument('<file.csv>', 'the CSV file (UTF-8)')
    .option('--as <username>', 'act as this user (dictionary.write)')
    .option('--json', 'print JSON')
    .action((file: string, opts: { as?: string; json?: boolean }) =>
      withStores(configOrExit(), async (stores, clock) => {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          return refused({ code: 'not_found', message: `cannot read ${file}: ${(error as Error).message}` });
        }
        const db = stores.operational.db;
        const who = await actor(db, opts.as, 'dictionary.write');
        if (!who.ok) return refused(who.error);
        const result = await importDictionary({ db, clock }, who.value, text, file);
        return print(
          result,
          opts.json,
          (r) => `imported ${r.rows} rows: ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged`,
        );
      }),
    );
}
