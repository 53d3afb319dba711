import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import { AuthService } from '../auth/service.ts';
import { SYSTEM_PRINCIPAL } from '../auth/principal.ts';
import { seedDemoActivity } from '../demo/activities.ts';
import { seedDemoCampaigns } from '../demo/campaigns.ts';
import { seedDemoJourney } from '../demo/journeys.ts';
import { seedDemoMedia } from '../demo/media.ts';
import { seedDemoPoolWork } from '../demo/pool-work.ts';
import { seedDemoRta } from '../demo/rta.ts';
import { seedDemoBank } from '../demo/seed.ts';
import { failInterruptedImports } from '../ingest/recovery.ts';
import { HandoverRunner } from '../pool/handover/runner.ts';
import { ensureWecomChannel } from '../wecom/channel-setup.ts';
import { wecomClientFromConfig } from '../wecom/client.ts';
import type { WecomApi } from '../wecom/port.ts';
import { WecomTransferLoop } from '../wecom/transfer-loop.ts';
import { generateReminders } from '../pool/reminders.ts';
import type { AdjustableClock, Clock } from '../shared/clock.ts';
import { storedClockOffset } from '../store/operational/system-state.ts';
import type { Logger } from '../shared/logger.ts';
import { SegmentService } from '../segments/service.ts';
import { TagService } from '../tags/service.ts';
import { startTagScheduler } from '../tags/schedule.ts';
import { createApp } from './app.ts';
import { catchUpToday, requestTagHistory, resumeTagHistory, runDailyJobs } from './daily.ts';
import type { Stores } from '../store/stores.ts';
import { closeStores, openStores } from './stores.ts';
import { tagSource } from '../tags/segment-source.ts';

/** How long a stop waits for the event store to finish a read it cannot cancel. */
const EVENT_STORE_CLOSE_GRACE_MS = 1_500;

/** A running server and how to stop it. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly stores: Stores;
  /** The segment engine the API serves (a worker in the same process resolves campaign audiences with it). */
  readonly segments: SegmentService;
  /** The WeCom client when connected (a worker in the same process shares its token and rate budgets). */
  readonly wecom?: WecomApi;
  readonly url: string;
  stop(): Promise<void>;
}

/** What starting a service is given. */
export interface ServerDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly print: (line: string) => void;
  /** The test clock behind `clock` when FLYWHEEL_TEST_CLOCK is on; its stored offset is restored at start. */
  readonly testClock?: AdjustableClock;
}

/** The segment engine over open stores. */
export function segmentServiceOn(stores: Stores, clock: Clock, logger: Logger): SegmentService {
  return new SegmentService({
    tags: tagSource,
    db: stores.operational.db,
    events: stores.events,
    clock,
    logger: logger.child({ component: 'segments' }),
  });
}

