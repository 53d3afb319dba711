import type { BehaviourEvent, EventStore } from '../store/events/store.ts';

// Group commit for the events API. Each request's batch waits for the flush in progress (never for a timer), then
// rides in the next one with every batch that arrived meanwhile: one INSERT for all of them. Under load this turns
// many small INSERTs (each a new part for the engine to merge) into few larger ones; an idle writer flushes a lone
// batch at once, so latency is never traded for throughput.
//
// Duplicates: the store never counts an event id twice (readers go through FINAL views), whatever is inserted. What
// the writer adds is the *answer* "duplicate" and skipping the re-insert. Asking the store about every id costs a
// read of the whole id column once ids are random and the table large, so the writer remembers hashes of the ids it
// stored recently and asks the store only about ids whose hash it has seen: exact within that window (a hash
// collision costs one small query, never an event), while an id re-sent after the window (or after a restart) is
// stored again, answered "accepted", and still counted once.
//
// Failures: batches share an INSERT, so rows of one client that the store refuses would fail every client riding
// with them. A failed shared flush is therefore retried batch by batch, and only the batches that fail alone fail.

interface Waiting {
  readonly rows: readonly BehaviourEvent[];
  readonly resolve: (duplicates: Set<string>) => void;
  readonly reject: (error: unknown) => void;
}

// One flush carries at most this many events, bounding the size of the INSERT payload.
const MAX_FLUSH_EVENTS = 20_000;

/** 52-bit hash of an id (two 32-bit FNV-1a-style lanes), exact as a JS number, so a Set of them stays compact. */
function idHash(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x1b873593;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 12) * 0x1_0000_0000 + (b >>> 0);
}

/** Hashes of recently stored ids in two generations: remembers at least the last `generation` ids, at most twice that. */
export class RecentIds {
  #current = new Set<number>();
  #previous = new Set<number>();
  readonly #generation: number;

  constructor(generation = 1_000_000) {
    this.#generation = generation;
  }

  /** True when the id may have been stored recently (its hash was). */
  mayHave(id: string): boolean {
    const h = idHash(id);
    return this.#current.has(h) || this.#previous.has(h);
  }

  /** Remembers a stored id. */
  add(id: string): void {
    if (this.#current.size >= this.#generation) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
    this.#current.add(idHash(id));
  }
}

/** Writes event batches through one group-committing queue; the answer names the ids that were already stored. */
export class EventWriter {
  readonly #events: EventStore;
  readonly #recent: RecentIds;
  #waiting: Waiting[] = [];
  #draining = false;

  constructor(events: EventStore, options: { remember?: number } = {}) {
    this.#events = events;
    this.#recent = new RecentIds(options.remember);
  }

  /**
   * Stores the events whose id is new and resolves with the ids that were not stored because a recent write (or an
   * earlier batch of the same flush) already holds them. Rejects when the store fails: nothing of the batch
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
          if (flush.length === 1) flush[0]!.reject(error);
          else await this.#isolate(flush);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * After a shared flush failed: each of its batches alone, in arrival order, so that one client's batch the store
   * refuses fails that client only. Rows the failed insert may have stored already are stored again, which ids make
   * harmless (readers count an id once); a failing batch reports nothing stored, as a lone one would.
   */
  async #isolate(flush: readonly Waiting[]): Promise<void> {
    for (const w of flush) {
      try {
        w.resolve((await this.#flush([w]))[0]!);
      } catch (error) {
        w.reject(error);
      }
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
    const suspects = flush.flatMap((w) =>
      w.rows.filter((r) => this.#recent.mayHave(r.event_id)).map((r) => r.event_id),
    );
    const stored = suspects.length
      ? await this.#events.query<{ event_id: string }>(
          'SELECT DISTINCT event_id FROM events WHERE event_id IN {ids:Array(String)}',
          { ids: suspects },
        )
      : [];
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
    if (fresh.length) {
      await this.#events.insert('events', fresh);
      for (const row of fresh) this.#recent.add(row.event_id);
    }
    return duplicates;
  }
}
