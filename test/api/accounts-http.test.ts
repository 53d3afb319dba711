import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createApp } from '../../src/server/app.ts';
import { startServer } from '../../src/server/start.ts';
import { clockOf, systemClock, type Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import {
  accountEngines,
  accountsClient,
  openAccountsApp,
  type AccountsClient,
} from '../support/accounts-client.ts';
import type { TestApp } from '../support/app.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { TEST_PASSWORD_ENV } from '../support/password-cost.ts';

// Issue #9 over HTTP, on PGlite and PostgreSQL: the audit-log viewer's filters, pages and CSV export; the session
// cookie's Secure attribute; security headers on API, dashboard and /docs responses; cookie writes from another
// origin refused; the first administrator made at start must change the generated password.

const PASSWORD = 'accounts-test-pw';
for (const engine of await accountEngines()) {
  describe(`audit log and HTTP hardening on ${engine}`, () => {
    let t: TestApp;
    let c: AccountsClient;
    let close: (() => Promise<void>) | undefined;
    let now = Date.parse('2026-12-01T09:00:00Z');
    const clock: Clock = clockOf(() => new Date(now));
    let admin: string;
    let analystId: number;
    const extraApps: FastifyInstance[] = [];

    /** The app again over the same stores, with other settings. */
    const appWith = async (env: Record<string, string>) => {
      const config = loadConfig({ FLYWHEEL_DATA_DIR: tmpdir(), LOG_LEVEL: 'warn', ...env });
      if (!config.ok) throw new Error(JSON.stringify(config.error));
      const app = await createApp({
        config: config.value,
        stores: t.stores,
        clock,
        logger: createLogger('warn'),
      });
      extraApps.push(app);
      return accountsClient(app);
    };

    beforeAll(async () => {
      ({ t, c, close } = await openAccountsApp(engine, clock));
      await t.auth.createUser({ username: 'root', role: 'admin', password: PASSWORD }, 'test');
      const created = await t.auth.createUser(
        { username: 'ana', role: 'analyst', password: PASSWORD },
        'test',
      );
      if (!created.ok) throw new Error(created.error.message);
      analystId = created.value.id;
      admin = (await c.login('root', PASSWORD, '10.0.0.1')).cookie!;
    }, 60_000);
    afterAll(async () => {
      for (const app of extraApps) await app.close();
      await close?.();
    });

    it('filters the audit log by actor, action prefix, customer and period, newest first, in pages', async () => {
      // A reveal names its customer as the entity; a batch assignment lists its customers in the details.
      expect(
        (await c.call(admin, 'GET', '/v1/customers/C000000001?reveal=phone&reason=callback')).status,
      ).toBe(200);
      const assign = await c.call(admin, 'POST', '/v1/customers/assign', {
        items: [
          { customerNo: 'C000000046', managerId: 'AM1' },
          { customerNo: 'C000000047', managerId: 'AM1' },
        ],
        reason: 'audit test',
      });
      expect(assign.status).toBe(200);
      const byCustomer = async (no: string) =>
        (await c.call(admin, 'GET', `/v1/audit?customer=${no}`)).body.items.map(
          (a: { action: string }) => a.action,
        );
      expect(await byCustomer('C000000001')).toEqual(['customer.reveal_pii']);
      expect(await byCustomer('C000000047')).toEqual(['pool.assign']);
      expect(await byCustomer('C00000004')).toEqual([]); // a number, not a prefix
      // Two changes on two days, by the injected clock.
      await c.call(admin, 'PATCH', `/v1/users/${analystId}`, { displayName: 'Ana One' });
      now = Date.parse('2026-12-02T09:00:00Z');
      admin = (await c.login('root', PASSWORD, '10.0.0.1')).cookie!; // the day-old session has expired
      await c.call(admin, 'PATCH', `/v1/users/${analystId}`, { displayName: 'Ana Two' });
      const names = async (query: string) => {
        const res = await c.call(admin, 'GET', `/v1/audit?action=user.update&${query}`);
        expect(res.status, query).toBe(200);
        return res.body.items.map(
          (a: { details: { after: { displayName: string } } }) => a.details.after.displayName,
        );
      };
      expect(await names('')).toEqual(['Ana Two', 'Ana One']);
      expect(await names('from=2026-12-01&to=2026-12-01')).toEqual(['Ana One']);
      expect(await names('from=2026-12-02')).toEqual(['Ana Two']);
      expect(await names('to=2026-12-02T09:00:00Z')).toEqual(['Ana One']);
      expect(await names('from=2026-12-02T09:00:01%2B00:00')).toEqual([]);
      expect(await names('actor=root')).toEqual(['Ana Two', 'Ana One']);
      expect(await names('actor=user:ana')).toEqual([]);
      const backwards = await c.call(admin, 'GET', '/v1/audit?from=2026-12-02&to=2026-12-01');
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details).toEqual([{ path: '/to', message: 'must be after from' }]);
      expect((await c.call(admin, 'GET', '/v1/audit?from=yesterday')).status).toBe(400);
      // Pages: newest first, each `next` continues where the last page ended.
      const all = (await c.call(admin, 'GET', '/v1/audit?limit=500')).body.items as { id: number }[];
      expect(all.length).toBeGreaterThan(5);
      expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort((x, y) => y - x));
      const first = (await c.call(admin, 'GET', '/v1/audit?limit=3')).body;
      const second = (await c.call(admin, 'GET', `/v1/audit?limit=3&before=${first.next}`)).body;
      expect([...first.items, ...second.items].map((a: { id: number }) => a.id)).toEqual(
        all.slice(0, 6).map((a) => a.id),
      );
      // Only holders of audit.read.
      const ana = (await c.login('ana', PASSWORD, '10.0.0.2')).cookie!;
      expect((await c.call(ana, 'GET', '/v1/audit')).status).toBe(403);
      expect((await c.call(ana, 'GET', '/v1/audit/export')).status).toBe(403);
    });

    it('exports the filtered audit log as CSV and audits the export', async () => {
      const res = await c.call(admin, 'GET', '/v1/audit/export?action=user.up&from=2026-12-01');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toContain('audit-log.csv');
      const lines = res.text.trim().split('\n');
      expect(lines[0]).toBe('id,at,actor,action,entity_type,entity_id,details');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(
        /^\d+,2026-12-02T09:00:00\.000Z,user:root,user\.update,user,\d+,"\{.*""displayName"":""Ana Two"".*\}"$/,
      );
      expect(res.headers['x-rows']).toBe('2');
      const audit = await c.call(admin, 'GET', '/v1/audit?action=audit.export');
      expect(audit.body.items[0]).toMatchObject({
        actor: 'user:root',
        details: { filters: { action: 'user.up', from: '2026-12-01' }, rows: 2 },
      });
      // An export holds the records present when it began, not its own audit record.
      const exports = await c.call(admin, 'GET', '/v1/audit/export?action=audit.export');
      expect(exports.headers['x-rows']).toBe('1');
      expect(exports.text.trim().split('\n')).toHaveLength(2);
    });

    it('marks the session cookie Secure over HTTPS (auto), always (1) or never (0)', async () => {
      const secure = (res: { setCookie: string }) => /;\s*Secure/i.test(res.setCookie);
      const plain = await c.login('root', PASSWORD, '10.9.0.1');
      expect(plain.status).toBe(200);
      expect(secure(plain)).toBe(false);
      expect(plain.setCookie).toMatch(/HttpOnly/i);
      expect(plain.setCookie).toMatch(/SameSite=Lax/i);
      // X-Forwarded-Proto counts only from a trusted proxy.
      const forwarded = { 'x-forwarded-proto': 'https' };
      const untrusted = await c.login('root', PASSWORD, '10.9.0.3', forwarded);
      expect(secure(untrusted)).toBe(false);
      const proxied = await appWith({ FLYWHEEL_TRUST_PROXY: '1' });
      const viaProxy = await proxied.login('root', PASSWORD, '10.9.0.3', forwarded);
      expect(viaProxy.status).toBe(200);
      expect(secure(viaProxy)).toBe(true);
      const always = await appWith({ FLYWHEEL_COOKIE_SECURE: '1' });
      expect(secure(await always.login('root', PASSWORD, '10.9.0.2'))).toBe(true);
      const never = await appWith({ FLYWHEEL_COOKIE_SECURE: '0', FLYWHEEL_TRUST_PROXY: '1' });
      const neverSecure = await never.login('root', PASSWORD, '10.9.0.3', forwarded);
      expect(secure(neverSecure)).toBe(false);
    });

    it('sends security headers on API, error, dashboard and /docs responses', async () => {
      const responses = {
        api: await c.call(admin, 'GET', '/v1/auth/me'),
        error: await c.call(undefined, 'GET', '/v1/overview'),
        notFound: await c.call(undefined, 'GET', '/v1/no-such-route'),
        dashboard: await c.call(undefined, 'GET', '/pool/workbench'),
        docs: await c.call(undefined, 'GET', '/docs/'),
        docsAsset: await c.call(undefined, 'GET', '/docs/static/index.css'),
        openapi: await c.call(undefined, 'GET', '/docs/json'),
      };
      for (const [what, res] of Object.entries(responses)) {
        expect(res.status, what).toBeLessThan(500);
        expect(res.headers['x-content-type-options'], what).toBe('nosniff');
        expect(res.headers['x-frame-options'], what).toBe('DENY');
        expect(res.headers['referrer-policy'], what).toBe('same-origin');
        const csp = String(res.headers['content-security-policy']);
        expect(csp, what).toContain("frame-ancestors 'none'");
        expect(csp, what).toContain("script-src 'self'");
        expect(csp, what).not.toContain('unsafe-eval');
        expect(csp, what).not.toContain('upgrade-insecure-requests');
      }
      expect(responses.dashboard.headers['content-type']).toMatch(/text\/html/);
      expect(responses.docs.text).toContain('swagger-ui');
    });

    it('refuses a cookie write from another origin; same origin, no Origin and API keys pass', async () => {
      const patch = (who: Parameters<AccountsClient['call']>[0], headers: Record<string, string>) =>
        c.call(who, 'PATCH', `/v1/users/${analystId}`, { displayName: 'Ana' }, headers);
      const foreign = await patch(admin, { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error).toMatchObject({
        code: 'forbidden',
        details: { reason: 'cross_origin', origin: 'https://evil.example', expected: 'http://localhost' },
      });
      expect((await patch(admin, { origin: 'http://localhost:8080' })).status).toBe(403); // another port
      expect((await patch(admin, { origin: 'https://localhost' })).status).toBe(403); // another scheme
      expect((await patch(admin, { origin: 'null' })).status).toBe(403);
      expect((await patch(admin, { origin: 'http://localhost' })).status).toBe(200);
      expect((await patch(admin, { origin: 'http://LOCALHOST:80' })).status).toBe(200);
      expect((await patch(admin, {})).status).toBe(200);
      const { key } = (await c.call(admin, 'POST', '/v1/api-keys', { name: 'ops', role: 'admin' })).body;
      expect((await patch({ key }, { origin: 'https://evil.example' })).status).toBe(200);
      // Reads are not writes; a sign-in posted from another site is refused too.
      expect(
        (await c.call(admin, 'GET', '/v1/users', undefined, { origin: 'https://evil.example' })).status,
      ).toBe(200);
      const login = await c.call(
        undefined,
        'POST',
        '/v1/auth/login',
        { username: 'root', password: PASSWORD },
        {
          origin: 'https://evil.example',
        },
      );
      expect(login.status).toBe(403);
    });
  });
}