/** Opens the stores, creates the first admin, seeds the demo bank when due, and serves HTTP. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, clock, logger, print } = deps;
  const started = performance.now();
  const stores = await openStores(config);
  try {
    // A moved test clock stays moved across restarts: what happened at the moved time must stay in the past.
    deps.testClock?.setOffset(await storedClockOffset(stores.operational.db));
    const interrupted = await failInterruptedImports(stores.operational, clock);
    if (interrupted.length > 0)
      logger.warn({ runs: interrupted }, 'imports interrupted by a stopped process were marked failed');
    await ensureFirstAdmin(stores, config, clock, print);
    const seeded = await seedDemoWhenDue(stores, config, clock, logger, print);
    const tags = new TagService({
      db: stores.operational.db,
      events: stores.events,
      sandbox: () => stores.operational.sandbox(),
      clock,
      logger,
    });
    await tags.ensureCatalogue(SYSTEM_PRINCIPAL.actor);
    const segments = segmentServiceOn(stores, clock, logger);
    // One WeCom client for the routes and the transfer loop: it holds the access token and the per-API budgets.
    const wecom = wecomClientFromConfig(config, logger.child({ component: 'wecom' }));
    if (wecom && (await ensureWecomChannel(stores.operational.db, clock, SYSTEM_PRINCIPAL.actor)))
      logger.info('WeCom is connected: the WeCom group-message channel was added for campaigns');
    const app = await createApp({
      config,
      stores,
      clock,
      logger,
      tags,
      segments,
      ...(wecom ? { wecom } : {}),
      ...(deps.testClock ? { testClock: deps.testClock } : {}),
    });
    const address = await app.listen({ port: config.port, host: config.host });
    // Handover jobs a previous process left running (a crash, a kill) continue from their pending items.
    const handovers = new HandoverRunner({ db: stores.operational.db, clock, logger }, config.handover);
    void handovers
      .resumeAll()
      .catch((error: unknown) => logger.error({ err: error }, 'handover: resume failed'));
    // Handovers' WeCom transfers: requested, then read back until final, every FLYWHEEL_WECOM_POLL_SECONDS.
    const transfers = wecom
      ? new WecomTransferLoop(
          {
            db: stores.operational.db,
            api: wecom,
            clock,
            logger: logger.child({ component: 'wecom-transfers' }),
          },
          (config.wecom?.pollSeconds ?? 300) * 1000,
        )
      : undefined;
    transfers?.start();
    // The daily batch (tags, then segments on them, then reminders) runs in the background: the dashboard serves
    // meanwhile. At start it catches up when today has no tag snapshot yet.
    const daily = {
      db: stores.operational.db,
      events: stores.events,
      clock,
      logger,
      tags,
      segments,
      ...(wecom ? { wecom } : {}),
    };
    // Today first, so the dashboard shows tags within seconds; then a freshly seeded demo bank also gets weekly tag
    // snapshots over its history, so lifecycle transitions and trends have a past to show.
    // A stop (SIGTERM) aborts this work between steps, days and chunks; what is left runs at the next start.
    const background = new AbortController();
    if (seeded) await requestTagHistory(stores.operational.db, { days: config.demo.days, stepDays: 7 });
    const computing = catchUpToday(daily, SYSTEM_PRINCIPAL.actor, background.signal).then(() =>
      resumeTagHistory(daily, SYSTEM_PRINCIPAL.actor, background.signal),
    );
    computing.catch((error: unknown) => logger.error({ err: error }, 'background work at start failed'));
    const scheduler =
      config.tags.dailyAt === 'off'
        ? null
        : startTagScheduler({
            clock,
            dailyAt: config.tags.dailyAt,
            logger,
            run: () => runDailyJobs(daily, 'schedule', SYSTEM_PRINCIPAL.actor, undefined, background.signal),
          });
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    logger.info({ url, seconds: Math.round(performance.now() - started) / 1000 }, 'flywheel serving');
    print(`Flywheel is serving the dashboard at ${url} (API docs at ${url}/docs)`);
    return {
      app,
      stores,
      segments,
      ...(wecom ? { wecom } : {}),
      url,
      async stop() {
        const t0 = performance.now();
        const step = (name: string) =>
          logger.debug({ ms: Math.round(performance.now() - t0) }, `stop: ${name}`);
        background.abort();
        scheduler?.stop();
        await Promise.all([handovers.stop(), tags.close(), transfers?.stop()]);
        step('background work stopped');
        await computing.catch(() => undefined);
        // Requests in flight (event ingestion included) finish before the HTTP server closes.
        await app.close();
        step('HTTP closed');
        await stores.operational.close();
        step('operational store closed');
        // A read the event store is still answering for stopped work (chDB cannot cancel a running query) is left
        // behind after a short grace rather than holding the exit past an orchestrator's kill: no write is in flight.
        await Promise.race([stores.events.close(), delay(EVENT_STORE_CLOSE_GRACE_MS)]);
        step('event store closed');
      },
    };
  } catch (error) {
    await closeStores(stores);
    throw error;
  }
}

async function ensureFirstAdmin(stores: Stores, config: Config, clock: Clock, print: (line: string) => void) {
  const auth = new AuthService({
    db: stores.operational.db,
    clock,
    sessionTtlHours: config.sessionTtlHours,
    passwordCost: config.passwordCost,
  });
  if ((await auth.countUsers()) > 0) return;
  const created = await auth.createUser(
    { username: 'admin', role: 'admin', displayName: 'Administrator', mustChangePassword: true },
    SYSTEM_PRINCIPAL.actor,
  );
  if (!created.ok) return; // another process created it first
  print('');
  print('  First start: an administrator account was created.');
  print('    username: admin');
  print(`    password: ${created.value.password}`);
  print(
    '  This password is shown only once. Sign in and change it, or create users with `flywheel user create`.',
  );
  print('');
}

async function seedDemoWhenDue(
  stores: Stores,
  config: Config,
  clock: Clock,
  logger: Logger,
  print: (line: string) => void,
): Promise<boolean> {
  const embedded = stores.operational.kind === 'pglite';
  const due = config.demo.when === 'always' || (config.demo.when === 'auto' && embedded);
  if (!due || config.demo.customers === 0) return false;
  const existing = await stores.operational.db
    .selectFrom('customers')
    .select('id')
    .limit(1)
    .executeTakeFirst();
  if (existing) return false;
  print(
    `Seeding the demo bank: ${config.demo.customers} customers, ${config.demo.days} days (seed "${config.demo.seed}")…`,
  );
  const result = await seedDemoBank(
    { store: stores.operational, events: stores.events, logger },
    {
      customers: config.demo.customers,
      days: config.demo.days,
      seed: config.demo.seed,
      asOf: clock.today(),
    },
  );
  if (!result.ok) {
    logger.warn({ error: result.error }, 'demo bank not seeded');
    return false;
  }
  print('Demo bank seeded.');
  // The managers' workbench starts with the service reminders the demo data calls for (maturities, renewals, …).
  const asOf = clock.today();
  const deps = { db: stores.operational.db, events: stores.events, clock };
  await generateReminders(deps, SYSTEM_PRINCIPAL.actor, { asOf });
  // The managers' last month (contacts, follow-ups), so the workbench, coverage and timelines are not empty.
  try {
    const work = await seedDemoPoolWork(deps, { asOf, seed: config.demo.seed, timeZone: config.timeZone });
    print(`Demo contacts logged: ${work.contacts} (${work.tasks} follow-up tasks, ${work.tasksDone} done).`);
  } catch (error) {
    logger.warn({ err: error }, 'demo contacts not seeded');
  }
  // A few finished campaigns with their answers, so that the Campaigns pages have results on first start.
  try {
    const campaigns = await seedDemoCampaigns({ ...deps, timeZone: config.timeZone, logger }, asOf);
    print(`Demo campaigns sent: ${campaigns.campaigns} (${campaigns.messages} messages).`);
  } catch (error) {
    logger.warn({ err: error }, 'demo campaigns not seeded');
  }
  // A live journey (deposit maturity T−7) whose customers the worker moves from the first tick, and OGSM plans.
  try {
    const journey = await seedDemoJourney({ db: stores.operational.db, clock });
    if (journey) print(`Demo journey live: deposit maturity T−7 (journey ${journey.journeyId}).`);
  } catch (error) {
    logger.warn({ err: error }, 'demo journey not seeded');
  }
  // A finished wealth salon (invitations, answers, attendance, leads, follow-ups) and its reviewed OGSM plan.
  try {
    const { secret, publicUrl } = config.links;
    const activity = await seedDemoActivity({
      ...deps,
      seed: config.demo.seed,
      ...(secret ? { links: { secret, publicUrl } } : {}),
    });
    if (activity)
      print(
        `Demo activity finished: ${activity.name} (activity ${activity.activityId}: ${activity.invited} invited, ${activity.attended} attended, ${activity.leads} leads).`,
      );
  } catch (error) {
    logger.warn({ err: error }, 'demo activity not seeded');
  }
  // The RTA side: the look-alike score and three strategies (new prospects, dormant gold, look-alikes).
  try {
    const rta = await seedDemoRta({
      db: stores.operational.db,
      clock,
      segments: segmentServiceOn(stores, clock, logger),
    });
    if (rta)
      print(
        `Demo RTA strategies: ${rta.strategies} (look-alike score for ${rta.scored} device-linked customers).`,
      );
  } catch (error) {
    logger.warn({ err: error }, 'demo RTA strategies not seeded');
  }
  // Spend and brand reports of four media, acquisition touches, and the attribution, so the Media page is alive.
  try {
    const media = await seedDemoMedia(
      { store: stores.operational, events: stores.events, clock },
      { seed: config.demo.seed, days: config.demo.days },
    );
    if (media)
      print(
        `Demo media: ${media.spendRows} spend rows over 4 media, ${media.attribution.attributed} new customers attributed.`,
      );
  } catch (error) {
    logger.warn({ err: error }, 'demo media not seeded');
  }
  return true;
}
