import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Comparison } from '../../analytics/experiments/lift.ts';
import type { Permission } from '../../auth/principal.ts';
import { segmentAudience } from '../../campaigns/audience.ts';
import { campaignResults } from '../../campaigns/results/service.ts';
import { campaignRuns } from '../../campaigns/progress.ts';
import type { CampaignResults } from '../../campaigns/results/model.ts';
import { startRunNow } from '../../campaigns/run-now.ts';
import {
  createCampaign,
  listCampaigns,
  previewCampaign,
  reviewCampaign,
  type CampaignDeps,
} from '../../campaigns/service.ts';
import { reviewStep, type ReviewStep } from '../../campaigns/review.ts';
import { SegmentService } from '../../segments/service.ts';
import type { Clock } from '../../shared/clock.ts';
import { ok } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Database } from '../../store/operational/database.ts';
import type { Stores } from '../../store/stores.ts';
import { tagSource } from '../../tags/segment-source.ts';
import { configOrExit, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';

// `flywheel campaigns …`: list, create from a JSON draft, preview the waterfall, submit, approve or reject (as a named
// user: maker-checker needs a checker who is not the author), run now (queue and prepare; the worker sends), status
// and results. Every command takes --json. Exit codes: 0 done, 1 refused (located problems on stderr), 2 bad arguments.

/** What a campaign command acts on. */
export interface CampaignCliContext {
  readonly stores: Stores;
  readonly clock: Clock;
  readonly deps: CampaignDeps;
}

/** Runs a command's action on the stores and sets the exit code it returns; tests pass their own. */
export type CampaignCliRunner = (action: (c: CampaignCliContext) => Promise<number>) => Promise<void>;

const openRunner: CampaignCliRunner = (action) => {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, (stores, clock) => {
    const segments = new SegmentService({
      tags: tagSource,
      db: stores.operational.db,
      events: stores.events,
      clock,
      logger,
    });
    const deps = { db: stores.operational.db, clock, audience: segmentAudience(segments) };
    return action({ stores, clock, deps });
  });
};

/** The body of a campaign's version (latest unless given). */
async function versionBody(db: Kysely<Database>, id: number, version: number | undefined) {
  let q = db.selectFrom('campaign_versions').select(['version', 'body']).where('campaign_id', '=', id);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  return q.executeTakeFirst();
}

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '–');

