import type { BehaviourEvent, EventStore } from '../store/events/store.ts';

// Group commit for the events API. Each request's batch waits for the flush in progress (never for a timer), then
// rides in the next one with every batch that arrived meanwhile: one existence query and one INSERT for all of them.
// Under load this turns many small INSERTs (each a new part for the engine to merge) into few larger ones; an idle
// writer flushes a lone batch at once, so latency is never traded for throughput.

interface Waiting {
  readonly rows: readonly BehaviourEvent[];
  readonly resolve: (duplicates: Set<string>) => void;
  readonly reject: (error: unknown) => void;
}

// One flush carries at most this many events, bounding the size of the existence query and the INSERT payload.
const MAX_FLUSH_EVENTS = 20_000;

/** Writes event batches through one group-committing queue; the answer names the ids that were already stored. */
export class EventWriter {
  readonly #events: EventStore;
  #waiting: Waiting[] = [];
  #draining = false;

  constructor(events: EventStore) {
    this.#events = events;
  }

  /**
   * Stores the events whose id is new and resolves with the ids that were not stored because an earlier write
   * (or an earlier batch of the same flush) already holds them. Rejects when the store fails: nothing of the batch
   * is then reported stored, and a retry is safe because ids deduplicate.
   */
  write(rows: readonly BehaviourEvent[]): Promise<Set<string>> {
    if (rows.length === 0) return Promise.resolve(new Set());
    return new Promise((resolve, reject) => {
      this.#waiting.push({ rows, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#waiting.length) {
        const flush = this.#take();
        try {
          const duplicates = await this.#flush(flush);
          flush.forEach((w, i) => w.resolve(duplicates[i]!));
        } catch (error) {
          for (const w of flush) w.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The next flush: waiting batches in arrival order up to MAX_FLUSH_EVENTS (always at least one). */
  #take(): Waiting[] {
    let size = 0;
    let count = 0;
    while (count < this.#waiting.length) {
      size += this.#waiting[count]!.rows.length;
      if (count > 0 && size > MAX_FLUSH_EVENTS) break;
      count++;
    }
    return this.#waiting.splice(0, count);
  }

  async #flush(flush: readonly Waiting[]): Promise<Set<string>[]> {
    const ids = flush.flatMap((w) => w.rows.map((r) => r.event_id));
    const stored = await this.#events.query<{ event_id: string }>(
      'SELECT DISTINCT event_id FROM events WHERE event_id IN {ids:Array(String)}',
      { ids },
    );
    const taken = new Set(stored.map((r) => r.event_id));
    const fresh: BehaviourEvent[] = [];
    const duplicates = flush.map((w) => {
      const mine = new Set<string>();
      for (const row of w.rows) {
        if (taken.has(row.event_id)) mine.add(row.event_id);
        else {
          taken.add(row.event_id);
          fresh.push(row);
        }
      }
      return mine;
    });
    if (fresh.length) await this.#events.insert('events', fresh);
    return duplicates;
  }
}
