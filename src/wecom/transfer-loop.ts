import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomApi } from './port.ts';
import { driveWecomTransfers, type TransferPass } from './transfers.ts';

// The api service's WeCom transfer loop: every `intervalMs` (and when asked, e.g. right after a handover job ends)
// it drives each job with customers still waiting on WeCom. One pass at a time per process; several processes on one
// PostgreSQL store may overlap safely, as every write is conditional on the row's state.

/** Jobs with customers whose WeCom transfer is not final, or waiting owners not planned yet. */
export async function jobsWaitingOnWecom(db: Kysely<Database>): Promise<number[]> {
  const open = db
    .selectFrom('wecom_transfers')
    .select('job_id')
    .where('state', 'in', ['planned', 'requested', 'waiting']);
  const unplanned = db
    .selectFrom('customer_owners')
    .innerJoin('customers', 'customers.id', 'customer_owners.customer_id')
    .select('customer_owners.handover_job_id as job_id')
    .where('customer_owners.handover_status', '=', 'waiting')
    .where('customers.wecom_external_userid', 'is not', null)
    .where('customer_owners.handover_job_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('wecom_transfers')
            .select('job_id')
            .whereRef('wecom_transfers.job_id', '=', 'customer_owners.handover_job_id')
            .whereRef('wecom_transfers.customer_id', '=', 'customer_owners.customer_id'),
        ),
      ),
    );
  const [a, b] = await Promise.all([open.distinct().execute(), unplanned.distinct().execute()]);
  return [...new Set([...a, ...b].map((r) => Number(r.job_id)))].sort((x, y) => x - y);
}

/** Drives WeCom transfers in the background until stopped. */
export class WecomTransferLoop {
  readonly #deps: {
    db: Kysely<Database>;
    api: WecomApi;
    clock: Clock;
    logger: Logger;
    successMessage?: string;
  };
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<Map<number, TransferPass>> | undefined;
  #stopped = false;

  constructor(
    deps: { db: Kysely<Database>; api: WecomApi; clock: Clock; logger: Logger; successMessage?: string },
    intervalMs: number,
  ) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  /** Starts the timer (first pass at once). */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const tick = () => {
      void this.passNow()
        .catch((error: unknown) => this.#deps.logger.error({ err: error }, 'WeCom transfer pass failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** One pass over every job waiting on WeCom (joins the pass under way); each job's outcome by id. */
  passNow(): Promise<Map<number, TransferPass>> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and waits for the pass under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #pass(): Promise<Map<number, TransferPass>> {
    const out = new Map<number, TransferPass>();
    for (const jobId of await jobsWaitingOnWecom(this.#deps.db)) {
      if (this.#stopped) break;
      const pass = await driveWecomTransfers(this.#deps, jobId);
      out.set(jobId, pass);
      this.#deps.logger.info({ jobId, states: pass.states, finished: pass.finished }, 'WeCom transfer pass');
    }
    return out;
  }
}
