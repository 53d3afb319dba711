import { InvalidArgumentError, type Command } from 'commander';
import { runChurn, type ChurnResult } from '../../analytics/retention/churn.ts';
import {
  churnDefinitionSchema,
  retentionDefinitionSchema,
  type ChurnDefinition,
  type RetentionDefinition,
} from '../../analytics/retention/definition.ts';
import {
  runRetention,
  type RetentionResult,
  type RetentionTable,
} from '../../analytics/retention/retention.ts';
import {
  badArguments,
  baseDefinition,
  checked,
  requiredHelp,
  runBehaviour,
  type CommonOptions,
} from './analyze-funnel.ts';
import { withPopulation } from './population-option.ts';

// `flywheel analyze retention --start … --return … --period week --periods 12 --from D --to D [--json]` and
// `flywheel analyze churn --activity transaction --days 30 --period month --from D --to D [--json]`, or the definition
// as POST /v1/analytics/retention or /churn takes it with `--definition file.json`. Exit codes as `analyze funnel`.

/** `any`, `event:NAME` or (start only) `first_purchase`. */
function eventSpec(flag: string, text: string, allowPurchase: boolean): unknown {
  if (text === 'any') return { kind: 'any_event' };
  if (text === 'first_purchase' && allowPurchase) return { kind: 'first_purchase' };
  if (text.startsWith('event:') && text.length > 6) return { kind: 'event', event: text.slice(6) };
  throw new InvalidArgumentError(
    `${flag} must be any, event:NAME${allowPurchase ? ' or first_purchase' : ''}`,
  );
}

interface RetentionOptions extends CommonOptions {
  start?: string;
  return?: string;
  period?: string;
  periods?: string;
}

interface ChurnOptions extends CommonOptions {
  activity?: string;
  days?: string;
  period?: string;
}

const common = (c: Command) =>
  withPopulation(c)
    .option('--breakdown <kind:value>', 'tag:KEY, attribute:NAME or segment:ID[,ID…]')
    .option('--as-of <date>', 'business day of the segment index (default today)')
    .option('--json', 'print the result as JSON (as the API answers it)');

