import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { funnelDefinitionSchema, type FunnelDefinition } from '../../analytics/funnels/definition.ts';
import { runFunnel, type FunnelResult } from '../../analytics/funnels/funnel.ts';
import type { AnalysisResult, BehaviourDeps } from '../../analytics/funnels/groups.ts';
import { runAnalysis, type AnalysisContext, type AnalysisOutcome } from './analyze.ts';
import { checkedDefinition, type OptionNames } from './plain-issues.ts';
import { populationOption, withPopulation, type PopulationOptions } from './population-option.ts';

// `flywheel analyze funnel --steps a,b,c --window-days 7 --from D --to D [--breakdown …] [--json]`, or the whole
// definition as POST /v1/analytics/funnel takes it with `--definition file.json` (options given beside it override
// its fields). Exit codes: 0 done, 1 refused (unknown event, not enough data), 2 bad arguments.

/** Options every behaviour command shares: population, breakdown, business day, definition file, JSON output. */
export interface CommonOptions extends PopulationOptions {
  definition?: string;
  from?: string;
  to?: string;
  breakdown?: string;
  asOf?: string;
  json?: boolean;
}

/** `--breakdown tag:KEY | attribute:NAME | segment:ID[,ID…] | property:NAME` as the definition's breakdown. */
export function parseBreakdown(text: string, allowProperty: boolean): unknown {
  const at = text.indexOf(':');
  const kind = at < 0 ? text : text.slice(0, at);
  const value = at < 0 ? '' : text.slice(at + 1);
  if (!value) throw new InvalidArgumentError('--breakdown needs KIND:VALUE, e.g. tag:aum_tier');
  if (kind === 'tag') return { by: 'tag', tag: value };
  if (kind === 'attribute') return { by: 'attribute', attribute: value };
  if (kind === 'segment') return { by: 'segment', segments: value.split(',').filter(Boolean) };
  if (kind === 'property' && allowProperty) return { by: 'property', property: value };
  throw new InvalidArgumentError(
    `--breakdown must be tag:, attribute:, segment:${allowProperty ? ' or property:' : ''} (got ${kind})`,
  );
}