describe('the first administrator made at start', () => {
  it('must change the generated password before anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flywheel-first-admin-'));
    const database = (await postgresAvailable())
      ? await createTestDatabase('flywheel_first_admin')
      : undefined;
    const config = loadConfig({
      FLYWHEEL_DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      FLYWHEEL_SEED_DEMO: 'never',
      ...TEST_PASSWORD_ENV,
      FLYWHEEL_TAGS_DAILY_AT: 'off',
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    if (!config.ok) throw new Error(JSON.stringify(config.error));
    const printed: string[] = [];
    const server = await startServer({
      config: config.value,
      clock: systemClock(config.value.timeZone),
      logger: createLogger('warn'),
      print: (line) => printed.push(line),
    });
    try {
      const password = /password: (\S+)/.exec(printed.join('\n'))?.[1];
      expect(password).toBeDefined();
      const c = accountsClient(server.app);
      const cookie = (await c.login('admin', password!, '10.0.0.1')).cookie!;
      expect((await c.call(cookie, 'GET', '/v1/auth/me')).body).toMatchObject({
        role: 'admin',
        mustChangePassword: true,
      });
      expect((await c.call(cookie, 'GET', '/v1/users')).body.error.code).toBe('password_change_required');
      const changed = await c.call(cookie, 'POST', '/v1/auth/password', {
        currentPassword: password,
        newPassword: 'the-bank-admin-pw',
      });
      expect(changed.status).toBe(200);
      expect((await c.call(cookie, 'GET', '/v1/users')).status).toBe(200);
    } finally {
      await server.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
