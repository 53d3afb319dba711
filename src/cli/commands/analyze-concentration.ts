import { InvalidArgumentError, type Command } from 'commander';
import type { PopulationInput } from '../../analytics/lifecycle/population.ts';
import type { Breakdown } from '../../contracts/population.ts';
import {
  analyseConcentration,
  type MeasureConcentration,
} from '../../analytics/trend/concentration-analysis.ts';
import {
  metricTrend,
  TREND_INTERVALS,
  TREND_METRICS,
  type TrendInterval,
  type TrendMetric,
} from '../../analytics/trend/metric-trend.ts';
import { runAnalysis } from './analyze.ts';
import { dayOption } from '../main.ts';
import { pct } from './analyze-lifecycle.ts';
import { populationOption, withPopulation, type PopulationOptions } from './population-option.ts';

// `flywheel analyze concentration [--as-of D] [--segment ID | --rule JSON] [--json]` and
// `flywheel analyze trend --metric M [--interval day|week|month] [--from D] [--to D] [--event E] [--kind K]
// [--breakdown tag:KEY|attribute:NAME|segment:ID,…] [--top N] [--segment ID | --rule JSON] [--json]`.

interface Common extends PopulationOptions {
  json?: boolean;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return value as T;
  };
}

function breakdownOption(text: string): Breakdown {
  const match = /^(tag|attribute|segment):(.+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('expected tag:<key>, attribute:<name> or segment:<id>[,<id>…]');
  const [, kind, rest] = match as unknown as [string, string, string];
  if (kind === 'tag') return { by: 'tag', tag: rest };
  if (kind === 'attribute') return { by: 'attribute', attribute: rest };
  return { by: 'segment', segments: rest.split(',').filter(Boolean) };
}

function topOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new InvalidArgumentError('must be a whole number in 1..20');
  return n;
}

/** Parses the population options, or prints the problem and sets exit code 2. */
function population(opts: Common): PopulationInput | null {
  try {
    return { population: populationOption(opts) };
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 2;
    return null;
  }
}

const money = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });
const measureLines = (name: string, m: MeasureConcentration) => [
  `${name}: total ${money(m.total)}, holders ${m.holders}, Gini ${m.gini.toFixed(4)}, top 20% hold ${pct(m.top20Share)}`,
  `  Lorenz (poorest share → share held): ${m.lorenz
    .filter((_, i) => i % 10 === 0)
    .map((p) => `${pct(p.customerShare)}→${pct(p.valueShare)}`)
    .join(' ')}`,
];

/** `analyze concentration` and `analyze trend`. */
export function registerConcentrationCommands(analyze: Command): void {
  withPopulation(analyze.command('concentration'))
    .description('Lorenz / Pareto curves, Gini and top-20% share of AUM and of revenue contribution')
    .option('--as-of <date>', 'business day (default today)', dayOption)
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .action(async (opts: Common & { asOf?: string }) => {
      const p = population(opts);
      if (!p) return;
      await runAnalysis(
        opts.json,
        ({ stores, clock, segments }) => {
          return analyseConcentration({ segments, events: stores.events, clock }, { asOf: opts.asOf, ...p });
        },
        (v) => [
          `concentration on ${v.asOf}, ${v.customers} customers (${v.population.kind})`,
          ...measureLines('AUM', v.aum),
          ...measureLines('revenue contribution (estimated, CNY/year)', v.revenue),
          `  margins: ${Object.entries(v.revenue.margins)
            .map(([c, m]) => `${c} ${pct(m)}`)
            .join(
              ', ',
            )}; fees ${v.revenue.feeWindow.from} – ${v.revenue.feeWindow.to}: ${money(v.revenue.fees)}`,
        ],
      );
    });

  withPopulation(analyze.command('trend'))
    .description('a metric by day, week or month, optionally broken down by tag, attribute or segment')
    .requiredOption('--metric <metric>', `one of ${TREND_METRICS.join(', ')}`, oneOf(TREND_METRICS))
    .option(
      '--interval <interval>',
      `one of ${TREND_INTERVALS.join(', ')} (default day)`,
      oneOf(TREND_INTERVALS),
    )
    .option('--from <date>', 'first day (default 90 days before --to)', dayOption)
    .option('--to <date>', 'last day (default today)', dayOption)
    .option('--event <name>', 'events, active_customers: only this event')
    .option('--kind <kind>', 'transaction_amount: only this transaction kind')
    .option('--breakdown <what>', 'tag:<key>, attribute:<name> or segment:<id>[,<id>…]', breakdownOption)
    .option('--top <n>', 'groups kept, the rest are "other" (default 5)', topOption)
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .action(
      async (
        opts: Common & {
          metric: TrendMetric;
          interval?: TrendInterval;
          from?: string;
          to?: string;
          event?: string;
          kind?: string;
          breakdown?: Breakdown;
          top?: number;
        },
      ) => {
        const p = population(opts);
        if (!p) return;
        await runAnalysis(
          opts.json,
          ({ stores, clock, segments }) => {
            const { metric, interval, from, to, event, kind, breakdown, top } = opts;
            return metricTrend(
              { segments, events: stores.events, clock },
              { metric, interval, from, to, event, kind, breakdown, top, ...p },
            );
          },
          (v) => [
            `${v.metric} by ${v.interval}, ${v.from} – ${v.to} (days in ${v.timeZone})${v.event ? ` (event ${v.event})` : ''}${v.kind ? ` (kind ${v.kind})` : ''}`,
            ['period', ...v.series.map((s) => s.key), ...(v.series.length > 1 ? ['total'] : [])].join('\t'),
            ...v.periods.map((period, i) =>
              [
                period,
                ...v.series.map((s) => s.values[i] ?? 0),
                ...(v.series.length > 1 ? [v.totals[i] ?? 0] : []),
              ].join('\t'),
            ),
          ],
        );
      },
    );
}
