import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';

// Key-value facts about this installation kept in `system_state` (migration 0001): what background work finished,
// the test clock's offset. One reader and one writer for every key.

/** The stored value of `key`, or undefined. */
export async function getSystemState<T>(db: Kysely<Database>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('system_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value as T | undefined;
}

/** Stores `value` under `key` (inside the caller's transaction when given one). */
export async function setSystemState(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  await db
    .insertInto('system_state')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: sql`now()` }),
    )
    .execute();
}

const TEST_CLOCK_KEY = 'test_clock';

/** The test clock's stored offset in ms (0 when never moved). */
export async function storedClockOffset(db: Kysely<Database>): Promise<number> {
  const stored = await getSystemState<{ offsetMs?: unknown }>(db, TEST_CLOCK_KEY);
  const ms = Number(stored?.offsetMs ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** Stores the test clock's offset (in the transaction that audits the move). */
export async function storeClockOffset(db: Kysely<Database>, offsetMs: number): Promise<void> {
  await setSystemState(db, TEST_CLOCK_KEY, { offsetMs });
}
