// The pool's compliance cues and handover wording in a real browser, in both languages: an account manager logs a
// call to a customer who withdrew phone consent (warned → acknowledges → saved, the acknowledgement stored and
// audited), dismisses a reminder with a reason and undoes it, and an admin's handover preview states on its run
// button how many customers will move and how many will be refused.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, HAVE_CHROMIUM, signIn, startDashboard, type Dashboard } from './harness.ts';
import { seedPool } from './pool-bank.ts';

const CUSTOMERS = 200;
const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };
const MANAGER = {
  username: 'am2',
  role: 'account_manager' as const,
  password: 'manager-pass-1',
  staffId: 'AM02',
};
const LANGS = ['en-US', 'zh-CN'] as const;
type Lang = (typeof LANGS)[number];
const WORDS: Record<Lang, { warning: RegExp; reason: string; run: (m: number, r: number) => string }> = {
  'en-US': {
    warning: /withdrew marketing consent on phone/,
    reason: 'Already handled with the customer',
    run: (m, r) => `Run: ${m} customers will move, ${r} will be refused`,
  },
  'zh-CN': {
    warning: /撤回电话渠道的营销授权/,
    reason: '已与客户处理完毕',
    run: (m, r) => `执行：将移交 ${m} 位客户，${r} 位将被拒绝`,
  },
};

let d: Dashboard;
const db = () => d.stores.operational.db;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261212,
    users: [ADMIN, MANAGER],
    locale: 'en-US',
    prepare: (stores) => seedPool(stores, CUSTOMERS),
  });
}, 120_000);

afterAll(async () => {
  await d?.close();
});

/** A page in `lang`, signed in as `user`. */
async function pageIn(lang: Lang, user: { username: string; password: string }): Promise<Page> {
  const context = await d.browser.newContext({ locale: lang, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    // 401 before signing in, 409 the refusal the consent warning comes with: both expected.
    if (m.type() === 'error' && !/\b(401|409)\b/.test(m.text())) d.consoleErrors.push(m.text());
  });
  await signIn(page, d.base, user.username, user.password);
  return page;
}

