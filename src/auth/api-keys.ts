import { sql, type Kysely } from 'kysely';
import type { Database, UserRole } from '../store/operational/database.ts';

/** An API key as administrators see it: never the secret nor its hash, only the prefix that identifies it. */
export interface ApiKeyView {
  readonly id: number;
  readonly name: string;
  readonly prefix: string;
  readonly role: UserRole;
  readonly orgUnitId: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** To the minute (AuthService.principalForApiKey writes it at most once a minute). */
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** One page of API keys, newest first; `status` keeps the active or the revoked ones. */
export async function listApiKeys(
  db: Kysely<Database>,
  filter: { status?: 'active' | 'revoked'; limit: number; offset: number },
): Promise<{ total: number; items: ApiKeyView[] }> {
  let q = db.selectFrom('api_keys');
  if (filter.status) q = q.where('revoked_at', filter.status === 'active' ? 'is' : 'is not', null);
  const [count, rows] = await Promise.all([
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    q
      .select([
        'id',
        'name',
        'prefix',
        'role',
        'org_unit_id',
        'created_by',
        'created_at',
        'last_used_at',
        'revoked_at',
      ])
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  const at = (d: Date | string | null) => (d === null ? null : new Date(d));
  return {
    total: count.n,
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      role: r.role,
      orgUnitId: r.org_unit_id,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
      lastUsedAt: at(r.last_used_at),
      revokedAt: at(r.revoked_at),
    })),
  };
}
