import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeRejection } from '../../ingest/errors-file.ts';
import { runImport } from '../../ingest/run.ts';
import { runAttribution } from '../../media/attribution.ts';
import { compareChannels } from '../../media/comparison.ts';
import { comparisonCsv } from '../../media/export.ts';
import { MEDIA_IMPORT_TARGETS } from '../../media/import.ts';
import { identityMapping, type MediaImportKind } from '../../media/upload.ts';
import type { Clock } from '../../shared/clock.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import { configOrExit, dayOption, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { cliActor } from './admin.ts';
import { print } from './acting.ts';

// `flywheel media import-spend|import-brand|attribute|compare`: the media reports imported like every import
// (located errors in <file>.errors.csv, all or nothing unless --allow-partial, re-imports unchanged), the attribution
// recomputed for a window, and the five-dimension comparison as a table, JSON or CSV. Exit codes: 0 done, 1 rejected
// or refused, 2 could not run.

/** What the media commands run on. */
export interface MediaCliDeps {
  readonly operational: OperationalStore;
  readonly events: EventStore;
  readonly clock: Clock;
}

/** Runs a command's action with the stores and clock and sets the exit code; the tests pass their own. */
export type MediaCliRunner = (action: (deps: MediaCliDeps) => Promise<number>) => Promise<void>;

const openRunner: MediaCliRunner = (action) =>
  withStores(configOrExit(), (stores, clock) =>
    action({ operational: stores.operational, events: stores.events, clock }),
  );

const fmt = (x: number | null, digits = 0) =>
  x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** `media …`. */
export function registerMediaCommands(program: Command, run: MediaCliRunner = openRunner): void {
  const media = program
    .command('media')
    .description('media value: import spend and brand reports, attribute acquisition, compare channels');

  const importCommand = (name: string, kind: MediaImportKind, what: string) =>
    media
      .command(name)
      .description(`import ${what} (CSV); any rejected row commits nothing unless --allow-partial`)
      .argument('<file>', 'the CSV file')
      .option('--mapping <file>', 'mapping JSON (default: the header names the target fields)')
      .option('--allow-partial', 'commit the valid rows even when some are rejected')
      .option('--json', 'print the report as JSON')
      .action((file: string, opts: { mapping?: string; allowPartial?: boolean; json?: boolean }) =>
        run(async (deps) => {
          const mapping = opts.mapping ?? {
            value: identityMapping(kind, (await readFile(file, 'utf8')).slice(0, 4096)),
          };
          const result = await runImport(
            { kind, file, mapping, allowPartial: opts.allowPartial === true, actor: cliActor() },
            { operational: deps.operational, clock: deps.clock, targets: MEDIA_IMPORT_TARGETS },
          );
          if (!result.ok) {
            console.error(`error: ${result.error.message}`);
            return 2;
          }
          const r = result.value;
          if (opts.json) console.log(JSON.stringify(r, null, 2));
          else {
            console.log(
              `${name} ${file}: ${r.status} · read ${r.read} · inserted ${r.inserted} · updated ${r.updated} · ` +
                `unchanged ${r.unchanged} · rejected ${r.rejected}`,
            );
            for (const e of r.firstErrors.slice(0, 10)) console.log(`  ${describeRejection(e)}`);
          }
          return r.status === 'committed' ? 0 : 1;
        }),
      );
  importCommand('import-spend', 'media_spend', 'spend and delivery per channel, campaign and day');
  importCommand('import-brand', 'media_brand', 'brand figures per channel and period');

  media
    .command('attribute')
    .description("recompute every customer's first- and last-touch channel for an attribution window")
    .option('--window <days>', 'attribution window in days before customer_since', positiveInt, 30)
    .option('--json', 'print JSON')
    .action((opts: { window: number; json?: boolean }) =>
      run(async (deps) => {
        const r = await runAttribution(
          { db: deps.operational.db, events: deps.events, clock: deps.clock },
          { windowDays: Math.min(365, Math.max(1, opts.window)), actor: cliActor() },
        );
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else
          console.log(
            `attribution (${r.windowDays}-day window): ${r.attributed} of ${r.customers} touched customers attributed; ` +
              `data through ${r.dataThrough ?? '–'}, lifecycle ${r.lifecycleAsOf ?? '–'} (${r.elapsedMs} ms)`,
          );
        return 0;
      }),
    );

  media
    .command('compare')
    .description('channels on the five dimensions (scale, quality, cost, brand value, spillover)')
    .option('--from <day>', 'first day (default: to − 89)', dayOption)
    .option('--to <day>', "last day (default: the attribution's data day)", dayOption)
    .option('--window <days>', 'attribution window in days', positiveInt, 30)
    .option('--json', 'print JSON')
    .option('--csv <file>', 'also write the comparison as CSV')
    .action((opts: { from?: string; to?: string; window: number; json?: boolean; csv?: string }) =>
      run(async (deps) => {
        const result = await compareChannels(
          { db: deps.operational.db, clock: deps.clock },
          { from: opts.from, to: opts.to, windowDays: opts.window },
        );
        if (result.ok && opts.csv) await writeFile(opts.csv, comparisonCsv(result.value));
        return print(result, opts.json, (c) =>
          [
            `media ${c.from} … ${c.to}, ${c.windowDays}-day first-touch window; data through ${c.freshness.dataThrough ?? '–'}`,
            'channel          new  last  CPA     act.   ret30  AUM/cust  brand  refs  lift   | scale qual  cost  brand spill',
            ...c.channels.map(({ channel, metrics: m, scores: s }) =>
              [
                channel.key.padEnd(15),
                fmt(m.newCustomers).padStart(4),
                fmt(m.newCustomersLastTouch).padStart(5),
                fmt(m.cpa).padStart(7),
                pct(m.activationRate).padStart(6),
                pct(m.retention30dRate).padStart(6),
                fmt(m.aumPerCustomer).padStart(9),
                fmt(m.brandIndex).padStart(6),
                fmt(m.referrals).padStart(5),
                pct(m.organicLift).padStart(6),
                ' |',
                ...[s.scale, s.quality, s.cost, s.brand, s.spillover].map((x) => fmt(x).padStart(5)),
              ].join(' '),
            ),
            `organic new customers: ${c.organicNewCustomers}`,
          ].join('\n'),
        );
      }),
    );
}
