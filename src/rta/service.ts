import { sql, type Kysely } from 'kysely';
import type { SegmentService } from '../segments/service.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { answer } from './answer.ts';
import type { DecisionTable } from './decision.ts';
import { DecisionLog } from './decision-log.ts';
import type { DeviceTable } from './device-table.ts';
import { RtaMetrics } from './metrics.ts';
import { listStrategies, strategyWatermark } from './strategy-store.ts';
import {
  assembleTable,
  compileStrategy,
  loadDevices,
  loadScores,
  type MembersSource,
  type StrategyMembers,
} from './table-build.ts';

// The RTA service: one decision table in memory, swapped by reference when a strategy is saved (the watermark
// changes; checked every poll) or the bank's day turns (members, scores and device ids are read again). Counters go to
// rta_metrics every 10 s, sampled decisions to the event store's rta_decisions.

/** How often counters and the decision log are written. */
const FLUSH_MS = 10_000;

/** What the service reads and writes. */
export interface RtaServiceDeps {
  readonly db: Kysely<Database>;
  readonly events?: EventStore;
  readonly members: MembersSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollSeconds: number;
  readonly defaultCacheSeconds: number;
  readonly logSample: number;
  /** The device ids (default: customer_identities); the benchmark gives generated ones. */
  readonly devices?: () => Promise<DeviceTable>;
  /** Largest customer ordinal (default: max(customers.id)). */
  readonly maxOrdinal?: () => Promise<number>;
  /** Told each answer's processing time (ns, decode → encode): the benchmark's exact percentiles. */
  readonly observe?: (nanos: number) => void;
}

/** The segment engine as the members of a strategy's target. */
export function segmentMembersSource(segments: SegmentService): MembersSource {
  return {
    async members(population) {
      const result = await segments.populationMembers(population);
      if (!result.ok) throw new AppError('bad_request', result.error.message);
      return result.value.bitmap.toUint32Array();
    },
  };
}

/** A running RTA decision service. */
export class RtaService {
  readonly metrics = new RtaMetrics();
  readonly log: DecisionLog;
  #table: DecisionTable | undefined;
  #devices: DeviceTable | undefined;
  #day = '';
  #building: Promise<void> | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** When the last table was swapped in (epoch ms). */
  swappedAt = 0;

  constructor(private readonly deps: RtaServiceDeps) {
    this.log = new DecisionLog(deps.logSample);
  }

  /** The table answering now. */
  get table(): DecisionTable | undefined {
    return this.#table;
  }

  /** Answers one request body (metrics and the decision log record it). */
  readonly handle = (body: Uint8Array | undefined): Uint8Array => {
    const now = this.deps.clock.now().getTime();
    const a = answer(body, this.#table, now);
    this.deps.observe?.(a.nanos);
    this.metrics.record(a, now); // test traffic is counted under its own flag
    if (!a.test) this.log.record(a, now); // and never logged as a real decision
    return a.body;
  };

  /** Rebuilds the table when strategies changed or the day turned; resolves when any rebuild under way is done. */
  refresh(force = false): Promise<void> {
    this.#building ??= this.#refresh(force).finally(() => {
      this.#building = undefined;
    });
    return this.#building;
  }

  async #refresh(force: boolean): Promise<void> {
    const watermark = await strategyWatermark(this.deps.db);
    const day = this.deps.clock.today();
    const dayTurned = day !== this.#day;
    if (!force && !dayTurned && this.#table?.watermark === watermark) return;
    const started = performance.now();
    if (!this.#devices || dayTurned)
      this.#devices = await (this.deps.devices ?? (() => loadDevices(this.deps.db)))();
    this.#day = day;
    const maxOrdinal = await (this.deps.maxOrdinal ?? (() => maxCustomerId(this.deps.db)))();
    const active = (await listStrategies(this.deps.db)).filter((s) => s.status === 'active');
    const strategies: StrategyMembers[] = [];
    for (const s of active) {
      let members: Uint32Array;
      try {
        members = await this.deps.members.members(s.target.population);
      } catch (error) {
        // A target that stopped evaluating (its segment archived since): it matches no one until fixed.
        this.deps.logger.warn(
          { err: error, strategy: s.id },
          'rta: a strategy target could not be evaluated',
        );
        members = new Uint32Array(0);
      }
      strategies.push({
        strategy: compileStrategy(s, this.deps.clock),
        members,
        unknownDevices: s.target.unknownDevices,
        ...(s.target.minLookalike !== undefined ? { minLookalike: s.target.minLookalike } : {}),
      });
    }
    const table = assembleTable({
      watermark,
      devices: this.#devices,
      maxOrdinal,
      scores: await loadScores(this.deps.db, maxOrdinal),
      strategies,
      defaultCacheSeconds: this.deps.defaultCacheSeconds,
    });
    this.#table = table;
    this.metrics.useTable(table);
    this.swappedAt = Date.now();
    this.deps.logger.info(
      {
        strategies: strategies.length,
        devices: this.#devices.size,
        ms: Math.round(performance.now() - started),
      },
      'rta: decision table swapped in',
    );
  }

  /** Builds the first table, then polls for changes and flushes counters (the HTTP server is src/server/rta.ts). */
  async start(): Promise<void> {
    await this.refresh(true);
    const poll = setInterval(() => {
      this.refresh().catch((error: unknown) => this.deps.logger.error({ err: error }, 'rta: refresh failed'));
    }, this.deps.pollSeconds * 1000);
    const flush = setInterval(() => {
      this.flush().catch((error: unknown) => this.deps.logger.error({ err: error }, 'rta: flush failed'));
    }, FLUSH_MS);
    poll.unref();
    flush.unref();
    this.#timers = [poll, flush];
  }

  /** Writes pending counters and sampled decisions. */
  async flush(): Promise<void> {
    await this.metrics.flush(this.deps.db);
    if (this.deps.events) await this.log.flush(this.deps.events);
  }

  /** Stops polling and writes what is pending. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#building?.catch(() => undefined);
    await this.flush().catch((error: unknown) =>
      this.deps.logger.error({ err: error }, 'rta: last flush failed'),
    );
  }
}

async function maxCustomerId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select(sql<number>`coalesce(max(id), 0)::int`.as('m'))
    .executeTakeFirstOrThrow();
  return row.m;
}
