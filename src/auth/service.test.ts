import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../shared/clock.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { AuthService } from './service.ts';
import { TEST_PASSWORD_COST } from '../../test/support/password-cost.ts';

let store: OperationalStore;
let auth: AuthService;
const clock = fixedClock('2026-11-23T10:00:00Z');

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  auth = new AuthService({ db: store.db, clock, sessionTtlHours: 12, passwordCost: TEST_PASSWORD_COST });
});
afterAll(async () => store.close());

describe('AuthService', () => {
  it('creates a user with a scrypt hash and audits it', async () => {
    const created = await auth.createUser(
      { username: 'li.na', role: 'analyst', password: 'correct horse' },
      'test',
    );
    expect(created.ok).toBe(true);
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'li.na')
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('scrypt$')).toBe(true);
    expect(row.password_hash).not.toContain('correct horse');
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.create')
      .execute();
    expect(audit.map((a) => a.details)).toContainEqual({ username: 'li.na', role: 'analyst' });
  });

  it('hashes at the production cost by default; a stored hash keeps its own cost when the setting changes', async () => {
    const production = new AuthService({ db: store.db, clock, sessionTtlHours: 12 });
    expect(production.passwordCost).toBe(15);
    const created = await production.createUser(
      { username: 'wang.wei', role: 'analyst', password: 'battery staple' },
      'test',
    );
    expect(created.ok).toBe(true);
    const row = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'wang.wei')
      .executeTakeFirstOrThrow();
    expect(row.password_hash.split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    // The suite's cheaper setting still signs in a user whose hash was made at the production cost.
    const login = await auth.login('wang.wei', 'battery staple', '10.0.0.1');
    expect(login.ok).toBe(true);
  });

  it('refuses duplicate usernames and short passwords', async () => {
    const dup = await auth.createUser({ username: 'li.na', role: 'admin', password: 'another pw' }, 'test');
    expect(dup).toEqual({ ok: false, error: { code: 'conflict', message: 'user li.na already exists' } });
    const short = await auth.createUser({ username: 'x1', role: 'admin', password: 'short' }, 'test');
    expect(short.ok).toBe(false);
  });

  it('refuses an unknown org unit or staff member, naming the field, before inserting anything', async () => {
    const refused = await auth.createUser(
      { username: 'ghost', role: 'branch_head', password: 'long enough', orgUnitId: 'NOPE', staffId: 'S-9' },
      'test',
    );
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message: 'orgUnitId: no org unit NOPE; staffId: no staff member S-9',
        details: [
          { path: '/orgUnitId', message: 'no org unit NOPE' },
          { path: '/staffId', message: 'no staff member S-9' },
        ],
      },
    });
    const users = await store.db.selectFrom('users').select('id').where('username', '=', 'ghost').execute();
    expect(users).toEqual([]);
    // API keys carry an org unit only; the route checks it before creating the key.
    expect(await auth.checkReferences({ orgUnitId: 'NOPE' })).toMatchObject({
      ok: false,
      error: { details: [{ path: '/orgUnitId', message: 'no org unit NOPE' }] },
    });
    await store.db
      .insertInto('org_units')
      .values({ id: 'HO', name: 'Head office', kind: 'head_office' })
      .execute();
    expect(await auth.checkReferences({ orgUnitId: 'HO', staffId: null })).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('logs in with the right password only, and resolves the session', async () => {
    expect((await auth.login('li.na', 'wrong password')).ok).toBe(false);
    expect((await auth.login('nobody', 'correct horse')).ok).toBe(false);
    const session = await auth.login('li.na', 'correct horse');
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    const principal = await auth.principalForSession(session.value.token);
    expect(principal?.role).toBe('analyst');
    expect(principal?.permissions.has('analytics.read')).toBe(true);
    expect(principal?.permissions.has('customers.reveal_pii')).toBe(false);
    await auth.logout(session.value.token);
    expect(await auth.principalForSession(session.value.token)).toBeNull();
  });

  it('expires sessions after their time to live', async () => {
    const session = await auth.login('li.na', 'correct horse');
    if (!session.ok) throw new Error('login failed');
    const later = new AuthService({
      db: store.db,
      clock: fixedClock('2026-11-24T10:00:01Z'),
      sessionTtlHours: 12,
      passwordCost: TEST_PASSWORD_COST,
    });
    expect(await later.principalForSession(session.value.token)).toBeNull();
  });

  it('issues API keys stored only as hashes, and revokes them', async () => {
    const { id, key } = await auth.createApiKey({ name: 'etl', role: 'admin' }, 'test');
    expect(key).toMatch(/^fwk_/);
    const stored = await store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect((await auth.principalForApiKey(key))?.actor).toBe(`apikey:${id}:etl`);
    expect((await auth.revokeApiKey(id, 'test')).ok).toBe(true);
    expect(await auth.principalForApiKey(key)).toBeNull();
    expect((await auth.revokeApiKey(id, 'test')).ok).toBe(false);
  });
});
