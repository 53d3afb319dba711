import { InvalidArgumentError, type Command } from 'commander';
import type { PopulationInput } from '../../analytics/lifecycle/population.ts';
import { LifecycleService } from '../../analytics/lifecycle/service.ts';
import { dayOption } from '../main.ts';
import { runAnalysis, type AnalysisContext } from './analyze.ts';
import { populationOption, withPopulation, type PopulationOptions } from './population-option.ts';

// `flywheel analyze lifecycle [distribution|transitions|time-in-stage|aarrr] [--from D] [--to D] [--as-of D]
// [--segment ID | --rule JSON] [--json]`: the lifecycle analyses as POST /v1/analytics/lifecycle/* answer them.

export const LIFECYCLE_VIEWS = ['distribution', 'transitions', 'time-in-stage', 'aarrr'] as const;
type View = (typeof LIFECYCLE_VIEWS)[number];

interface Options extends PopulationOptions {
  from?: string;
  to?: string;
  asOf?: string;
  json?: boolean;
}

/** A share as a percentage for text output. */
export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

function service(ctx: AnalysisContext): LifecycleService {
  const { stores, segments, clock } = ctx;
  return new LifecycleService({
    db: stores.operational.db,
    events: stores.events,
    segments: () => segments,
    timeZone: clock.timeZone,
  });
}

/** `analyze lifecycle`. */
export function registerLifecycleCommand(analyze: Command): void {
  withPopulation(analyze.command('lifecycle'))
    .description(
      'seven-stage lifecycle: stage distribution, transitions between two days, time in stage, AARRR',
    )
    .argument('[view]', `one of ${LIFECYCLE_VIEWS.join(', ')}`, 'distribution')
    .option('--from <date>', 'first day (distribution, transitions)', dayOption)
    .option('--to <date>', 'last day (distribution, transitions)', dayOption)
    .option('--as-of <date>', 'the day (time-in-stage, aarrr; default the latest snapshot)', dayOption)
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .action(async (view: string, opts: Options) => {
      let population: PopulationInput;
      try {
        if (!(LIFECYCLE_VIEWS as readonly string[]).includes(view))
          throw new InvalidArgumentError(`unknown view ${view}: one of ${LIFECYCLE_VIEWS.join(', ')}`);
        population = { population: populationOption(opts) };
      } catch (error) {
        console.error(`error: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const range = { from: opts.from, to: opts.to, ...population };
      const day = { asOf: opts.asOf, ...population };
      switch (view as View) {
        case 'distribution':
          return runAnalysis(
            opts.json,
            (ctx) => service(ctx).distribution(range),
            (v) => [
              `lifecycle stage distribution ${v.from} – ${v.to} (${v.points.length} snapshot days)`,
              ['day', ...v.stages.map((s) => s.value), 'total'].join('\t'),
              ...v.points.map((p) =>
                [p.asOf, ...v.stages.map((s) => p.counts[s.value] ?? 0), p.total].join('\t'),
              ),
            ],
          );
        case 'transitions':
          return runAnalysis(
            opts.json,
            (ctx) => service(ctx).transitions(range),
            (v) => [
              `lifecycle transitions ${v.from} → ${v.to} (rows: stage on ${v.from}; columns: stage on ${v.to})`,
              ['', ...v.keys].join('\t'),
              ...v.matrix.map((row, i) => [v.keys[i], ...row].join('\t')),
              '',
              ['stage', 'from', 'stayed', 'forward', 'backward', 'left', 'forward rate', 'entered'].join(
                '\t',
              ),
              ...v.flows.map((f) =>
                [
                  f.stage,
                  f.from,
                  f.stayed,
                  f.forward,
                  f.backward,
                  f.left,
                  pct(f.forwardRate),
                  f.entered,
                ].join('\t'),
              ),
            ],
          );
        case 'time-in-stage':
          return runAnalysis(
            opts.json,
            (ctx) => service(ctx).timeInStage(day),
            (v) => [
              `time in stage on ${v.asOf} (${v.snapshotDays} snapshot days from ${v.firstDay})`,
              [
                'stage',
                'customers',
                'median days',
                'mean days',
                'censored',
                ...v.bands.map((b) => b.label),
              ].join('\t'),
              ...v.perStage.map((s) =>
                [
                  s.stage,
                  s.customers,
                  s.medianDays ?? '—',
                  s.meanDays === null ? '—' : s.meanDays.toFixed(1),
                  s.censored,
                  ...s.bands,
                ].join('\t'),
              ),
            ],
          );
        case 'aarrr':
          return runAnalysis(
            opts.json,
            (ctx) => service(ctx).aarrr(day),
            (v) => [
              `AARRR on ${v.asOf} (activity ${v.activeFrom} – ${v.asOf}), base ${v.base} customers`,
              ['step', 'customers', 'share of base', 'rate', 'rate of'].join('\t'),
              ...v.steps.map((s) =>
                [s.step, s.customers, pct(s.shareOfBase), pct(s.rate), s.rateOf].join('\t'),
              ),
            ],
          );
      }
    });
}
