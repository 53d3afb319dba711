import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { trainLookalike } from '../../rta/lookalike.ts';
import type { Strategy } from '../../rta/model.ts';
import {
  createStrategy,
  getStrategy,
  listStrategies,
  setStrategyStatus,
  updateStrategy,
  type StrategyDeps,
} from '../../rta/strategy-store.ts';
import { SegmentService } from '../../segments/service.ts';
import { ok } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Database } from '../../store/operational/database.ts';
import { tagSource } from '../../tags/segment-source.ts';
import { configOrExit } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';
import { jsonFile, table } from './journeys.ts';

// `flywheel rta strategies list|show|create|update|pause|resume` and `flywheel rta lookalike train`. Every command
// takes --json; changes act as `--as <username>` (rta.manage) or the machine's operator. Exit codes: 0 done,
// 1 refused, 2 bad arguments.

/** Runs a command's action with the strategy deps and sets the exit code; tests pass their own. */
export type RtaCliRunner = (
  action: (deps: StrategyDeps & { db: Kysely<Database> }) => Promise<number>,
) => Promise<void>;

const openRunner: RtaCliRunner = (action) => {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, (stores, clock) => {
    const db = stores.operational.db;
    const segments = new SegmentService({ tags: tagSource, db, events: stores.events, clock, logger });
    return action({ db, clock, segments });
  });
};

const bid = (s: Strategy) =>
  typeof s.bidFactor === 'number' ? String(s.bidFactor) : `lookalike ${s.bidFactor.min}–${s.bidFactor.max}`;
const target = (s: Strategy) =>
  ('segmentId' in s.target.population ? `segment ${s.target.population.segmentId}` : 'rule') +
  (s.target.unknownDevices ? ' + unknown devices' : '') +
  (s.target.minLookalike !== undefined ? ` (lookalike ≥ ${s.target.minLookalike})` : '');
const line = (s: Strategy) => `${s.id} v${s.version} ${s.status}: ${s.name}`;

/** `rta strategies …` and `rta lookalike train`. */
export function registerRtaCommands(program: Command, run: RtaCliRunner = openRunner): void {
  const rta = program
    .command('rta')
    .description('the RTA decision service: strategies and the look-alike score');
  const strategies = rta.command('strategies').description('RTA strategies (each an out_target_id)');

  strategies
    .command('list')
    .description('every strategy, by priority')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async ({ db }) =>
        print(ok(await listStrategies(db)), opts.json, (list) =>
          table(
            ['id', 'name', 'status', 'version', 'priority', 'target', 'bid', 'cache s'],
            list.map((s) => [
              s.id,
              s.name,
              s.status,
              s.version,
              s.priority,
              target(s),
              bid(s),
              s.cacheSeconds,
            ]),
          ),
        ),
      ),
    );

  strategies
    .command('show')
    .description('a strategy and its versions')
    .argument('<id>', 'its out_target_id')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      run(async ({ db }) =>
        print(await getStrategy(db, id), opts.json, (s) =>
          [
            line(s),
            `target: ${target(s)}; bid ${bid(s)}; cache ${s.cacheSeconds} s; priority ${s.priority}`,
            `window: ${s.activeFrom ?? '–'} … ${s.activeUntil ?? '–'}`,
            ...s.versions.map((v) => `  v${v.version} ${v.change} by ${v.changedBy} at ${v.changedAt}`),
          ].join('\n'),
        ),
      ),
    );

  for (const [name, description] of [
    ['create', 'create a strategy from a JSON file (src/rta/model.ts StrategyInput)'],
    ['update', "save a strategy's next version from a JSON file"],
  ] as const)
    strategies
      .command(name)
      .description(description)
      .requiredOption('--file <strategy.json>', 'the strategy')
      .option('--as <username>', 'act as this user (rta.manage)')
      .option('--json', 'print JSON')
      .action((opts: { file: string; as?: string; json?: boolean }) =>
        run(async (deps) => {
          const body = await jsonFile(opts.file);
          if (!body.ok) return refused(body.error);
          const who = await actor(deps.db, opts.as, 'rta.manage');
          if (!who.ok) return refused(who.error);
          const id = (body.value as { id?: unknown } | null)?.id;
          const saved =
            name === 'create'
              ? await createStrategy(deps, body.value, who.value)
              : await updateStrategy(deps, typeof id === 'string' ? id : '', body.value, who.value);
          return print(saved, opts.json, line);
        }),
      );

  for (const [name, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    strategies
      .command(name)
      .description(`${name} a strategy (its next version)`)
      .argument('<id>', 'its out_target_id')
      .option('--as <username>', 'act as this user (rta.manage)')
      .option('--json', 'print JSON')
      .action((id: string, opts: { as?: string; json?: boolean }) =>
        run(async (deps) => {
          const who = await actor(deps.db, opts.as, 'rta.manage');
          if (!who.ok) return refused(who.error);
          return print(await setStrategyStatus(deps, id, status, who.value), opts.json, line);
        }),
      );

  rta
    .command('lookalike')
    .description('the look-alike score')
    .command('train')
    .description("train on the bank's best customers and score every device-linked customer")
    .option('--as <username>', 'act as this user (rta.manage)')
    .option('--json', 'print JSON')
    .action((opts: { as?: string; json?: boolean }) =>
      run(async (deps) => {
        const who = await actor(deps.db, opts.as, 'rta.manage');
        if (!who.ok) return refused(who.error);
        return print(await trainLookalike(deps, who.value), opts.json, (r) =>
          [
            `look-alike trained on ${r.customers} customers (${r.positives} best) as of ${r.asOf}; ${r.scored} scored` +
              (r.converged ? '' : ' (did not converge)'),
            ...Object.entries(r.coefficients).map(([k, v]) => `  ${k}: ${v.toFixed(3)}`),
          ].join('\n'),
        );
      }),
    );
}
