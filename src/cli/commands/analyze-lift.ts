import { InvalidArgumentError, type Command } from 'commander';
import {
  groupLift,
  type GroupLiftAnalysis,
  type GroupLiftRequest,
} from '../../analytics/experiments/groups.ts';
import { analyseExperiment, type LiftAnalysis } from '../../analytics/experiments/service.ts';
import type { Comparison, Interval, MetricLift } from '../../analytics/experiments/lift.ts';
import { runAnalysis } from './analyze.ts';
import { ruleOption } from './population-option.ts';

// `flywheel analyze lift --experiment ID [--metric m] [--confidence c] [--control arm] [--json]`: the lift of an
// imported experiment (flywheel import experiment), as GET /v1/analytics/experiments/:id/lift answers it; or
// `--treatment '<rule>' --control-group '<rule>' (--outcome '<rule>' | --outcome-attribute name)`: the lift between two
// customer groups, as POST /v1/analytics/lift/groups. Definitions: src/analytics/README.md, "Experiments and lift".

interface Options {
  experiment?: string;
  metric?: string;
  confidence?: number;
  control?: string;
  treatment?: string;
  controlGroup?: string;
  outcome?: string;
  outcomeAttribute?: string;
  asOf?: string;
  json?: boolean;
}

/** The group comparison the options ask for, or why they do not make one. */
function groupRequest(opts: Options): GroupLiftRequest {
  if (opts.experiment)
    throw new InvalidArgumentError('give --experiment or --treatment/--control-group, not both');
  if (!opts.treatment || !opts.controlGroup)
    throw new InvalidArgumentError(
      'give --experiment ID, or --treatment and --control-group (segment rules as JSON)',
    );
  if ((opts.outcome === undefined) === (opts.outcomeAttribute === undefined))
    throw new InvalidArgumentError(
      'give one of --outcome (a rule) or --outcome-attribute (a numeric attribute)',
    );
  return {
    treatment: { rule: ruleOption('treatment', opts.treatment) },
    control: { rule: ruleOption('control-group', opts.controlGroup) },
    outcome:
      opts.outcome !== undefined
        ? { rule: ruleOption('outcome', opts.outcome) }
        : { attribute: opts.outcomeAttribute! },
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.confidence ? { confidence: opts.confidence } : {}),
  };
}

function confidence(value: string): number {
  const c = Number(value);
  if (!(c > 0.5 && c < 1)) throw new InvalidArgumentError('must be a number between 0.5 and 1, e.g. 0.95');
  return c;
}