/** `analyze retention` and `analyze churn`. */
export function registerRetentionCommands(analyze: Command): void {
  common(
    analyze
      .command('retention')
      .description(
        'cohort retention table: cohorts by first start occurrence, retained share per period offset',
      )
      .option('--start <spec>', 'any, event:NAME or first_purchase (default any)')
      .option('--return <spec>', 'any or event:NAME (default any)')
      .option('--period <p>', 'day, week or month (default week)')
      .option('--periods <n>', 'period offsets shown (default 12)')
      .option('--from <date>', 'first day of the cohorts')
      .option('--to <date>', 'last day of the cohorts, inclusive')
      .option('--definition <file>', 'the definition as JSON, as POST /v1/analytics/retention takes it')
      .addHelpText('after', requiredHelp('--from and --to')),
  ).action(async (opts: RetentionOptions) => {
    let def: RetentionDefinition;
    try {
      const raw = baseDefinition(opts, false);
      if (opts.start || !raw['start']) raw['start'] = eventSpec('--start', opts.start ?? 'any', true);
      if (opts.return || !raw['return']) raw['return'] = eventSpec('--return', opts.return ?? 'any', false);
      if (opts.period || !raw['period']) raw['period'] = opts.period ?? 'week';
      if (opts.periods || !raw['periods']) raw['periods'] = Number(opts.periods ?? 12);
      def = checked(retentionDefinitionSchema, raw, {
        start: '--start <spec>',
        return: '--return <spec>',
        period: '--period <p>',
        periods: '--periods <n>',
      });
    } catch (error) {
      return badArguments(error);
    }
    await runBehaviour(opts.json, (deps) => runRetention(deps, def), renderRetention);
  });

  common(
    analyze
      .command('churn')
      .description(
        'churn-rate trend: churned = no activity in D days; per period, the share of active customers who churn',
      )
      .option('--activity <spec>', 'transaction, event or event:NAME (default transaction)')
      .option('--days <n>', 'churned after this many days without activity (default 30)')
      .option('--period <p>', 'day, week or month (default month)')
      .option('--from <date>', 'first period: the one containing this day')
      .option('--to <date>', 'last period: the one containing this day')
      .option('--definition <file>', 'the definition as JSON, as POST /v1/analytics/churn takes it')
      .addHelpText('after', requiredHelp('--from and --to')),
  ).action(async (opts: ChurnOptions) => {
    let def: ChurnDefinition;
    try {
      const raw = baseDefinition(opts, false);
      const activity = opts.activity ?? (raw['activity'] ? undefined : 'transaction');
      if (activity === 'transaction') raw['activity'] = { kind: 'transaction' };
      else if (activity === 'event') raw['activity'] = { kind: 'event' };
      else if (activity?.startsWith('event:')) raw['activity'] = { kind: 'event', event: activity.slice(6) };
      else if (activity !== undefined)
        throw new InvalidArgumentError('--activity must be transaction, event or event:NAME');
      if (opts.days || !raw['days']) raw['days'] = Number(opts.days ?? 30);
      if (opts.period || !raw['period']) raw['period'] = opts.period ?? 'month';
      def = checked(churnDefinitionSchema, raw, {
        activity: '--activity <spec>',
        days: '--days <n>',
        period: '--period <p>',
      });
    } catch (error) {
      return badArguments(error);
    }
    await runBehaviour(opts.json, (deps) => runChurn(deps, def), renderChurn);
  });
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

/** What a breakdown group is named after: the tag key, the attribute, or "segment". */
function groupedBy(b: RetentionDefinition['breakdown']): string {
  return !b ? '' : b.by === 'tag' ? b.tag : b.by === 'attribute' ? b.attribute : 'segment';
}

function table(title: string, t: RetentionTable, periods: number): string[] {
  const offsets = Array.from({ length: periods }, (_, k) => `+${k}`);
  return [
    title,
    ['cohort', 'size', ...offsets].join('\t'),
    ...t.cohorts.map((c) => [c.cohort, c.size, ...c.rates.map(pct)].join('\t')),
    ['average', '', ...t.average.map(pct)].join('\t'),
  ];
}

/** The retention table as text: rates per cohort and offset ('–' for periods not started). */
export function renderRetention(r: RetentionResult): string[] {
  const lines = [
    `cohorts from ${r.window.from} to ${r.window.to} by ${r.definition.period} (days in ${r.timeZone}); observed until ${r.window.observedUntil ?? 'never'}`,
    '',
    ...table('all customers', r.overall, r.definition.periods),
  ];
  for (const g of r.breakdown?.groups ?? [])
    lines.push('', ...table(`${groupedBy(r.definition.breakdown)} = ${g.key}`, g, r.definition.periods));
  return lines;
}

/** The churn trend as text, one line per period. */
export function renderChurn(c: ChurnResult): string[] {
  const rows = (trend: ChurnResult['trend']) => [
    'period\tend\tat risk\tchurned\tchurn rate',
    ...trend.map(
      (p) =>
        `${p.period}\t${p.periodEnd}\t${p.atRisk}\t${p.churned ?? '–'}\t${pct(p.churnRate)}${p.complete ? '' : ' (incomplete)'}`,
    ),
  ];
  const lines = [
    `churned = no ${c.definition.activity.kind} in ${c.definition.days} days (days in ${c.timeZone}); observed until ${c.window.observedUntil ?? 'never'}`,
    '',
    ...rows(c.trend),
  ];
  for (const g of c.breakdown?.groups ?? [])
    lines.push('', `${groupedBy(c.definition.breakdown)} = ${g.key}`, ...rows(g.trend));
  return lines;
}
