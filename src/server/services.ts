import { err, ok, type Result } from '../shared/errors.ts';
import { wecomClientFromConfig } from '../wecom/client.ts';
import { segmentServiceOn, startServer, type ServerDeps } from './start.ts';
import { closeStores, openStores } from './stores.ts';
import { storedClockOffset } from '../store/operational/system-state.ts';
import { startWorkerService, type WorkerService } from './worker.ts';
import { startRta, type RunningRta } from './rta.ts';
import { startDemoAdPlatform } from '../demo/rta-traffic.ts';
import { segmentMembersSource } from '../rta/service.ts';
import type { Stores } from '../store/stores.ts';
import type { SegmentService } from '../segments/service.ts';

// `flywheel start --services=api,worker`: one process runs both by default; in production the API and any number of
// workers run as separate processes on one PostgreSQL store. The daily batch (tags, segments, reminders) and handover
// jobs stay with the API service; the worker runs campaigns (scheduler and deliveries). `rta` (the ad platform's
// real-time decision service, src/rta) is not in the default: it listens on its own port (FLYWHEEL_RTA_PORT) and is
// started by naming it (`--services=api,worker,rta`, or `--services=rta` in its own processes).

/** The services a process can run. */
export const SERVICES = ['api', 'worker', 'rta'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Parses `--services` ('api,worker', 'worker', …): the set, or a message naming what is unknown. */
export function parseServices(list: string): Result<ReadonlySet<ServiceName>, string> {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SERVICES as readonly string[]).includes(n));
  if (unknown.length)
    return err(
      `unknown service ${unknown.map((n) => JSON.stringify(n)).join(', ')}: the services are ${SERVICES.join(', ')}`,
    );
  if (names.length === 0) return err(`no service named: the services are ${SERVICES.join(', ')}`);
  return ok(new Set(names as ServiceName[]));
}

/** The services running in this process and how to stop them. */
export interface RunningServices {
  stop(): Promise<void>;
}

/** Starts the chosen services on one set of stores. */
export async function startServices(
  deps: ServerDeps & { readonly services: ReadonlySet<ServiceName> },
): Promise<RunningServices> {
  const { config, clock, logger, print, services } = deps;
  if (services.has('api')) {
    const server = await startServer(deps);
    let worker: WorkerService | undefined;
    if (services.has('worker')) {
      try {
        worker = await startWorkerService({
          config,
          stores: server.stores,
          clock,
          logger,
          segments: server.segments,
          ...(deps.testClock ? { testClock: deps.testClock } : {}),
          ...(server.wecom ? { wecom: server.wecom } : {}),
        });
      } catch (error) {
        await server.stop();
        throw error;
      }
    }
    let rta: RunningRta | undefined;
    if (services.has('rta')) {
      try {
        rta = await startRtaOn(deps, server.stores, server.segments);
      } catch (error) {
        await worker?.stop();
        await server.stop();
        throw error;
      }
    }
    return {
      async stop() {
        // The worker and the RTA service first: their batches settle while the stores are still open.
        await rta?.stop();
        await worker?.stop();
        await server.stop();
      },
    };
  }
  const stores = await openStores(config);
  try {
    deps.testClock?.setOffset(await storedClockOffset(stores.operational.db));
    const segments = segmentServiceOn(stores, clock, logger);
    let worker: WorkerService | undefined;
    if (services.has('worker')) {
      const wecom = wecomClientFromConfig(config, logger.child({ component: 'wecom' }));
      worker = await startWorkerService({
        config,
        stores,
        clock,
        logger,
        segments,
        ...(wecom ? { wecom } : {}),
        ...(deps.testClock ? { testClock: deps.testClock } : {}),
      });
      print(`Flywheel worker ${worker.workerId} is running (services: worker)`);
    }
    let rta: RunningRta | undefined;
    try {
      rta = services.has('rta') ? await startRtaOn(deps, stores, segments) : undefined;
    } catch (error) {
      await worker?.stop();
      throw error;
    }
    return {
      async stop() {
        await rta?.stop();
        await worker?.stop();
        await closeStores(stores);
      },
    };
  } catch (error) {
    await closeStores(stores);
    throw error;
  }
}

/** Starts the RTA service on open stores, on FLYWHEEL_RTA_PORT. */
async function startRtaOn(deps: ServerDeps, stores: Stores, segments: SegmentService): Promise<RunningRta> {
  const { config, clock, logger, print } = deps;
  const settings = config.rta ?? { port: 3100, pollSeconds: 5, defaultCacheSeconds: 300, logSample: 1000 };
  const rta = await startRta({
    db: stores.operational.db,
    events: stores.events,
    members: segmentMembersSource(segments),
    clock,
    logger: logger.child({ component: 'rta' }),
    pollSeconds: settings.pollSeconds,
    defaultCacheSeconds: settings.defaultCacheSeconds,
    logSample: settings.logSample,
    port: settings.port,
    host: config.host,
  });
  print(`Flywheel RTA is answering at ${rta.url} (Tencent RTA protobuf; services: rta)`);
  const rps = config.rta?.demoTraffic ?? 0;
  if (rps === 0) return rta;
  // A demo installation's simulated ad platform, so the Acquisition pages are alive (FLYWHEEL_DEMO_RTA_TRAFFIC).
  const platform = await startDemoAdPlatform({ db: stores.operational.db, url: rta.url, rps, logger });
  print(`Demo ad platform: ${rps} RTA requests a second (FLYWHEEL_DEMO_RTA_TRAFFIC=0 turns it off).`);
  return {
    ...rta,
    async stop() {
      await platform.stop();
      await rta.stop();
    },
  };
}