/** The definition file (if any) with the common options laid over it. */
export function baseDefinition(opts: CommonOptions, allowProperty: boolean): Record<string, unknown> {
  let def: Record<string, unknown> = {};
  if (opts.definition) {
    try {
      def = JSON.parse(readFileSync(opts.definition, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidArgumentError(`--definition: ${(error as Error).message}`);
    }
  }
  const population = populationOption(opts);
  if (population) def['population'] = population;
  if (opts.breakdown) def['breakdown'] = parseBreakdown(opts.breakdown, allowProperty);
  if (opts.from) def['from'] = opts.from;
  if (opts.to) def['to'] = opts.to;
  if (opts.asOf) def['asOf'] = opts.asOf;
  return def;
}

/** The options of the common fields (each command adds its own). */
export const COMMON_OPTION_NAMES: OptionNames = {
  from: '--from <YYYY-MM-DD>',
  to: '--to <YYYY-MM-DD>',
  asOf: '--as-of <YYYY-MM-DD>',
  breakdown: '--breakdown <kind:value>',
  population: '--segment <id> or --rule <json>',
};

/** Parses with the API's schema; every problem is one plain line naming the option that sets the field. */
export function checked<T>(schema: z.ZodType<T>, def: unknown, options: OptionNames): T {
  const result = checkedDefinition(schema, def, { ...COMMON_OPTION_NAMES, ...options });
  if (result.ok) return result.value;
  throw new InvalidArgumentError(result.problems.join('\n'));
}

/** The help line listing what a command cannot run without (options, or the same fields in --definition). */
export function requiredHelp(required: string): string {
  return `\nRequired: ${required}\n(each may come from the --definition file instead).\n`;
}

/** Runs one behaviour analysis; "not enough data" is a refusal (exit 1) on the command line. */
export function runBehaviour<T extends { notEnoughData: string | null }>(
  json: boolean | undefined,
  analyse: (deps: BehaviourDeps) => Promise<AnalysisResult<T>>,
  render: (value: T) => readonly string[],
): Promise<void> {
  return runAnalysis(
    json,
    async ({ stores, segments, clock }: AnalysisContext): Promise<AnalysisOutcome<T>> => {
      const result = await analyse({ events: stores.events, clock, segments });
      if (result.ok && result.value.notEnoughData)
        return {
          ok: false,
          error: { code: 'not_enough_data', message: `not enough data: ${result.value.notEnoughData}` },
        };
      return result;
    },
    render,
  );
}

/** Reports bad arguments the way commander does (exit 2): one `error:` line per problem. */
export function badArguments(error: unknown): void {
  for (const line of (error as Error).message.split('\n')) console.error(`error: ${line}`);
  process.exitCode = 2;
}

interface FunnelOptions extends CommonOptions {
  steps?: string;
  windowDays?: string;
  windowSeconds?: string;
}

/** `analyze funnel`. */
export function registerFunnelCommand(analyze: Command): void {
  withPopulation(analyze.command('funnel'))
    .description(
      'event funnel: customers per step, conversion from previous and first step, median time to convert',
    )
    .option('--steps <events>', 'comma-separated event names, 2 to 8 (property filters: use --definition)')
    .option('--window-days <n>', 'conversion window in days')
    .option('--window-seconds <n>', 'conversion window in seconds')
    .option('--from <date>', "first business day (the bank's time zone) on which the first step counts")
    .option('--to <date>', 'last day on which the first step counts, inclusive')
    .option(
      '--breakdown <kind:value>',
      'tag:KEY, attribute:NAME, segment:ID[,ID…] or property:NAME (of the first step)',
    )
    .option('--as-of <date>', 'business day of the segment index (default today)')
    .option('--definition <file>', 'the definition as JSON, as POST /v1/analytics/funnel takes it')
    .option('--json', 'print the result as JSON (as the API answers it)')
    .addHelpText('after', requiredHelp('--steps, --window-days or --window-seconds, --from and --to'))
    .action(async (opts: FunnelOptions) => {
      let def: FunnelDefinition;
      try {
        const raw = baseDefinition(opts, true);
        if (opts.steps) raw['steps'] = opts.steps.split(',').map((event) => ({ event: event.trim() }));
        if (opts.windowDays && opts.windowSeconds)
          throw new InvalidArgumentError('give --window-days or --window-seconds');
        if (opts.windowDays) raw['window'] = { days: Number(opts.windowDays) };
        if (opts.windowSeconds) raw['window'] = { seconds: Number(opts.windowSeconds) };
        def = checked(funnelDefinitionSchema, raw, {
          steps: '--steps <events>',
          window: '--window-days <n> or --window-seconds <n>',
        });
      } catch (error) {
        return badArguments(error);
      }
      await runBehaviour(opts.json, (deps) => runFunnel(deps, def), renderFunnel);
    });
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const duration = (s: number | null) =>
  s === null
    ? '–'
    : s < 120
      ? `${s.toFixed(0)} s`
      : s < 7200
        ? `${(s / 60).toFixed(1)} min`
        : `${(s / 3600).toFixed(1)} h`;

/** The funnel as text: one table for the whole population, then one per breakdown group. */
export function renderFunnel(f: FunnelResult): string[] {
  const table = (title: string, steps: FunnelResult['overall']['steps']) => [
    title,
    'step\tevent\tcustomers\tfrom previous\tfrom first\tmedian time from previous',
    ...steps.map(
      (s) =>
        `${s.step}\t${s.event}\t${s.customers}\t${pct(s.conversionFromPrevious)}\t${pct(s.conversionFromFirst)}\t` +
        duration(s.medianSecondsFromPrevious),
    ),
  ];
  const lines = [
    `first step from ${f.window.from} to ${f.window.to} (days in ${f.timeZone}), conversion window ${f.window.conversionSeconds} s; ` +
      `latest event ${f.freshness.latestEventTime ?? 'none'}`,
    '',
    ...table('all customers', f.overall.steps),
  ];
  const b = f.definition.breakdown;
  const name = !b
    ? ''
    : b.by === 'property'
      ? b.property
      : b.by === 'tag'
        ? b.tag
        : b.by === 'attribute'
          ? b.attribute
          : 'segment';
  for (const g of f.breakdown?.groups ?? [])
    lines.push('', ...table(`${name} = ${g.key ?? '(none)'}`, g.steps));
  if (f.breakdown?.omittedGroups) lines.push('', `(${f.breakdown.omittedGroups} smaller groups omitted)`);
  return lines;
}
