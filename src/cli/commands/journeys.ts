import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { journeyCounts } from '../../journeys/counts.ts';
import { getJourney, listJourneys } from '../../journeys/read.ts';
import { journeyResults, type JourneyResults, type Rate } from '../../journeys/results.ts';
import {
  createJourney,
  journeyProblems,
  setJourneyStatus,
  type JourneyServiceDeps,
} from '../../journeys/service.ts';
import { previewMigration, publishVersion, reviseJourney, type Migration } from '../../journeys/versions.ts';
import { SegmentService } from '../../segments/service.ts';
import { err, jsonPointer, ok, type Result } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { tagSource } from '../../tags/segment-source.ts';
import { configOrExit, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';
import { liftText } from './campaigns.ts';

// `flywheel journeys …`: list, show, create and revise from a JSON body, check a body, publish (migrating the
// customers of a version by a mapping file, or only previewing it), pause/resume/stop, counts per node and results.
// Every command takes --json; human output is a compact table. Exit codes: 0 done, 1 refused or problems found, 2 bad
// arguments. Changes act as `--as <username>` (campaigns.write) or the machine's operator.

/** What a command runs with. */
export interface JourneyCliContext {
  readonly deps: JourneyServiceDeps;
}

/** Runs a command's action with its context and sets the exit code; the tests pass their own store. */
export type JourneyCliRunner = (action: (c: JourneyCliContext) => Promise<number>) => Promise<void>;

/** The runner of `flywheel`: the configured stores, the bank's clock, the segment catalogue for branch rules. */
const openRunner: JourneyCliRunner = (action) => {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, (stores, clock) => {
    const db = stores.operational.db;
    const segments = new SegmentService({ tags: tagSource, db, events: stores.events, clock, logger });
    return action({ deps: { db, clock, segments } });
  });
};

