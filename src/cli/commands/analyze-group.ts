import { type Command } from 'commander';
import { analyseGroup, type GroupAnalysis } from '../../analytics/group.ts';
import type { Population } from '../../contracts/population.ts';
import { dayOption, positiveInt } from '../main.ts';
import { runAnalysis } from './analyze.ts';
import { badArguments } from './analyze-funnel.ts';
import { populationOption, withPopulation, type PopulationOptions } from './population-option.ts';

// `flywheel analyze group (--segment ID | --rule JSON) [--as-of D] [--min-support N] [--json]`: the customer-group
// analysis (scale, growth, reach, stickiness, concentration and the label portrait), as POST /v1/segments/analysis
// answers it; `flywheel analyze portrait …` prints only the portrait: each tag value's share in the group, in the
// whole bank, and their ratio (TGI, 100 = as common as in the bank).

interface GroupOptions extends PopulationOptions {
  asOf?: string;
  minSupport?: number;
  top?: number;
  json?: boolean;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const amount = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** The group's figures as text (the portrait limited to `top` rows). */
export function renderGroup(a: GroupAnalysis, top: number): string[] {
  const g = a.growth;
  return [
    `group on ${a.asOf}: ${amount(a.members)} customers (${pct(a.shareOfCustomers)} of the bank), ` +
      `AUM ${amount(a.aum)} CNY (${pct(a.shareOfAum)})`,
    g.entered === null
      ? 'growth: no earlier snapshot of this group'
      : `growth since the previous snapshot: +${amount(g.entered)} entered, -${amount(g.left ?? 0)} left`,
    `reach: WeCom friends ${amount(a.reach.wecomFriend)}, SMS consent ${amount(a.reach.smsConsent)}, ` +
      `app push ${amount(a.reach.appPush)}, with an account manager ${amount(a.reach.withManager)}`,
    `stickiness: active in the last 30 days ${pct(a.stickiness.active30dRate)}, ` +
      `90-day retention ${pct(a.stickiness.retention90dRate)}, average tenure ` +
      `${a.stickiness.avgTenureYears === null ? '–' : `${a.stickiness.avgTenureYears.toFixed(1)} years`}`,
    `concentration: Gini ${a.concentration.gini.toFixed(3)}`,
    '',
    ...renderPortrait(a, top),
  ];
}

/** The portrait (TGI) table: the tag values that set the group apart most, first. */
export function renderPortrait(a: GroupAnalysis, top: number): string[] {
  if (a.portrait.length === 0) return ['portrait: no tag value reaches the minimum support'];
  return [
    'tag\tvalue\tshare in group\tshare in bank\tTGI',
    ...a.portrait
      .slice(0, top)
      .map(
        (p) => `${p.name.en}\t${p.label.en}\t${pct(p.groupShare)}\t${pct(p.baseShare)}\t${p.tgi.toFixed(0)}`,
      ),
  ];
}

function register(analyze: Command, name: string, description: string, portraitOnly: boolean): void {
  withPopulation(analyze.command(name))
    .description(description)
    .option('--as-of <date>', 'business day of the segment index (default today)', dayOption)
    .option('--min-support <n>', 'members a tag value needs to enter the portrait', positiveInt)
    .option('--top <n>', 'portrait rows printed (default 20)', positiveInt)
    .option('--json', 'print the analysis as JSON (as the API answers it)')
    .addHelpText('after', '\nRequired: --segment <id> or --rule <json> (the group).\n')
    .action(async (opts: GroupOptions) => {
      let population: Population | undefined;
      try {
        population = populationOption(opts);
        if (!population) throw new Error('give the group: --segment <id> or --rule <json>');
      } catch (error) {
        return badArguments(error);
      }
      const group = population;
      await runAnalysis(
        opts.json,
        async ({ stores, segments }) => {
          const members = await segments.populationMembers(group, opts.asOf);
          if (!members.ok) return members;
          const analysis = await analyseGroup(
            stores.operational.db,
            members.value.entry,
            members.value.bitmap,
            {
              ...('segmentId' in group ? { segmentId: group.segmentId } : {}),
              ...(opts.minSupport ? { minSupport: opts.minSupport } : {}),
            },
          );
          return {
            ok: true,
            value: portraitOnly ? { asOf: analysis.asOf, portrait: analysis.portrait } : analysis,
          };
        },
        (value) =>
          portraitOnly
            ? renderPortrait(value as GroupAnalysis, opts.top ?? 20)
            : renderGroup(value as GroupAnalysis, opts.top ?? 20),
      );
    });
}

/** `analyze group` and `analyze portrait`. */
export function registerGroupCommands(analyze: Command): void {
  register(
    analyze,
    'group',
    'customer-group analysis: scale, growth, reach, stickiness, concentration and the label portrait (TGI)',
    false,
  );
  register(
    analyze,
    'portrait',
    "label portrait (TGI) of a group: each tag value's share in the group against the whole bank",
    true,
  );
}
