import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import { sensitiveWords } from './library.ts';

// The bank's sensitive-word list as admins edit it: replaced whole, audited with what was added and removed. Until
// the first save the shipped defaults apply (library.ts `sensitiveWords`); saving an empty list is refused by the
// route, so a bank cannot switch the check off by accident.

/** Replaces the bank's sensitive words; the saved list (sorted, deduplicated). */
export async function saveSensitiveWords(
  deps: { db: Kysely<Database>; clock: Clock },
  actor: string,
  words: readonly string[],
): Promise<string[]> {
  const next = [...new Set(words.map((w) => w.trim()).filter((w) => w.length > 0))].sort();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const before = await sensitiveWords(tx);
    await tx.deleteFrom('sensitive_words').execute();
    await tx
      .insertInto('sensitive_words')
      .values(next.map((word) => ({ word, added_by: actor, added_at: now })))
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'content.sensitive_words',
      entityType: 'sensitive_words',
      details: {
        added: next.filter((w) => !before.includes(w)),
        removed: before.filter((w) => !next.includes(w)),
      },
      at: now,
    });
  });
  return next;
}
