import { InvalidArgumentError, type Command } from 'commander';
import { runDrivers, type DriversAnalysis, type DriversRequest } from '../../analytics/drivers/service.ts';
import { dayOption } from '../main.ts';
import { runAnalysis } from './analyze.ts';
import { populationOption, ruleOption, withPopulation, type PopulationOptions } from './population-option.ts';

// `flywheel analyze drivers --outcome '<rule>' [--segment <id> | --rule '<rule>'] [--json]`: the key factors of a
// binary outcome, as POST /v1/analytics/drivers answers them. Definitions: src/analytics/README.md.

interface Options extends PopulationOptions {
  outcome: string;
  features?: string;
  bins?: number;
  holdout?: number;
  maxFeatures?: number;
  asOf?: string;
  json?: boolean;
}

function intIn(lo: number, hi: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < lo || n > hi)
      throw new InvalidArgumentError(`must be a whole number in ${lo}..${hi}`);
    return n;
  };
}

/** `analyze drivers`. */
export function registerDriversCommand(analyze: Command): void {
  withPopulation(analyze.command('drivers'))
    .description(
      'key factors of a binary outcome: features ranked by information value, logistic regression, AUC',
    )
    .requiredOption(
      '--outcome <rule>',
      `customers with the outcome, a rule as JSON, e.g. '{"attr":"exited","op":"=","value":1}'`,
    )
    .option('--features <names>', 'comma-separated attribute names or tag keys (default all)')
    .option('--bins <n>', 'quantile bins of numeric attributes (default 5)', intIn(2, 20))
    .option('--holdout <percent>', 'share held out for the AUC (default 30)', intIn(10, 50))
    .option('--max-features <n>', 'most features in the regression (default 12)', intIn(1, 30))
    .option('--as-of <date>', 'business day (default today)', dayOption)
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .action(async (opts: Options) => {
      let request: DriversRequest;
      try {
        const population = populationOption(opts);
        request = {
          outcome: ruleOption('outcome', opts.outcome),
          ...(population ? { population } : {}),
          ...(opts.features
            ? {
                features: opts.features
                  .split(',')
                  .map((f) => f.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(opts.bins ? { bins: opts.bins } : {}),
          ...(opts.holdout ? { holdoutPercent: opts.holdout } : {}),
          ...(opts.maxFeatures ? { maxFeatures: opts.maxFeatures } : {}),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
        };
      } catch (error) {
        console.error(`error: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      await runAnalysis(opts.json, ({ segments: service }) => runDrivers(service, request), render);
    });
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const num = (x: number) => (Math.abs(x) >= 1000 || x === 0 ? x.toFixed(0) : x.toPrecision(4));

/** The analysis as text: population, features by IV with their most different level, the regression. */
export function render(a: DriversAnalysis): string[] {
  const lines = [
    `as of ${a.asOf} (tags of ${a.tagsAsOf ?? 'never'}): ${a.population.customers} customers, ` +
      `${a.population.positives} with the outcome (${pct(a.population.rate)})`,
    '',
    'feature\tIV\tlevel with the largest |ln lift|\trate\tlift',
  ];
  for (const f of a.features)
    lines.push(`${f.id}\t${f.iv.toFixed(4)}\t${f.top.value}\t${pct(f.top.rate)}\t${f.top.lift.toFixed(2)}`);
  lines.push('');
  const r = a.regression;
  if (r.status !== 'fitted') {
    lines.push(`regression: not enough data (${r.reason})`);
    return lines;
  }
  lines.push(
    `logistic regression on ${r.fittedRows} training customers (${r.holdoutPercent}% held out), ` +
      `AUC training ${r.auc.training?.toFixed(4) ?? '–'}, hold-out ${r.auc.holdout?.toFixed(4) ?? '–'}`,
    'term\testimate\t95% CI\todds ratio\tp',
  );
  for (const c of r.coefficients)
    lines.push(
      `${c.term}\t${num(c.estimate)}\t[${num(c.ciLow)}, ${num(c.ciHigh)}]\t${num(c.oddsRatio)}\t${c.pValue.toExponential(2)}`,
    );
  return lines;
}
