import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkIn, type InviteeLinks } from '../../activities/attend.ts';
import { importAttendance } from '../../activities/attendance.ts';
import { generateFollowUps } from '../../activities/follow-up.ts';
import { inviteToActivity, type InviteDeps } from '../../activities/invite.ts';
import { getActivity, inviteePage, listActivities } from '../../activities/read.ts';
import { captureLead } from '../../activities/leads.ts';
import { activityResults, type GroupRate } from '../../activities/results.ts';
import { createActivity, finishActivity, updateActivity } from '../../activities/service.ts';
import { segmentAudience } from '../../campaigns/audience.ts';
import { SegmentService } from '../../segments/service.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { EventStore } from '../../store/events/store.ts';
import { tagSource } from '../../tags/segment-source.ts';
import { configOrExit, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';
import { jsonFile, table } from './journeys.ts';

// `flywheel activities …`: list, show, invitees, create or update from a JSON body, invite (a JSON invitation), check
// in by a scanned code, capture a lead, import an attendance sheet (CSV), finish, follow-ups by rule and results. Every command takes --json; human output is compact. Exit
// codes: 0 done, 1 refused, 2 bad arguments. Changes act as `--as <username>` (campaigns.write) or the operator.

/** What a command runs with. */
export interface ActivityCliContext {
  readonly deps: InviteDeps;
  readonly events: EventStore;
  /** Invitee links' signing (check-in codes are verified with it). */
  readonly links: InviteeLinks;
}

/** Runs a command's action with its context and sets the exit code; the tests pass their own store. */
export type ActivityCliRunner = (action: (c: ActivityCliContext) => Promise<number>) => Promise<void>;

/** The runner of `flywheel`: the configured stores, the bank's clock, the segment service for populations. */
const openRunner: ActivityCliRunner = (action) => {
  const config = configOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  return withStores(config, (stores, clock) => {
    const db = stores.operational.db;
    const segments = new SegmentService({ tags: tagSource, db, events: stores.events, clock, logger });
    return action({
      deps: { db, clock, audience: segmentAudience(segments) },
      events: stores.events,
      links: config.links,
    });
  });
};

async function textFile(path: string): Promise<Result<string>> {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (error) {
    return err({ code: 'bad_request', message: `${path}: ${(error as Error).message}` });
  }
}

const pct = (g: GroupRate) => (g.rate === null ? '–' : `${(100 * g.rate).toFixed(1)}%`);

type Opts = { as?: string; json?: boolean };

/**
 * `activities list | show | invitees | create | update | invite | check-in | lead | import-attendance | finish |
 * follow-ups | results`.
 */
export function registerActivityCommands(program: Command, run: ActivityCliRunner = openRunner): void {
  const activities = program
    .command('activities')
    .description('offline activities: create, invite, attendance sheets, finish, follow-ups, results');

  /** A change read from a JSON file and done as the acting user. */
  const change = <T>(
    opts: Opts,
    file: string | undefined,
    act: (c: ActivityCliContext, who: string, body: unknown) => Promise<Result<T>>,
    text: (value: T) => string,
  ) =>
    run(async (c) => {
      const body = file === undefined ? ok<unknown>({}) : await jsonFile(file);
      if (!body.ok) return refused(body.error);
      const who = await actor(c.deps.db, opts.as, 'campaigns.write');
      if (!who.ok) return refused(who.error);
      return print(await act(c, who.value, body.value), opts.json, text);
    });

  activities
    .command('list')
    .description('activities, most recent start first')
    .option('--json', 'print JSON')
    .action((opts: Opts) =>
      run(async ({ deps }) =>
        print(ok(await listActivities(deps.db)), opts.json, (list) =>
          list.length === 0
            ? 'no activities'
            : table(
                ['id', 'status', 'starts', 'invited', 'registered', 'checked in', 'name'],
                list.map((a) => [a.id, a.status, a.startsAt, a.invited, a.registered, a.checkedIn, a.name]),
              ),
        ),
      ),
    );

  activities
    .command('show')
    .description("an activity with its partner's members (names masked)")
    .argument('<id>', 'activity id', positiveInt)
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts) =>
      run(async ({ deps }) => {
        const a = await getActivity(deps.db, id);
        if (!a) return refused({ code: 'not_found', message: `no activity ${id}` });
        return print(ok(a), opts.json, (v) =>
          [
            `activity ${v.id} ${v.status}: ${v.name}`,
            `  ${v.startsAt} – ${v.endsAt}${v.venue ? ` at ${v.venue}` : ''}, capacity ${v.capacity}`,
            `  scene ${v.scene.mode}/${v.scene.frequency}/${v.scene.aim}, products ${v.products.map((p) => `${p.productId} (${p.role})`).join(', ') || '–'}`,
          ].join('\n'),
        );
      }),
    );

  activities
    .command('create')
    .description('create an activity (a draft) from a JSON body (src/activities/model.ts)')
    .requiredOption('--file <body.json>', 'the body')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((opts: Opts & { file: string }) =>
      change(
        opts,
        opts.file,
        (c, who, body) => createActivity(c.deps, who, body),
        (v) => `created activity ${v.id} (draft)`,
      ),
    );

  activities
    .command('update')
    .description(
      'replace an activity\'s body (not once finished; saved partner members as { "memberNo": n })',
    )
    .argument('<id>', 'activity id', positiveInt)
    .requiredOption('--file <body.json>', 'the body')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts & { file: string }) =>
      change(
        opts,
        opts.file,
        (c, who, body) => updateActivity(c.deps, who, id, body),
        () => `activity ${id} saved`,
      ),
    );

  activities
    .command('invitees')
    .description('who is on the activity, in customer order (names and phones masked)')
    .argument('<id>', 'activity id', positiveInt)
    .option('--limit <n>', 'rows', positiveInt, 100)
    .option('--offset <n>', 'rows skipped', (v) => Number(v), 0)
    .option('--json', 'print JSON')
    .action((id: number, opts: { limit: number; offset: number; json?: boolean }) =>
      run(async ({ deps }) =>
        print(ok(await inviteePage(deps.db, id, opts)), opts.json, (p) =>
          table(
            ['customer', 'source', 'rsvp', 'checked in', 'control'],
            p.items.map((i) => [
              i.customerNo,
              i.source,
              i.rsvp,
              i.checkedInAt ?? '–',
              i.control ? 'yes' : '',
            ]),
          ),
        ),
      ),
    );

  activities
    .command('check-in')
    .description("check an invitee in by their scanned code (the URL or token), within the activity's window")
    .argument('<id>', 'activity id', positiveInt)
    .argument('<code>', 'the scanned check-in URL or token')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, code: string, opts: Opts) =>
      change(
        opts,
        undefined,
        (c, who) => checkIn(c.deps, c.links, who, id, code),
        (r) => `${r.customerNo} ${r.recorded ? 'checked in' : 'was already checked in'} at ${r.checkedInAt}`,
      ),
    );

  activities
    .command('lead')
    .description('a lead captured on site (JSON: name, phone, capturedBy, interest?, consent?)')
    .argument('<id>', 'activity id', positiveInt)
    .requiredOption('--file <lead.json>', 'the lead')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts & { file: string }) =>
      change(
        opts,
        opts.file,
        (c, who, body) => captureLead(c.deps, who, id, body),
        (r) =>
          r.created
            ? `new prospect ${r.customerNo} (owner ${r.owner ?? 'none'})`
            : `known customer ${r.customerNo} recorded as a lead`,
      ),
    );

  activities
    .command('invite')
    .description('invite a population (a JSON invitation: population, content, channels, controlPercent)')
    .argument('<id>', 'activity id', positiveInt)
    .requiredOption('--file <invitation.json>', 'the invitation')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts & { file: string }) =>
      change(
        opts,
        opts.file,
        (c, who, body) => inviteToActivity(c.deps, who, id, body),
        (r) =>
          `invited ${r.invitees} (control ${r.control}): ${r.queued} queued, ${r.suppressed} stopped by the ` +
          `contact policy, ${r.alreadyInvited} already on the activity (campaign ${r.campaignId})`,
      ),
    );

  activities
    .command('import-attendance')
    .description('import an attendance sheet (CSV: customer_no or phone, checked_in_at): all rows or none')
    .argument('<id>', 'activity id', positiveInt)
    .argument('<csv>', 'the sheet')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, csv: string, opts: Opts) =>
      run(async (c) => {
        const sheet = await textFile(csv);
        if (!sheet.ok) return refused(sheet.error);
        const who = await actor(c.deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        return print(
          await importAttendance(c.deps, who.value, id, sheet.value),
          opts.json,
          (r) => `${r.rows} rows: ${r.checkedIn} checked in, ${r.walkIns} walk-ins`,
        );
      }),
    );

  activities
    .command('finish')
    .description('finish an activity')
    .argument('<id>', 'activity id', positiveInt)
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts) =>
      change(
        opts,
        undefined,
        (c, who) => finishActivity(c.deps, who, id),
        () => `activity ${id} finished`,
      ),
    );

  activities
    .command('follow-ups')
    .description('follow-up tasks of a finished activity (default rule: attendees and leads, due in 3 days)')
    .argument('<id>', 'activity id', positiveInt)
    .option('--file <rule.json>', 'the rule (who, dueDays, title)')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((id: number, opts: Opts & { file?: string }) =>
      change(
        opts,
        opts.file,
        (c, who, rule) => generateFollowUps(c.deps, who, id, rule),
        (r) =>
          `${r.created} tasks created of ${r.eligible} eligible (${r.already} earlier, ${r.noOwner} without an owner)`,
      ),
    );

  activities
    .command('results')
    .description('counts and conversion by group; invited vs control')
    .argument('<id>', 'activity id', positiveInt)
    .option('--event <event>', 'the conversion event', 'purchase')
    .option('--window-days <n>', 'days after the end', positiveInt, 30)
    .option('--json', 'print JSON')
    .action((id: number, opts: { event: string; windowDays: number; json?: boolean }) =>
      run(async ({ deps, events }) =>
        print(
          await activityResults({ db: deps.db, events }, id, {
            event: opts.event,
            windowDays: opts.windowDays,
          }),
          opts.json,
          (r) => {
            const lift = r.invitedVsControl?.absolute;
            return [
              `activity ${r.activityId}: ${r.event} from ${r.window.from} to ${r.window.to}`,
              Object.entries(r.counts)
                .map(([k, n]) => `${k} ${n}`)
                .join(', '),
              table(
                ['group', 'customers', 'converted', 'rate'],
                Object.entries(r.groups).map(([g, v]) => [g, v.customers, v.converted, pct(v)]),
              ),
              `invited vs control: ${lift ? `${(100 * lift.estimate).toFixed(1)} pp [${(100 * lift.lower).toFixed(1)}, ${(100 * lift.upper).toFixed(1)}]` : '–'}`,
            ].join('\n');
          },
        ),
      ),
    );
}