/** `analyze lift`. */
export function registerLiftCommand(analyze: Command): void {
  analyze
    .command('lift')
    .description(
      'lift of an imported experiment: each arm against the control, with CIs, p-values, SRM, MDE, power',
    )
    .option('--experiment <id>', 'the experiment (see flywheel import experiment)')
    .option('--metric <name>', 'one metric (default: all)')
    .option('--confidence <level>', 'confidence level of the intervals (default 0.95)', confidence)
    .option('--control <arm>', "compare against this arm instead of the experiment's control")
    .option('--treatment <rule>', 'instead of an experiment: the treated customers, a segment rule as JSON')
    .option('--control-group <rule>', 'the comparison customers, a segment rule as JSON')
    .option('--outcome <rule>', 'binary outcome: customers in this rule (JSON)')
    .option('--outcome-attribute <name>', 'numeric outcome: the mean of this customer attribute, e.g. aum')
    .option('--as-of <date>', 'business day of the segment index (group lift; default today)')
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .addHelpText(
      'after',
      '\nRequired: --experiment <id>, or --treatment, --control-group and --outcome or --outcome-attribute.\n',
    )
    .action(async (opts: Options) => {
      if (opts.experiment && !opts.treatment) {
        const id = opts.experiment;
        return runAnalysis(
          opts.json,
          ({ stores }) =>
            analyseExperiment(stores.operational.db, id, {
              ...(opts.metric ? { metric: opts.metric } : {}),
              ...(opts.confidence ? { confidence: opts.confidence } : {}),
              ...(opts.control ? { control: opts.control } : {}),
            }),
          renderLift,
        );
      }
      let request: GroupLiftRequest;
      try {
        request = groupRequest(opts);
      } catch (error) {
        console.error(`error: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      return runAnalysis(opts.json, ({ segments }) => groupLift(segments, request), renderGroupLift);
    });
}

/** The group comparison as text. */
export function renderGroupLift(a: GroupLiftAnalysis): string[] {
  const level = `${Math.round(a.confidence * 1000) / 10}%`;
  return [
    `lift between customer groups on ${a.asOf}: treatment ${a.groups.treatment}, control ${a.groups.control}` +
      (a.groups.overlap ? ` (${a.groups.overlap} customers in both left out of both)` : ''),
    'groups are not a randomised split: the lift is an association, not an effect',
    ...renderMetric(a.lift, level),
  ];
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const num = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(4));

/** The analysis as text: per metric, the arms, then each comparison with its interval, p-value, MDE and power. */
export function renderLift(a: LiftAnalysis): string[] {
  const level = `${Math.round(a.confidence * 1000) / 10}%`;
  const lines = [
    `experiment ${a.experiment.id}: ${a.experiment.name} — control "${a.control}", ${a.experiment.units} units, data as of ${a.dataChangedAt}`,
  ];
  if (a.srm)
    lines.push(
      `sample ratio: χ² = ${a.srm.chiSquare.toFixed(3)}, df ${a.srm.df}, p = ${a.srm.pValue.toPrecision(3)}` +
        (a.srm.flagged
          ? `  ** SAMPLE-RATIO MISMATCH (p < ${a.srm.threshold}): check the assignment before trusting any lift **`
          : '  (ok)'),
    );
  else lines.push(`sample ratio: not checked (${a.srmReason})`);
  for (const m of a.metrics) lines.push(...renderMetric(m, level));
  return lines;
}

function renderMetric(m: MetricLift, level: string): string[] {
  const binary = m.kind === 'binary';
  const lines = [
    '',
    `${m.metric} (${m.kind}: ${binary ? 'rate, Wald / log-ratio CIs, z test' : 'mean, Welch t'})`,
  ];
  for (const arm of m.arms) {
    const value = arm.mean === null ? `— (${arm.reason})` : binary ? pct(arm.mean) : num(arm.mean);
    const extra = binary
      ? `${arm.conversions ?? 0}/${arm.n}`
      : `n ${arm.n}, sd ${arm.sd === null ? '—' : num(arm.sd)}`;
    lines.push(`  ${arm.control ? '*' : ' '} ${arm.arm.padEnd(24)} ${value.padStart(10)}  (${extra})`);
  }
  for (const c of m.comparisons) lines.push(...renderComparison(c, binary, level));
  return lines;
}

function renderComparison(c: Comparison, binary: boolean, level: string): string[] {
  const fmt = binary ? pct : num;
  const ci = (i: Interval | null, reason: string | null, f: (v: number) => string) =>
    i ? `${f(i.estimate)} [${f(i.lower)}, ${f(i.upper)}]` : `— (${reason})`;
  const p = c.test.pValue === null ? `— (${c.test.reason})` : c.test.pValue.toPrecision(3);
  return [
    `  ${c.arm} vs ${c.control}:`,
    `      absolute ${ci(c.absolute, c.absoluteReason, fmt)}   relative ${ci(c.relative, c.relativeReason, pct)}   (${level} CI)`,
    `      p = ${p}${c.test.significant ? ' (significant)' : ''}   MDE ${c.mde ? fmt(c.mde.absolute) : `— (${c.mdeReason})`}` +
      `   power ${c.power === null ? `— (${c.powerReason})` : pct(c.power)}`,
  ];
}
