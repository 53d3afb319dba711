// The Admin area as an administrator works in it, in a real browser against the real server (with its security
// headers and content security policy): create a user (the generated password shown once), sign in as them (they must
// choose their own password first), change their role and grant a permission, disable them (their open session ends at
// once), create an API key (shown once, it works) and revoke it (refused at once), then find all of it in the audit
// log, filtered, and in its CSV export. The OpenAPI UI renders under the same policy.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  choose,
  HAVE_CHROMIUM,
  pickDay,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';

const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };

let d: Dashboard;
let page: Page;
/** The new user's own browser. */
let other: Page;
let generated: string;
let apiKey: string;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({ customers: 120, seed: 20261209, users: [ADMIN] });
  page = d.page;
  await signIn(page, d.base, ADMIN.username, ADMIN.password);
  other = await d.browser
    .newContext({ baseURL: d.base, locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
    .then((c) => c.newPage());
});

afterAll(async () => {
  await d?.close();
});

const userRow = async (username: string) => {
  const db = d.stores.operational.db;
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
};

describe.skipIf(!HAVE_CHROMIUM)('the Admin area', () => {
  it('creates a user whose generated password is shown once and must be changed at first sign-in', async () => {
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-users').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-form-username').fill('li.na');
    await page.getByTestId('user-form-display-name').fill('李娜');
    await page.getByTestId('user-form-submit').click();
    await page.getByTestId('user-created-password').waitFor();
    generated = await rawValue(page, 'user-created-password-value');
    expect(generated).toMatch(/^[A-Za-z0-9]{16}$/);
    await page.screenshot({ path: '.tmp/admin-user-created.png' });
    await page.getByTestId('user-created-close').click();
    await expect.poll(() => page.getByTestId('user-role-li.na').innerText()).toBe('运营分析师');
    expect(await page.getByTestId('user-status-li.na').innerText()).toContain('需修改密码');

    // Li Na signs in with it: the change-password screen comes first, then the dashboard.
    await other.goto('/');
    await other.getByTestId('login-username').fill('li.na');
    await other.getByTestId('login-password').fill(generated);
    await other.getByTestId('login-submit').click();
    await other.getByTestId('password-required').waitFor();
    await other.getByTestId('password-current').fill(generated);
    await other.getByTestId('password-new').fill('li.na');
    await other.getByTestId('password-confirm').fill('li.na');
    await other.getByTestId('password-submit').click();
    await expect.poll(() => other.getByTestId('password-form').innerText()).toContain('至少 10 个字符');
    await other.getByTestId('password-new').fill('li-na-own-password');
    await other.getByTestId('password-confirm').fill('li-na-own-password');
    await other.getByTestId('password-submit').click();
    await other.getByTestId('side-nav').waitFor();
    expect((await userRow('li.na')).must_change_password).toBe(false);
  });

  it('changes the role and grants a permission, then disables the user, who is signed out at once', async () => {
    await page.getByTestId('user-edit-li.na').click();
    const form = page.getByTestId('user-edit-form');
    await form.waitFor();
    await choose(page, form.getByTestId('user-form-role'), '支行行长');
    await form.getByText('编写 SQL 标签').click();
    await page.getByTestId('user-form-submit').click();
    await expect.poll(() => page.getByTestId('user-role-li.na').innerText()).toBe('支行行长');
    const changed = await userRow('li.na');
    expect(changed.role).toBe('branch_head');
    expect(changed.grants).toEqual(['tags.sql']);
    // Li Na's next request runs under the new role.
    const me = await other.request.get('/v1/auth/me');
    expect(await me.json()).toMatchObject({
      role: 'branch_head',
      permissions: expect.arrayContaining(['tags.sql']),
    });

    await page.getByTestId('user-disable-li.na').click();
    await page.getByTestId('user-disable-ok').click();
    await expect.poll(() => rawValue(page, 'user-status-li.na')).toBe('disabled');
    expect((await other.request.get('/v1/auth/me')).status()).toBe(401);
    await other.reload();
    await other.getByTestId('login-form').waitFor();
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    await page.getByTestId('admin-tab-api-keys').click();
    await page.getByTestId('admin-keys').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/api-keys');
    await page.getByTestId('key-new').click();
    await page.getByTestId('key-form-name').fill('etl-nightly');
    await page.getByTestId('key-form-submit').click();
    await page.getByTestId('key-created').waitFor();
    apiKey = await rawValue(page, 'key-created-value');
    expect(apiKey).toMatch(/^fwk_/);
    await page.getByTestId('key-created-close').click();
    const bearer = { headers: { authorization: `Bearer ${apiKey}` } };
    expect((await page.request.get('/v1/overview', bearer)).status()).toBe(200);
    const { id } = await d.stores.operational.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', 'etl-nightly')
      .executeTakeFirstOrThrow();
    // The list shows the prefix, never the secret.
    const row = page.getByTestId(`key-row-${id}`);
    await expect.poll(() => row.innerText()).toContain(apiKey.slice(0, 8));
    expect(await page.getByTestId('admin-keys').innerText()).not.toContain(apiKey);
    await page.getByTestId(`key-revoke-${id}`).click();
    await page.getByTestId('key-revoke-ok').click();
    await page.getByTestId('key-filter').getByText('全部').click();
    await expect.poll(() => rawValue(page, `key-status-${id}`)).toBe('revoked');
    expect((await page.request.get('/v1/overview', bearer)).status()).toBe(401);
  });

  it('finds those actions in the audit log, filtered, and in its CSV export', async () => {
    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('admin-audit').waitFor();
    const actions = () =>
      page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    await page.getByTestId('audit-actor').fill(ADMIN.username);
    await page.getByTestId('audit-action').locator('input').fill('user.');
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual(['user.disable', 'user.grant', 'user.role_change', 'user.create']);
    await page.keyboard.press('Escape'); // the action suggestions would cover the rows
    // Each action by its translated label (the code only as a raw hint); the stored record on request, marked raw.
    const first = page.getByTestId('audit-row').first();
    await expect.poll(() => first.getByTestId('audit-action-label').innerText()).toBe('停用用户');
    await expect.poll(() => page.getByTestId('audit-details').count()).toBe(0);
    await first.getByTestId('audit-details-toggle').click();
    const details = page.getByTestId('audit-details');
    await expect.poll(() => details.getAttribute('data-raw-key')).not.toBeNull();
    expect(JSON.parse(await details.innerText())).toBeTypeOf('object');
    await first.getByTestId('audit-details-toggle').click();
    await expect.poll(() => details.isVisible()).toBe(false);
    await page.screenshot({ path: '.tmp/admin-audit.png' });
    await page.getByTestId('audit-action').locator('input').fill('apikey.');
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual(['apikey.revoke', 'apikey.create']);
    // Li Na's own actions: her sign-ins and her password change.
    await page.getByTestId('audit-actor').fill('li.na');
    await page.getByTestId('audit-action').locator('input').fill('');
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual(['user.password_change', 'session.login']);
    // A day range from the calendar picker (ISO days in both languages): nothing of hers from the day after tomorrow
    // (UTC's tomorrow is already the bank's today in its first hours).
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await pickDay(page, 'audit-from', later);
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual([]);
    await pickDay(page, 'audit-from', '2020-01-01');
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual(['user.password_change', 'session.login']);
    // The export link carries the filters; its CSV holds the same records.
    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toBe('/v1/audit/export?actor=li.na&from=2020-01-01');
    const csv = await (await page.request.get(href!)).text();
    expect(csv.split('\n')[0]).toBe('id,at,actor,action,entity_type,entity_id,details');
    expect(csv).toContain('user:li.na,user.password_change');
    expect(d.consoleErrors).toEqual([]);
  });

  it('serves the API documentation under its content security policy', async () => {
    const response = await page.goto('/docs');
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect
      .poll(() => page.locator('.swagger-ui .info .title').first().innerText())
      .toContain('Flywheel API');
    await page.locator('.opblock-tag', { hasText: 'audit' }).first().waitFor();
    // A violated policy shows as a console error (the harness collects them).
    expect(d.consoleErrors).toEqual([]);
  });
});
