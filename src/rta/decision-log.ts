import type { EventStore } from '../store/events/store.ts';
import type { Answer } from './answer.ts';

// A sampled log of decisions in the event store (rta_decisions, kept 30 days by its TTL): one in `sampleEvery`
// answers plus every error, written in batches. Only the device hash's first 8 hex digits are kept.

/** One logged decision. */
export interface LoggedDecision {
  readonly time: number;
  readonly devicePrefix: string;
  readonly strategies: readonly string[];
  readonly latencyUs: number;
  readonly code: number;
  readonly test: boolean;
}

const HEX = /^[0-9a-f]{0,8}$/;
const ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** Most rows kept waiting for a flush (a store that does not answer must not grow the heap). */
const MAX_PENDING = 50_000;

/** Collects sampled decisions and writes them in batches. */
export class DecisionLog {
  #pending: LoggedDecision[] = [];
  #count = 0;
  /** Rows dropped because the store was too far behind. */
  dropped = 0;

  constructor(private readonly sampleEvery: number) {}

  /** Keeps the decision when it is sampled or an error. */
  record(a: Answer, now: number): void {
    if (a.ping) return;
    this.#count++;
    if (!a.decision.error && this.#count % this.sampleEvery !== 0) return;
    if (this.#pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    const strategies = a.decision.response.out_target_id ?? [];
    this.#pending.push({
      time: now,
      devicePrefix: a.decision.device.slice(0, 8).toLowerCase(),
      strategies,
      latencyUs: Math.round(a.nanos / 1000),
      code: a.decision.response.code,
      test: a.test,
    });
  }

  /** Writes what is pending. */
  async flush(events: EventStore): Promise<void> {
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    // Every value is ours (hex prefix, registered strategy ids, numbers), checked here, so literals are safe.
    const values = rows
      .filter((r) => HEX.test(r.devicePrefix) && r.strategies.every((s) => ID.test(s)))
      .map(
        (r) =>
          `(fromUnixTimestamp64Milli(${Math.trunc(r.time)}), '${r.devicePrefix}', [${r.strategies.map((s) => `'${s}'`).join(',')}], ${Math.trunc(r.latencyUs)}, ${Math.trunc(r.code)}, ${r.test ? 1 : 0})`,
      )
      .join(',');
    if (!values) return;
    await events.command(
      `INSERT INTO rta_decisions (time, device_prefix, strategies, latency_us, code, is_test) VALUES ${values}`,
    );
  }
}

/** The latest logged decisions, newest first. */
export async function latestDecisions(events: EventStore, limit: number): Promise<LoggedDecision[]> {
  const rows = await events.query<{
    time: string;
    device_prefix: string;
    strategies: string[];
    latency_us: number;
    code: number;
    is_test: number | boolean;
  }>(
    `SELECT time, device_prefix, strategies, latency_us, code, is_test FROM rta_decisions ORDER BY time DESC LIMIT {limit:UInt32}`,
    { limit },
  );
  return rows.map((r) => ({
    time: Date.parse(`${r.time.replace(' ', 'T')}Z`),
    devicePrefix: r.device_prefix,
    strategies: r.strategies,
    latencyUs: Number(r.latency_us),
    code: Number(r.code),
    test: r.is_test === true || Number(r.is_test) === 1,
  }));
}
