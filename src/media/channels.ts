import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { MediaChannelKind } from '../store/operational/media-tables.ts';

// The registered media channels: spend and brand reports must name one, and event properties resolve to one by its
// key or one of its aliases (case-insensitive).

/** A registered media channel. */
export interface MediaChannel {
  readonly key: string;
  readonly name: string;
  readonly nameEn: string;
  readonly kind: MediaChannelKind;
  readonly aliases: string[];
}

/** Every registered channel, by key. */
export async function listChannels(db: Kysely<Database>): Promise<MediaChannel[]> {
  const rows = await db.selectFrom('media_channels').selectAll().orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, name: r.name, nameEn: r.name_en, kind: r.kind, aliases: r.aliases }));
}

/** Value (lower-cased key or alias) → channel key, for resolving event properties. */
export function channelResolver(channels: readonly MediaChannel[]): Map<string, string> {
  const byValue = new Map<string, string>();
  for (const c of channels) for (const alias of c.aliases) byValue.set(alias.toLowerCase(), c.key);
  // Keys win over another channel's alias of the same spelling.
  for (const c of channels) byValue.set(c.key.toLowerCase(), c.key);
  return byValue;
}

/** Registers a channel or changes its names, kind and aliases (audited); a key is never renamed. */
export async function saveChannel(
  db: Kysely<Database>,
  channel: MediaChannel,
  actor: string,
): Promise<Result<{ created: boolean }, { code: 'validation_failed'; message: string }>> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(channel.key))
    return err({
      code: 'validation_failed',
      message: 'key: lower-case letters, digits and _, starting with a letter',
    });
  return ok(
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('media_channels')
        .values({
          key: channel.key,
          name: channel.name,
          name_en: channel.nameEn,
          kind: channel.kind,
          aliases: [...channel.aliases],
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            name_en: eb.ref('excluded.name_en'),
            kind: eb.ref('excluded.kind'),
            aliases: eb.ref('excluded.aliases'),
          })),
        )
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor,
        action: row.inserted ? 'media.channel.create' : 'media.channel.update',
        entityType: 'media_channel',
        entityId: channel.key,
        details: { ...channel },
      });
      return { created: row.inserted };
    }),
  );
}