/** AM02's customers, by customer number (id = number). */
async function managerCustomers(): Promise<{ id: number; customer_no: string }[]> {
  return db()
    .selectFrom('customer_owners as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['c.id', 'c.customer_no'])
    .where('o.manager_id', '=', 'AM02')
    .orderBy('c.id')
    .execute();
}

describe.skipIf(!HAVE_CHROMIUM)('pool care', () => {
  for (const [k, lang] of LANGS.entries()) {
    it(`${lang}: warns before logging a call on a withdrawn channel, then saves it acknowledged`, async () => {
      const customer = (await managerCustomers())[k]!;
      await sql`insert into consents (customer_id, channel, purpose, status, updated_at)
        values (${customer.id}, 'phone', 'marketing', 'revoked', now())
        on conflict (customer_id, channel, purpose) do update set status = 'revoked'`.execute(db());
      const page = await pageIn(lang, MANAGER);
      await page.goto(`${d.base}/customers/${customer.customer_no}`);
      await page.getByTestId('customer-360').waitFor();
      const summary = `consent check ${lang} ${Date.now()}`;
      await page.getByTestId('c360-log').click();
      await page.getByTestId('interaction-summary').fill(summary);
      await page.getByTestId('interaction-save').click();
      // Warned, and nothing saved yet.
      await page.getByTestId('consent-warning').waitFor();
      expect(await page.getByTestId('consent-warning-text').innerText()).toMatch(WORDS[lang].warning);
      const before = await db()
        .selectFrom('interactions')
        .select('id')
        .where('customer_id', '=', customer.id)
        .execute();
      expect(before).toEqual([]);
      await page.screenshot({ path: `.tmp/pool-care-consent-${lang}.png`, fullPage: true });
      await page.getByTestId('consent-ack').click();
      const top = page.getByTestId('timeline-item').first();
      await expect.poll(() => top.innerText(), { timeout: 15_000 }).toContain(summary);
      const saved = await db()
        .selectFrom('interactions')
        .select(['id', 'consent_warning'])
        .where('customer_id', '=', customer.id)
        .executeTakeFirstOrThrow();
      expect(saved.consent_warning).toMatchObject({ touchpoint: 'phone', revokedPurposes: ['marketing'] });
      const audit = await db()
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'interaction.consent_warning_acknowledged')
        .where('entity_id', '=', String(saved.id))
        .execute();
      expect(audit).toEqual([{ actor: 'user:am2' }]);
      expect(d.consoleErrors).toEqual([]);
      await page.context().close();
    });

    it(`${lang}: dismisses a reminder with a reason and undoes it the same day`, async () => {
      const customer = (await managerCustomers())[10 + k]!;
      const reminder = await db()
        .insertInto('reminders')
        .values({
          customer_id: customer.id,
          kind: 'insurance_renewal',
          due_on: d.asOf,
          assignee_id: 'AM02',
          details: JSON.stringify({ accounts: [{ balance: 12345.67 }] }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(reminder.id);
      const page = await pageIn(lang, MANAGER);
      await page.goto(`${d.base}/pool`);
      await page.getByTestId('reminders-card').waitFor();
      await page.getByTestId('reminder-kind-insurance_renewal').click();
      const row = page.getByTestId(`myday-reminder-${id}`);
      await row.waitFor();
      // The card re-renders when the kind filter's answer arrives; a click during that may land on the old row, so
      // click until the dialog is open.
      const reason = page.getByTestId('dismiss-dialog-reason');
      await expect
        .poll(async () => {
          if (!(await reason.isVisible())) await page.getByTestId(`reminder-dismiss-${id}`).click();
          return reason.isVisible();
        })
        .toBe(true);
      await choose(page, reason, WORDS[lang].reason);
      await page.getByTestId('dismiss-dialog-ok').click();
      await row.waitFor({ state: 'detached' });
      const dismissed = await db()
        .selectFrom('reminders')
        .select(['status', 'dismiss_reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(dismissed).toEqual({ status: 'dismissed', dismiss_reason: WORDS[lang].reason });
      // Undo from the "dismissed today" view.
      await page.getByTestId('reminders-dismissed-view').click();
      await page.getByTestId(`reminder-undo-${id}`).click();
      await expect
        .poll(
          async () =>
            (
              await db()
                .selectFrom('reminders')
                .select('status')
                .where('id', '=', id)
                .executeTakeFirstOrThrow()
            ).status,
        )
        .toBe('open');
      const audit = await db()
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('entity_type', '=', 'reminder')
        .where('entity_id', '=', String(id))
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { action: 'reminder.dismissed', details: { reason: WORDS[lang].reason } },
        { action: 'reminder.undo_dismiss', details: { dismissedOn: d.asOf } },
      ]);
      expect(d.consoleErrors).toEqual([]);
      await page.context().close();
    });

    it(`${lang}: the handover preview's run button states how many will move and be refused`, async () => {
      const page = await pageIn(lang, ADMIN);
      await page.goto(`${d.base}/pool/handovers/new`);
      await page.getByTestId('handover-wizard').waitFor();
      await choose(page, page.getByTestId('handover-from'), /\(AM01\)/);
      await choose(page, page.getByTestId('handover-takers'), /\(AM03\)/);
      await page.keyboard.press('Escape');
      await page.getByTestId('handover-reason').fill('rebalancing');
      await page.getByTestId('handover-preview').click();
      await page.getByTestId('handover-preview-result').waitFor();
      const moved = Number(await page.getByTestId('preview-moved').getAttribute('data-value'));
      const refused = Number(await page.getByTestId('preview-refused').getAttribute('data-value'));
      expect(moved).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByTestId('handover-run').innerText())
        .toBe(WORDS[lang].run(moved, refused));
      await page.screenshot({ path: `.tmp/pool-care-handover-${lang}.png`, fullPage: true });
      expect(d.consoleErrors).toEqual([]);
      await page.context().close();
    });
  }
});
