// Runs handover jobs in the background, chunk after chunk, and resumes the jobs a previous process left running.
// Safe with several runners (routes and start-up in one process, or several processes on one PostgreSQL): chunks
// lock the job row, and every item changes at most once.
import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Database } from '../../store/operational/database.ts';
import { executeChunk } from './execute.ts';

/** How a runner works through a job. */
export interface RunnerOptions {
  /** Customers per transaction. */
  readonly chunk: number;
  /** Pause between chunks (tests use it to kill a process mid-job). */
  readonly chunkDelayMs: number;
}

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

/** Executes handover jobs chunk by chunk until done; stop() ends the loops between chunks. */
export class HandoverRunner {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: RunnerOptions;
  readonly #active = new Map<number, Promise<void>>();
  readonly #stop = new AbortController();

  constructor(deps: { db: Kysely<Database>; clock: Clock; logger: Logger }, options: RunnerOptions) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#options = options;
  }

  /** Starts (or joins) the loop of a job; resolves when it is done, cancelled, or the runner stops. */
  run(jobId: number): Promise<void> {
    const existing = this.#active.get(jobId);
    if (existing) return existing;
    const loop = this.#loop(jobId).finally(() => this.#active.delete(jobId));
    this.#active.set(jobId, loop);
    return loop;
  }

  /** Resumes every job left running (by a crash or a stop); returns their ids without waiting for them. */
  async resumeAll(): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('handover_jobs')
      .select('id')
      .where('status', '=', 'running')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      this.#logger.info({ jobId: row.id }, 'handover: resuming job');
      void this.run(row.id);
    }
    return rows.map((r) => r.id);
  }

  /** Waits for every loop this runner has going. */
  async idle(): Promise<void> {
    while (this.#active.size > 0) await Promise.allSettled([...this.#active.values()]);
  }

  /** Stops after the current chunks (which commit or roll back whole) and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.idle();
  }

  async #loop(jobId: number): Promise<void> {
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      try {
        const outcome = await executeChunk(
          { db: this.#db, now: () => this.#clock.now() },
          jobId,
          this.#options.chunk,
        );
        failures = 0;
        if (outcome.finished) {
          this.#logger.info({ jobId }, 'handover: job finished');
          return;
        }
        if (this.#options.chunkDelayMs > 0) await this.#sleep(this.#options.chunkDelayMs);
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        // The chunk rolled back whole; keep the error on the job so the dashboard shows why it stalls, and retry.
        const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)]!;
        failures++;
        this.#logger.error({ err: error, jobId, failures, retryInMs: delay }, 'handover: chunk failed');
        await this.#db
          .updateTable('handover_jobs')
          .set({ last_error: String(error).slice(0, 1000) })
          .where('id', '=', jobId)
          .execute()
          .catch(() => undefined);
        await this.#sleep(delay);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#stop.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}
