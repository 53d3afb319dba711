import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE } from '../../src/auth/login-throttle.ts';
import { clockOf, type Clock } from '../../src/shared/clock.ts';
import { accountEngines, openAccountsApp, type AccountsClient } from '../support/accounts-client.ts';
import type { TestApp } from '../support/app.ts';
import { POOL_AS_OF } from '../support/pool-app.ts';

// Issue #9, accounts a bank can audit, over the HTTP API on PGlite and PostgreSQL: sign-in throttling per username and
// per address (failures audited), must-change-password, user administration (disable signs out at once, role changes
// apply on the next request, the last admin stays), API key revocation at once, grants.

const PASSWORD = 'accounts-test-pw';
const WINDOW_S = LOGIN_THROTTLE.windowMinutes * 60;

for (const engine of await accountEngines()) {
  describe(`accounts on ${engine}`, () => {
    let t: TestApp;
    let c: AccountsClient;
    let close: (() => Promise<void>) | undefined;
    let now = Date.parse(`${POOL_AS_OF}T10:00:00Z`);
    const clock: Clock = clockOf(() => new Date(now));
    let admin: string;
    const userId = async (username: string) =>
      (
        await t.stores.operational.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', username)
          .executeTakeFirstOrThrow()
      ).id;

    beforeAll(async () => {
      ({ t, c, close } = await openAccountsApp(engine, clock));
      for (const [username, role] of [
        ['root', 'admin'],
        ['ana', 'analyst'],
        ['bob', 'analyst'],
        ['carol', 'analyst'],
        ['dana', 'analyst'],
        ['erin', 'analyst'],
      ] as const)
        await t.auth.createUser({ username, role, password: PASSWORD }, 'test');
      admin = (await c.login('root', PASSWORD, '10.0.0.1')).cookie!;
    }, 60_000);
    afterAll(async () => close?.());

    it('throttles a username after repeated failures from any address, audits each failure, and lets it in after the window', async () => {
      for (let i = 1; i <= LOGIN_THROTTLE.perUsername; i++)
        expect((await c.login('ana', 'wrong-password', `10.1.0.${i}`)).status).toBe(401);
      const refused = await c.login('ana', PASSWORD, '10.1.0.99');
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe(String(WINDOW_S));
      expect(refused.body.error).toMatchObject({
        code: 'too_many_attempts',
        details: { scope: 'username', failures: 5, limit: 5, retryAfterSeconds: WINDOW_S },
      });
      const audited = await t.stores.operational.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', 'ana')
        .where('action', 'like', 'session.%')
        .orderBy('id')
        .execute();
      expect(audited.map((a) => a.action)).toEqual([
        ...Array(5).fill('session.login_failed'),
        'session.login_throttled',
      ]);
      expect(audited[0]?.details).toEqual({ address: '10.1.0.1', reason: 'wrong_password' });
      expect(JSON.stringify(audited)).not.toContain('wrong-password');
      // Retry-After counts down with the clock; once the oldest failure leaves the window the right password works.
      now += 60_000;
      expect((await c.login('ana', PASSWORD, '10.1.0.99')).headers['retry-after']).toBe(
        String(WINDOW_S - 60),
      );
      now += (WINDOW_S - 60) * 1000 + 1000;
      expect((await c.login('ana', PASSWORD, '10.1.0.99')).status).toBe(200);
    });

    it('throttles an address that fails for many usernames, without locking those users out elsewhere', async () => {
      for (let i = 1; i <= LOGIN_THROTTLE.perAddress; i++)
        expect((await c.login(`ghost${i}`, 'guess-guess', '10.2.0.1')).status).toBe(401);
      const refused = await c.login('ana', PASSWORD, '10.2.0.1');
      expect(refused.status).toBe(429);
      expect(refused.body.error.details).toMatchObject({ scope: 'address', failures: 20 });
      expect(Number(refused.headers['retry-after'])).toBe(WINDOW_S);
      expect((await c.login('ana', PASSWORD, '10.2.0.2')).status).toBe(200);
      const reasons = await t.stores.operational.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'session.login_failed')
        .where('entity_id', '=', 'ghost1')
        .execute();
      expect(reasons.map((r) => r.details)).toEqual([{ address: '10.2.0.1', reason: 'unknown_user' }]);
    });

    it("forgives a failure only by a success from the same address: another address's count stands", async () => {
      for (let i = 0; i < 3; i++) await c.login('bob', 'wrong-password', '10.3.0.1');
      await c.login('bob', 'wrong-password', '10.3.0.2');
      expect((await c.login('bob', PASSWORD, '10.3.0.2')).status).toBe(200); // forgives 10.3.0.2's one failure
      for (let i = 0; i < 2; i++) await c.login('bob', 'wrong-password', '10.3.0.1'); // 10.3.0.1 now has 5
      const refused = await c.login('bob', PASSWORD, '10.3.0.2');
      expect(refused.status).toBe(429);
      expect(refused.body.error.details).toMatchObject({ scope: 'username', failures: 5 });
      // A success does forgive the failures of its own address: 4 + 4 failures around it count as 4.
      for (let i = 0; i < 4; i++) await c.login('carol', 'wrong-password', '10.3.0.3');
      expect((await c.login('carol', PASSWORD, '10.3.0.3')).status).toBe(200);
      for (let i = 0; i < 4; i++) await c.login('carol', 'wrong-password', '10.3.0.3');
      expect((await c.login('carol', PASSWORD, '10.3.0.3')).status).toBe(200);
    });

    it('limits password checks per address per minute in the process, whatever their outcome', async () => {
      let last = await c.login('carol', PASSWORD, '10.4.0.1');
      for (let i = 1; i < 40 && last.status === 200; i++) last = await c.login('carol', PASSWORD, '10.4.0.1');
      expect(last.status).toBe(429);
      expect(last.body.error).toMatchObject({
        code: 'too_many_attempts',
        details: { scope: 'address_rate', limit: 30 },
      });
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      expect((await c.login('carol', PASSWORD, '10.4.0.2')).status).toBe(200);
    });

    it('makes a user created without a password change it before anything else, then ends their other sessions', async () => {
      const created = await c.call(admin, 'POST', '/v1/users', { username: 'fresh', role: 'analyst' });
      expect(created.status).toBe(201);
      const generated = created.body.password as string;
      const first = (await c.login('fresh', generated, '10.5.0.1')).cookie!;
      const second = (await c.login('fresh', generated, '10.5.0.1')).cookie!;
      expect((await c.call(first, 'GET', '/v1/auth/me')).body).toMatchObject({ mustChangePassword: true });
      for (const url of ['/v1/overview', '/v1/segments', '/v1/customers'])
        expect((await c.call(first, 'GET', url)).body.error.code, url).toBe('password_change_required');
      const change = (body: object) => c.call(first, 'POST', '/v1/auth/password', body);
      const wrong = await change({ currentPassword: 'not-it-at-all', newPassword: 'a-new-password' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toEqual({ field: 'currentPassword', reason: 'wrong_password' });
      for (const [newPassword, reason] of [
        ['short', 'policy'],
        ['fresh', 'policy'],
        [generated, 'unchanged'],
      ] as const) {
        const refused = await change({ currentPassword: generated, newPassword });
        expect(refused.status, newPassword).toBe(400);
        expect(refused.body.error.details).toEqual({ field: 'newPassword', reason });
      }
      const done = await change({ currentPassword: generated, newPassword: 'my-own-password' });
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ sessionsRevoked: 1 });
      expect((await c.call(second, 'GET', '/v1/auth/me')).status).toBe(401);
      expect((await c.call(first, 'GET', '/v1/auth/me')).body.mustChangePassword).toBe(false);
      expect((await c.call(first, 'GET', '/v1/overview')).status).toBe(200);
      expect((await c.login('fresh', 'my-own-password', '10.5.0.1')).status).toBe(200);
      const audit = await c.call(admin, 'GET', '/v1/audit?action=user.password_change&actor=fresh');
      expect(audit.body.items).toHaveLength(1);
      // Users created with a password chosen by the administrator are not asked to change it; API keys have none.
      const key = (await c.call(admin, 'POST', '/v1/api-keys', { name: 'k', role: 'analyst' })).body.key;
      const byKey = await c.call({ key }, 'POST', '/v1/auth/password', {
        currentPassword: 'x',
        newPassword: 'y',
      });
      expect(byKey.status).toBe(403);
    });

    it('signs a disabled user out at once and refuses their sign-in, until enabled again', async () => {
      const dana = (await c.login('dana', PASSWORD, '10.6.0.1')).cookie!;
      expect((await c.call(dana, 'GET', '/v1/overview')).status).toBe(200);
      const id = await userId('dana');
      const disabled = await c.call(admin, 'PATCH', `/v1/users/${id}`, { status: 'disabled' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ username: 'dana', status: 'disabled' });
      expect((await c.call(dana, 'GET', '/v1/overview')).status).toBe(401);
      const sessions = await t.stores.operational.db
        .selectFrom('user_sessions')
        .select('token_hash')
        .where('user_id', '=', id)
        .execute();
      expect(sessions).toEqual([]);
      expect((await c.login('dana', PASSWORD, '10.6.0.1')).status).toBe(401);
      const audit = await c.call(admin, 'GET', `/v1/audit?action=user.disable`);
      expect(audit.body.items[0]).toMatchObject({
        actor: 'user:root',
        entityId: String(id),
        details: { username: 'dana', sessionsRevoked: 1 },
      });
      expect((await c.call(admin, 'PATCH', `/v1/users/${id}`, { status: 'active' })).status).toBe(200);
      expect((await c.login('dana', PASSWORD, '10.6.0.1')).status).toBe(200);
    });

    it('applies a role change on the next request and audits it with before and after', async () => {
      const erin = (await c.login('erin', PASSWORD, '10.7.0.1')).cookie!;
      expect((await c.call(erin, 'GET', '/v1/users')).status).toBe(403);
      const id = await userId('erin');
      const promoted = await c.call(admin, 'PATCH', `/v1/users/${id}`, {
        role: 'branch_head',
        orgUnitId: 'BR-A',
      });
      expect(promoted.body).toMatchObject({ role: 'branch_head', orgUnitId: 'BR-A' });
      const me = await c.call(erin, 'GET', '/v1/auth/me');
      expect(me.body).toMatchObject({ role: 'branch_head', orgUnitId: 'BR-A' });
      expect((await c.call(erin, 'GET', '/v1/overview')).status).toBe(403); // whole-bank figures: not a branch head's
      const audit = await c.call(admin, 'GET', '/v1/audit?action=user.role_change');
      expect(audit.body.items[0].details).toEqual({
        username: 'erin',
        before: { role: 'analyst', orgUnitId: null, staffId: null },
        after: { role: 'branch_head', orgUnitId: 'BR-A', staffId: null },
      });
      const unknown = await c.call(admin, 'PATCH', `/v1/users/${id}`, { staffId: 'NOBODY' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual({ field: 'staffId', reason: 'unknown' });
      expect((await c.call(admin, 'PATCH', '/v1/users/999999', { role: 'analyst' })).status).toBe(404);
      expect((await c.call(admin, 'PATCH', `/v1/users/${id}`, {})).status).toBe(400);
    });

    it('refuses to demote or disable the last active administrator', async () => {
      const id = await userId('root');
      for (const [patch, field] of [
        [{ role: 'analyst' }, 'role'],
        [{ status: 'disabled' }, 'status'],
      ] as const) {
        const refused = await c.call(admin, 'PATCH', `/v1/users/${id}`, patch);
        expect(refused.status).toBe(409);
        expect(refused.body.error.details).toEqual({ field, reason: 'last_active_admin' });
      }
      // With a second active administrator the first may step down.
      const erin = await userId('erin');
      await c.call(admin, 'PATCH', `/v1/users/${erin}`, { role: 'admin', orgUnitId: null });
      expect((await c.call(admin, 'PATCH', `/v1/users/${id}`, { role: 'analyst' })).status).toBe(200);
      const erinSession = (await c.login('erin', PASSWORD, '10.7.0.2')).cookie!;
      expect((await c.call(erinSession, 'PATCH', `/v1/users/${id}`, { role: 'admin' })).status).toBe(200);
    });

    it('lists users with filters and pages, never a password hash', async () => {
      const all = await c.call(admin, 'GET', '/v1/users?limit=3');
      expect(all.body.total).toBeGreaterThanOrEqual(7);
      expect(all.body.items).toHaveLength(3);
      expect(all.body.grantable).toContain('tags.sql');
      expect(all.text).not.toContain('scrypt');
      const admins = await c.call(admin, 'GET', '/v1/users?role=admin');
      expect(admins.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['erin', 'root']);
      expect(
        (await c.call(admin, 'GET', '/v1/users?q=ROO')).body.items.map(
          (u: { username: string }) => u.username,
        ),
      ).toEqual(['root']);
    });

    it('revokes an API key at once; the list never shows a secret', async () => {
      const created = await c.call(admin, 'POST', '/v1/api-keys', { name: 'etl', role: 'admin' });
      const { id, key } = created.body as { id: number; key: string };
      expect((await c.call({ key }, 'GET', '/v1/overview')).status).toBe(200);
      const list = await c.call(admin, 'GET', '/v1/api-keys?status=active');
      const item = list.body.items.find((k: { id: number }) => k.id === id);
      expect(item).toMatchObject({
        name: 'etl',
        role: 'admin',
        prefix: key.slice(0, 8),
        createdBy: 'user:root',
        revokedAt: null,
      });
      expect(item.lastUsedAt).toBe(new Date(now).toISOString());
      expect(list.text).not.toContain(key);
      expect((await c.call(admin, 'DELETE', `/v1/api-keys/${id}`)).status).toBe(204);
      expect((await c.call({ key }, 'GET', '/v1/overview')).status).toBe(401);
      expect((await c.call(admin, 'DELETE', `/v1/api-keys/${id}`)).status).toBe(404);
      const revoked = await c.call(admin, 'GET', '/v1/api-keys?status=revoked');
      expect(revoked.body.items.map((k: { id: number }) => k.id)).toContain(id);
      const audit = await c.call(admin, 'GET', '/v1/audit?action=apikey.revoke');
      expect(audit.body.items[0]).toMatchObject({ actor: 'user:root', entityId: String(id) });
    });

    it('grants tags.sql to a named analyst (seen in their permissions) and revokes it, both audited', async () => {
      expect((await c.call(admin, 'GET', '/v1/auth/me')).body.permissions).toContain('tags.sql');
      const ana = (await c.login('ana', PASSWORD, '10.8.0.1')).cookie!;
      expect((await c.call(ana, 'GET', '/v1/auth/me')).body.permissions).not.toContain('tags.sql');
      const id = await userId('ana');
      const granted = await c.call(admin, 'PATCH', `/v1/users/${id}`, { grants: ['tags.sql'] });
      expect(granted.body.grants).toEqual(['tags.sql']);
      expect((await c.call(ana, 'GET', '/v1/auth/me')).body.permissions).toContain('tags.sql');
      expect((await c.call(admin, 'PATCH', `/v1/users/${id}`, { grants: [] })).body.grants).toEqual([]);
      expect((await c.call(ana, 'GET', '/v1/auth/me')).body.permissions).not.toContain('tags.sql');
      const audit = await c.call(admin, 'GET', `/v1/audit?action=user.grant`);
      expect(
        audit.body.items.slice(0, 2).map((a: { action: string; details: object }) => [a.action, a.details]),
      ).toEqual([
        ['user.grant_revoke', { username: 'ana', permission: 'tags.sql' }],
        ['user.grant', { username: 'ana', permission: 'tags.sql' }],
      ]);
      const notGrantable = await c.call(admin, 'PATCH', `/v1/users/${id}`, { grants: ['users.manage'] });
      expect(notGrantable.status).toBe(400);
      expect(notGrantable.body.error.code).toBe('validation_failed');
    });
  });
}