/** A JSON file's value, or the reason it cannot be read. */
export async function jsonFile(path: string): Promise<Result<unknown>> {
  try {
    return ok(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    return err({ code: 'bad_request', message: `${path}: ${(error as Error).message}` });
  }
}

/** Rows as a compact table: columns padded to their widest cell. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const pct = (r: Rate) => (r.rate === null ? '–' : `${(100 * r.rate).toFixed(1)}%`);
const wilson = (r: Rate) =>
  r.interval
    ? `${(100 * r.interval.lower).toFixed(1)}–${(100 * r.interval.upper).toFixed(1)}%`
    : (r.reason ?? '');
const exits = (e: Record<string, number>) =>
  Object.entries(e)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '–';

/** `journeys list | show | create | check | revise | publish | pause | resume | stop | counts | results`. */
export function registerJourneyCommands(program: Command, run: JourneyCliRunner = openRunner): void {
  const journeys = program
    .command('journeys')
    .description(
      'journeys: create, check, revise and publish (migrating customers), control, count and measure',
    );

  journeys
    .command('list')
    .description('journeys, most recently changed first')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async ({ deps }) => {
        const items = await listJourneys(deps.db);
        return print(ok(items), opts.json, (list) =>
          list.length === 0
            ? 'no journeys'
            : table(
                ['id', 'status', 'version', 'entry', 'inside', 'entered', 'converted', 'name'],
                list.map((j) => [
                  j.id,
                  j.status,
                  `${j.currentVersion ?? '–'}/${j.latestVersion}${j.hasDraft ? '*' : ''}`,
                  j.entry,
                  j.inside,
                  j.entered,
                  j.converted,
                  j.name,
                ]),
              ),
        );
      }),
    );

  journeys
    .command('show')
    .description('a journey: its latest body and its versions')
    .argument('<id>', 'journey id', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { json?: boolean }) =>
      run(async ({ deps }) => {
        const journey = await getJourney(deps.db, id);
        if (!journey) return refused({ code: 'not_found', message: `no journey ${id}` });
        return print(ok(journey), opts.json, (j) =>
          [
            `journey ${j.id} ${j.status}: ${j.name}`,
            `  ${j.latest.body.nodes.length} nodes, entry ${j.latest.body.entry.kind}, start ${j.latest.body.start}`,
            table(
              ['version', 'id', 'published', 'inside', 'author'],
              j.versions.map((v) => [
                `v${v.version}${v.id === j.currentVersionId ? ' (current)' : ''}`,
                v.id,
                v.publishedAt ?? 'draft',
                v.inside,
                v.author,
              ]),
            ),
          ].join('\n'),
        );
      }),
    );

  journeys
    .command('create')
    .description('create a journey (a draft) from a JSON body (src/journeys/model.ts)')
    .requiredOption('--name <name>', 'its name')
    .requiredOption('--file <body.json>', 'the body')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((opts: { name: string; file: string; as?: string; json?: boolean }) =>
      run(async ({ deps }) => {
        const body = await jsonFile(opts.file);
        if (!body.ok) return refused(body.error);
        const who = await actor(deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        const created = await createJourney(deps, who.value, { name: opts.name, body: body.value });
        return print(
          created.ok ? ok({ id: created.value.journeyId, versionId: created.value.versionId }) : created,
          opts.json,
          (c) => `created journey ${c.id} (v1, draft)`,
        );
      }),
    );

  journeys
    .command('check')
    .description('every problem of a JSON body, located (exit 1 when there is any)')
    .requiredOption('--file <body.json>', 'the body')
    .option('--json', 'print JSON')
    .action((opts: { file: string; json?: boolean }) =>
      run(async ({ deps }) => {
        const body = await jsonFile(opts.file);
        if (!body.ok) return refused(body.error);
        const problems = (await journeyProblems(deps, body.value)).problems.map((p) => ({
          ...p,
          path: jsonPointer(p.path),
        }));
        if (opts.json) console.log(JSON.stringify({ problems }, null, 2));
        else if (problems.length === 0) console.log('no problems');
        else
          for (const p of problems)
            console.log(`${p.path}${p.node ? ` (node ${p.node})` : ''}: ${p.message} [${p.code}]`);
        return problems.length === 0 ? 0 : 1;
      }),
    );

  journeys
    .command('revise')
    .description('save a JSON body as the next version (published by `publish`)')
    .argument('<id>', 'journey id', positiveInt)
    .requiredOption('--file <body.json>', 'the body')
    .option('--name <name>', 'rename the journey')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: { file: string; name?: string; as?: string; json?: boolean }) =>
      run(async ({ deps }) => {
        const body = await jsonFile(opts.file);
        if (!body.ok) return refused(body.error);
        const who = await actor(deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        return print(
          await reviseJourney(deps, who.value, id, { name: opts.name, body: body.value }),
          opts.json,
          (r) => `journey ${id}: saved v${r.version} (version id ${r.versionId}), not yet published`,
        );
      }),
    );

  journeys
    .command('publish')
    .description(
      'publish the latest version; with --migrate-from and --mapping, move the customers of that version onto it',
    )
    .argument('<id>', 'journey id', positiveInt)
    .option('--migrate-from <versionId>', 'the version (id) whose live customers move', positiveInt)
    .option('--mapping <map.json>', 'a JSON object: each node of that version → a node of the latest')
    .option('--preview', 'only show what the migration would do')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action(
      (
        id: number,
        opts: { migrateFrom?: number; mapping?: string; preview?: boolean; as?: string; json?: boolean },
      ) =>
        run(async ({ deps }) => {
          if (
            (opts.migrateFrom === undefined) !== (opts.mapping === undefined) ||
            (opts.preview && !opts.mapping)
          )
            return refused({
              code: 'bad_request',
              message: '--migrate-from and --mapping go together (and --preview needs them)',
            });
          let migrate: Migration | undefined;
          if (opts.mapping) {
            const mapping = await jsonFile(opts.mapping);
            if (!mapping.ok) return refused(mapping.error);
            migrate = { fromVersionId: opts.migrateFrom!, mapping: mapping.value as Record<string, string> };
          }
          if (opts.preview && migrate)
            return print(await previewMigration(deps, id, migrate), opts.json, (p) =>
              [
                `to version id ${p.toVersionId}; ${p.staying} customer(s) stay on other versions`,
                table(
                  ['from', 'to', 'customers'],
                  p.moves.map((m) => [m.from, m.to, m.customers]),
                ),
                ...p.orphans.map((o) => `orphaned: ${o.customers} on ${o.node} (${o.reason})`),
              ].join('\n'),
            );
          const who = await actor(deps.db, opts.as, 'campaigns.write');
          if (!who.ok) return refused(who.error);
          return print(
            await publishVersion(deps, who.value, id, migrate),
            opts.json,
            (p) => `journey ${id} live on version id ${p.versionId}${migrate ? ' (customers migrated)' : ''}`,
          );
        }),
    );

  for (const action of ['pause', 'resume', 'stop'] as const)
    journeys
      .command(action)
      .description(
        action === 'pause'
          ? 'pause a live journey: timers wait, nobody enters'
          : action === 'resume'
            ? 'resume a paused journey'
            : 'stop a journey: everyone inside exits',
      )
      .argument('<id>', 'journey id', positiveInt)
      .option('--as <username>', 'act as this user (campaigns.write)')
      .option('--json', 'print JSON')
      .action((id: number, opts: { as?: string; json?: boolean }) =>
        run(async ({ deps }) => {
          const who = await actor(deps.db, opts.as, 'campaigns.write');
          if (!who.ok) return refused(who.error);
          return print(
            await setJourneyStatus(deps, who.value, id, action),
            opts.json,
            (s) => `journey ${id} ${s.status}`,
          );
        }),
      );

  journeys
    .command('counts')
    .description('per node: arrivals, customers waiting there, exits taken, conversions; and the totals')
    .argument('<id>', 'journey id', positiveInt)
    .option('--version-id <id>', 'one version only', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { versionId?: number; json?: boolean }) =>
      run(async ({ deps }) =>
        print(await journeyCounts(deps.db, id, opts.versionId), opts.json, (c) =>
          [
            table(
              ['node', 'entered', 'waiting', 'converted', 'exits'],
              c.nodes.map((n) => [n.node, n.entered, n.waiting, n.converted, exits(n.exits)]),
            ),
            `entered ${c.totals.entered}, inside ${c.totals.inside}, converted ${c.totals.converted}; ` +
              `exited: ${exits(c.totals.exited)}; control ${c.totals.control} (converted ${c.totals.controlConverted})`,
          ].join('\n'),
        ),
      ),
    );

  journeys
    .command('results')
    .description('conversion against the control group, per split arm and per branch arm')
    .argument('<id>', 'journey id', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { json?: boolean }) =>
      run(async ({ deps }) => print(await journeyResults(deps.db, id), opts.json, resultsText)),
    );
}

/** Results as a table of groups and the lifts. */
function resultsText(r: JourneyResults): string {
  const rows: (string | number)[][] = [
    [
      'treated',
      r.treated.entries,
      r.treated.converted,
      pct(r.treated),
      wilson(r.treated),
      liftText(r.lift, r.liftReason),
    ],
    ['control', r.control.entries, r.control.converted, pct(r.control), wilson(r.control), ''],
  ];
  for (const s of r.splits)
    for (const a of s.arms)
      rows.push([
        `${s.node}:${a.arm}`,
        a.entries,
        a.converted,
        pct(a),
        wilson(a),
        `vs control ${liftText(a.vsControl, a.vsControlReason)}; vs first ${liftText(a.vsFirst, a.vsFirstReason)}`,
      ]);
  for (const b of r.branches)
    for (const a of b.arms) rows.push([`${b.node}:${a.arm}`, a.entries, a.converted, pct(a), wilson(a), '']);
  return [
    `goal: ${r.goal?.event ?? r.goalReason}`,
    table(['group', 'entries', 'converted', 'rate', '95% interval', 'lift'], rows),
  ].join('\n');
}
