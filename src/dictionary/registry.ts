import type { Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import { DEFAULT_EVENT_NAMES } from './defaults.ts';

// Events first seen through ingestion enter the dictionary marked "needs naming". Ingestion calls `seen` once per
// batch with the batch's distinct event names; names the process already knows (shipped, or registered before) cost
// nothing, so a steady stream of known events never touches the store. A new name is one INSERT … ON CONFLICT DO
// NOTHING: an entry someone already named is never overwritten.

/** Who registered an entry (the dictionary's `updated_by`). */
const INGEST_ACTOR = 'system:ingest';

/** The per-process memory of event names the dictionary already has (one per app or CLI command, not a singleton). */
export class EventNameRegistry {
  readonly #db: Kysely<Database>;
  readonly #known = new Set<string>(DEFAULT_EVENT_NAMES);
  readonly #max: number;

  constructor(db: Kysely<Database>, options: { max?: number } = {}) {
    this.#db = db;
    this.#max = options.max ?? 100_000;
  }

  /** Registers the names this process has not seen yet; returns how many it sent to the store. */
  async seen(names: Iterable<string>): Promise<number> {
    const fresh = new Set<string>();
    for (const name of names) if (!this.#known.has(name)) fresh.add(name);
    if (fresh.size === 0) return 0;
    await registerEventNames(this.#db, fresh);
    // Bounded: a client inventing names by the million costs lookups again, never unbounded memory.
    if (this.#known.size + fresh.size > this.#max) this.#known.clear();
    for (const name of fresh) this.#known.add(name);
    return fresh.size;
  }
}

/** Adds event names the dictionary does not have yet, marked "needs naming" (shipped names are skipped). */
export async function registerEventNames(db: Kysely<Database>, names: Iterable<string>): Promise<void> {
  const fresh = [...new Set(names)].filter(
    (n) => !DEFAULT_EVENT_NAMES.has(n) && n.length > 0 && n.length <= 200,
  );
  for (let i = 0; i < fresh.length; i += 1000)
    await db
      .insertInto('dictionary_entries')
      .values(
        fresh.slice(i, i + 1000).map((key) => ({
          kind: 'event' as const,
          key,
          needs_naming: true,
          origin: 'ingest' as const,
          updated_by: INGEST_ACTOR,
        })),
      )
      .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
      .execute();
}