/** `campaigns list | create | preview | submit | approve | reject | run | status | results`. */
export function registerCampaignCommands(program: Command, run: CampaignCliRunner = openRunner): void {
  const campaigns = program.command('campaigns').description('campaigns: create, review, run and measure');

  campaigns
    .command('list')
    .description('campaigns, newest first')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async ({ deps }) => {
        const items = await listCampaigns(deps.db);
        if (opts.json) console.log(JSON.stringify(items, null, 2));
        else if (items.length === 0) console.log('no campaigns');
        else
          for (const c of items)
            console.log(
              `${c.id}\t${c.status}\tv${c.latestVersion}${c.approvedVersion ? ` (approved v${c.approvedVersion})` : ''}\t${c.purpose}\t${c.name}`,
            );
        return 0;
      }),
    );

  campaigns
    .command('create')
    .description(
      'create a campaign from a JSON draft (population, content, channels, schedule, control group)',
    )
    .requiredOption('--file <draft.json>', 'the draft (src/campaigns/model.ts)')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((opts: { file: string; as?: string; json?: boolean }) =>
      run(async ({ deps }) => {
        let draft: unknown;
        try {
          draft = JSON.parse(await readFile(opts.file, 'utf8'));
        } catch (error) {
          console.error(`error: ${opts.file}: ${(error as Error).message}`);
          return 1;
        }
        const who = await actor(deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        return print(
          await createCampaign(deps, who.value, draft),
          opts.json,
          (c) => `created campaign ${c.id} (v1, draft)`,
        );
      }),
    );

  campaigns
    .command('preview')
    .description("what a run started now would send: the waterfall of the campaign's version")
    .argument('<id>', 'campaign id', positiveInt)
    .option('--version <n>', 'this version (default the latest)', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { version?: number; json?: boolean }) =>
      run(async ({ deps }) => {
        const version = await versionBody(deps.db, id, opts.version);
        if (!version)
          return refused({
            code: 'not_found',
            message: `no campaign ${id}${opts.version ? ` v${opts.version}` : ''}`,
          });
        return print(await previewCampaign(deps, version.body, id), opts.json, (w) =>
          [
            `audience ${w.audience} (as of ${w.asOf})`,
            ...Object.entries(w.excluded)
              .filter(([, n]) => n > 0)
              .map(([reason, n]) => `  − ${reason} ${n}`),
            `to send ${w.toSend}${w.deferred ? ` (${w.deferred} deferred until ${w.deferredUntil})` : ''}`,
            ...Object.entries(w.byChannel).map(([channel, n]) => `  ${channel} ${n}`),
          ].join('\n'),
        );
      }),
    );

  const review = (step: ReviewStep['action'], permission: Permission, required: boolean) =>
    campaigns
      .command(step)
      .description(
        step === 'submit'
          ? 'submit a draft version for approval'
          : `${step} a submitted version (maker-checker: not by its author)`,
      )
      .argument('<id>', 'campaign id', positiveInt)
      .option('--version <n>', 'this version (default the latest)', positiveInt)
      .option('--as <username>', `act as this user (${permission})${required ? ', required' : ''}`)
      .option('--note <text>', 'the decision note (approve, reject)')
      .option('--json', 'print JSON')
      .action((id: number, opts: { version?: number; as?: string; note?: string; json?: boolean }) =>
        run(async ({ deps }) => {
          const who = await actor(deps.db, opts.as, permission, required);
          if (!who.ok) return refused(who.error);
          const version = opts.version ?? (await versionBody(deps.db, id, undefined))?.version;
          if (version === undefined) return refused({ code: 'not_found', message: `no campaign ${id}` });
          const action = reviewStep(step, opts.note || undefined);
          return print(
            await reviewCampaign(deps, who.value, id, version, action),
            opts.json,
            (c) =>
              `campaign ${c.id} v${version}: ${step === 'submit' ? 'submitted' : `${step}d`}; campaign ${c.status}`,
          );
        }),
      );
  review('submit', 'campaigns.write', false);
  review('approve', 'campaigns.approve', true);
  review('reject', 'campaigns.approve', true);

  campaigns
    .command('run')
    .description('start a run now: queue and prepare it (the worker sends it)')
    .argument('<id>', 'campaign id', positiveInt)
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: { as?: string; json?: boolean }) =>
      run(async ({ deps }) => {
        const who = await actor(deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        const started = await startRunNow(deps, who.value, id);
        if (started.ok && started.value.status === 'failed')
          return refused({
            code: 'conflict',
            message: `run ${started.value.id} failed to prepare: ${started.value.error}`,
          });
        return print(
          started,
          opts.json,
          (r) => `run ${r.id} ${r.status}: ${r.waterfall?.toSend ?? 0} to send`,
        );
      }),
    );

  campaigns
    .command('status')
    .description("a campaign's runs and their deliveries by status")
    .argument('<id>', 'campaign id', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { json?: boolean }) =>
      run(async ({ deps }) => {
        const [campaign] = (await listCampaigns(deps.db)).filter((c) => c.id === id);
        if (!campaign) return refused({ code: 'not_found', message: `no campaign ${id}` });
        const runs = await campaignRuns(deps.db, id);
        return print(ok({ campaign, runs }), opts.json, () =>
          [
            `campaign ${id} ${campaign.status}: ${campaign.name}`,
            ...(runs.length === 0 ? ['  no runs'] : []),
            ...runs.map((r) => {
              const toSend = r.waterfall?.toSend ?? 0;
              const done = (r.deliveries.sent ?? 0) + (r.deliveries.delivered ?? 0);
              const counts = Object.entries(r.deliveries)
                .map(([s, n]) => `${s} ${n}`)
                .join(', ');
              return `  run ${r.id} v${r.version} ${r.status}: ${done}/${toSend} sent (${pct(done, toSend)})${counts ? `; ${counts}` : ''}${r.error ? `; ${r.error}` : ''}`;
            }),
          ].join('\n'),
        );
      }),
    );

  campaigns
    .command('results')
    .description("a run's funnel, lift over the control group and cost (the latest run unless --run)")
    .argument('<id>', 'campaign id', positiveInt)
    .option('--run <n>', 'this run', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: { run?: number; json?: boolean }) =>
      run(async ({ stores, clock }) => {
        const results = await campaignResults(
          { db: stores.operational.db, events: stores.events, clock },
          id,
          opts.run === undefined ? {} : { runId: opts.run },
        );
        return print(results, opts.json, (r) =>
          [
            `${r.campaignName}: run ${r.run.id} (${r.run.status})`,
            ...r.funnel.map((s) => `  ${s.stage.padEnd(10)} ${s.customers}`),
            liftLine(r),
            ...(r.cost ? [`  cost ${r.cost.total} CNY, per conversion ${r.cost.perConversion ?? '–'}`] : []),
            `  events through ${r.freshness.eventsThrough ?? 'none'}, computed ${r.freshness.computedAt}`,
          ].join('\n'),
        );
      }),
    );
}

const pp = (x: number) => `${(x * 100).toFixed(2)} pp`;

/** A lift as text: the difference of conversion rates, its interval and p-value; or why there is none. */
export function liftText(lift: Comparison | null, reason: string | null): string {
  const a = lift?.absolute;
  if (!lift || !a) return reason ?? lift?.absoluteReason ?? 'not available';
  const p = lift.test.pValue;
  return `${a.estimate >= 0 ? '+' : ''}${pp(a.estimate)} (95% interval ${pp(a.lower)} to ${pp(a.upper)}${p === null ? '' : `, p = ${p.toPrecision(2)}`})`;
}

/** The lift in one line, with the size of the control group. */
function liftLine(r: CampaignResults): string {
  const text = liftText(r.lift, r.liftReason);
  return r.lift?.absolute
    ? `  lift ${text} over ${r.totals.control} in the control group`
    : `  lift: ${text}`;
}
