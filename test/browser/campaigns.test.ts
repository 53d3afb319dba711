// Issue #11, "Done when", in a real browser against the real server, in the dashboard alone: an analyst writes a
// product post (a sensitive word is located, then fixed), an administrator approves it; the analyst builds a campaign
// to a customer group with a 10% control group over a webhook (to a local sink) and the outbox, whose preview shows
// the opted-out customers excluded; the administrator approves it; the run is sent (the worker's functions called
// in-process), progress reaches done, and the results page shows the lift over the control group and the content's
// product; the administrator gives that product a role and the campaigns list compares results by it. Then the
// wizard's audience by rule (its live count is the preview's audience) and a holding-reminder campaign, saved with its
// reminder.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender } from '../../src/campaigns/channels/channel.ts';
import { webhookChannel } from '../../src/campaigns/channels/http-provider.ts';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { recordSentMessages } from '../../src/campaigns/delivery/feedback.ts';
import { completeFinishedRuns, deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { saveContactPolicy } from '../../src/campaigns/policy/store.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { campaignDeps } from '../../src/api/routes/campaigns.ts';
import { createSegment } from '../../src/segments/segment-store.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { startHttpSink, type HttpSink } from '../support/message-sink.ts';
import {
  addCondition,
  apiJson,
  choose,
  fillAttrCondition,
  HAVE_CHROMIUM,
  rawValue,
  settledCount,
  signIn,
  startDashboard,
  type Dashboard,
  chooseKey,
} from './harness.ts';

const AUTHOR = { username: 'author1', role: 'analyst' as const, password: 'author-pass-1' };
const CHECKER = { username: 'checker1', role: 'admin' as const, password: 'checker-pass-1' };
const SECRET = 'browser-webhook-secret';
const CUSTOMERS = 400;

describe.skipIf(!HAVE_CHROMIUM)('campaigns in the dashboard', () => {
  let d: Dashboard;
  let sink: HttpSink;
  const clock = systemClock('Asia/Shanghai');

  beforeAll(async () => {
    sink = await startHttpSink(SECRET);
    d = await startDashboard({
      customers: CUSTOMERS,
      seed: 11,
      users: [AUTHOR, CHECKER],
      prepare: async (stores) => {
        const db = stores.operational.db;
        const now = new Date();
        // Consents: SMS granted to everyone but every tenth customer counting from 5 (revoked, and without e-mail:
        // opted out everywhere); e-mail granted to even customers, who get the webhook first.
        const ids = Array.from({ length: CUSTOMERS }, (_, i) => i + 1);
        await db
          .insertInto('consents')
          .values([
            ...ids.map((id) => ({
              customer_id: id,
              channel: 'sms' as const,
              status: id % 10 === 5 ? ('revoked' as const) : ('granted' as const),
              source: 'import',
              updated_at: now,
            })),
            ...ids
              .filter((id) => id % 2 === 0)
              .map((id) => ({
                customer_id: id,
                channel: 'email' as const,
                status: 'granted' as const,
                source: 'import',
                updated_at: now,
              })),
          ])
          .execute();
        await db
          .insertInto('channels')
          .values([
            {
              key: 'partner_webhook',
              kind: 'webhook',
              reaches: 'email',
              variant: 'sms',
              config: JSON.stringify({ url: sink.url, secret: SECRET }),
              updated_by: 'test',
              updated_at: now,
            },
            {
              key: 'outbox',
              kind: 'outbox',
              reaches: 'sms',
              variant: 'sms',
              config: '{}',
              updated_by: 'test',
              updated_at: now,
            },
          ])
          .execute();
        // Any hour of the day: no quiet hours here (they would defer the run to the morning); no global holdout.
        await saveContactPolicy({ db, clock }, 'test', {
          ...DEFAULT_CONTACT_POLICY,
          quietHours: null,
          globalHoldoutPercent: 0,
        });
        const segments = new SegmentService({ db, events: stores.events, clock, tags: tagSource });
        const saved = await createSegment(
          segments,
          { id: 'wealth_prospects', name: '理财潜客', rule: { sample: { percent: 60, seed: 'prospects' } } },
          'test',
        );
        if (!saved.ok) throw new Error(saved.error.message);
      },
    });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
    await sink?.close();
  });

  const as = async (page: Page, user: { username: string; password: string }) => {
    await page.context().clearCookies();
    await signIn(page, d.base, user.username, user.password);
  };

  it('writes, approves, sends with a control group and reads the lift, in the dashboard alone', async () => {
    const page = d.page;
    // The content editor's refused previews and saves are 400s on purpose.
    d.expectBadRequests.push('/v1/content/preview', '/v1/content');

    // The analyst writes a product post; a sensitive word is located before saving, then fixed.
    await as(page, AUTHOR);
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-tab-content').click();
    await page.getByTestId('content-new').click();
    await choose(page, page.getByTestId('content-product'), 'Balanced fund');
    await page.getByTestId('content-title').fill('稳健理财晨报');
    const sms = page.getByTestId('variant-sms-text');
    await sms.fill('{{ customer.surname }}{{ customer.salutation }}您好，{{ product.name }}保本高收益');
    await expect
      .poll(() => page.getByTestId('content-problem').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('保本'), expect.stringContaining('高收益')]);
    // Each at its field with its position: validation_failed's list of { path: '/variants/sms/text', line, column }.
    for (const shown of await page.getByTestId('content-problem').allInnerTexts())
      expect(shown).toMatch(/(SMS.*line 1, column \d+|短信.*第 1 行第 \d+ 列)/);
    await sms.fill(
      '{{ customer.surname }}{{ customer.salutation }}您好，{{ product.name }}稳健之选，欢迎了解。',
    );
    await expect.poll(() => page.getByTestId('preview-sms-text').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('preview-sms-text').innerText()).toContain('Balanced fund稳健之选');
    await page.getByTestId('content-save').click();
    await page.waitForURL(/\/campaigns\/content\/\d+$/);
    const contentUrl = page.url();
    await page.getByTestId('content-version-1-submit').click();
    await expect.poll(() => rawValue(page, 'content-version-1-status')).toBe('pending');

    // Someone else approves it.
    await as(page, CHECKER);
    await page.goto(contentUrl);
    await page.getByTestId('content-version-1-approve').click();
    await expect.poll(() => rawValue(page, 'content-version-1-status')).toBe('approved');

    // The analyst builds the campaign: group → content → webhook then outbox → now → 10% control, conversion.
    await as(page, AUTHOR);
    await page.goto(`${d.base}/campaigns/new`);
    await choose(page, page.getByTestId('audience-segment'), '理财潜客');
    await page.getByTestId('wizard-next').click();
    await choose(page, page.getByTestId('campaign-content'), '稳健理财晨报');
    await page.getByTestId('wizard-next').click();
    await choose(page, page.getByTestId('campaign-channel-add'), /Webhook/, {
      taken: async () => (await page.getByTestId('campaign-channels').innerText()).includes('Webhook'),
    });
    await choose(page, page.getByTestId('campaign-channel-add'), /发件箱/, {
      taken: async () => (await page.getByTestId('campaign-channels').innerText()).includes('发件箱'),
    });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('campaign-name').fill('理财晨报推送');
    expect(await page.getByTestId('campaign-control').inputValue()).toBe('10');
    await choose(page, page.getByTestId('campaign-conversion'), 'purchase');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('campaign-preview').click();
    await page.getByTestId('waterfall').waitFor();
    const toSend = Number(await rawValue(page, 'wf-toSend'));
    const optedOut = Number(await rawValue(page, 'wf-opted_out'));
    const control = Number(await rawValue(page, 'wf-control_group'));
    expect(optedOut).toBeGreaterThan(0);
    expect(control).toBeGreaterThan(0);
    expect(toSend).toBeGreaterThan(0);
    await page.getByTestId('campaign-submit').click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    const campaignUrl = page.url();
    const campaignId = Number(campaignUrl.split('/').pop());

    // The administrator approves; the worker (in-process here) starts the run and sends it.
    await as(page, CHECKER);
    await page.goto(campaignUrl);
    await page.getByTestId('campaign-approve').click();
    await expect.poll(() => rawValue(page, 'campaign-status')).toBe('approved');
    const db = d.stores.operational.db;
    const segments = new SegmentService({ db, events: d.stores.events, clock, tags: tagSource });
    const [runId] = await startDueRuns(campaignDeps({ stores: d.stores, clock, segments }));
    expect(runId).toBeDefined();
    const channels = new Map([
      ['partner_webhook', { key: 'partner_webhook', reaches: 'email' as const, variant: 'sms' as const }],
      ['outbox', { key: 'outbox', reaches: 'sms' as const, variant: 'sms' as const }],
    ]);
    const worker = {
      db,
      clock,
      workerId: 'browser-test',
      senders: new Map<string, ChannelSender>([
        ['partner_webhook', webhookChannel({ url: sink.url, secret: SECRET, timeoutMs: 5_000 })],
        ['outbox', outboxChannel(db, clock, 'outbox')],
      ]),
      composer: new Composer(db, channels, 'Demo Bank'),
      onSent: recordSentMessages(d.stores.events),
    };
    while ((await deliverBatch(worker, new AbortController().signal)).claimed > 0);
    await completeFinishedRuns(db, clock.now());

    // Progress reaches done on the page (it polls); the sink and the outbox hold exactly the preview's "to send".
    await expect.poll(() => rawValue(page, 'run-status'), { timeout: 15_000 }).toBe('completed');
    expect(Number(await rawValue(page, 'delivery-sent'))).toBe(toSend);
    const outbox = Number(await page.getByTestId('outbox-table').getAttribute('data-total'));
    expect(sink.received.size + outbox).toBe(toSend);
    expect(sink.received.size).toBeGreaterThan(0);
    expect(outbox).toBeGreaterThan(0);
    expect([...sink.received.values()].every((r) => r.signed)).toBe(true);

    // Customers buy: more of those who got the post than of the control group; the results show the lift.
    const run = await db
      .selectFrom('campaign_runs')
      .select(['control'])
      .where('id', '=', String(runId))
      .executeTakeFirstOrThrow();
    const targeted = await db
      .selectFrom('deliveries')
      .select('customer_id')
      .where('run_id', '=', String(runId))
      .execute();
    const { deserializeBitmap } = await import('../../src/tags/snapshot-store.ts');
    const held = deserializeBitmap(run.control!).toArray();
    const buyers = [
      ...targeted.map((t) => t.customer_id).filter((id) => id % 5 < 2),
      ...held.filter((id) => id % 10 === 0),
    ];
    const numbers = new Map(
      (
        await db.selectFrom('customers').select(['id', 'customer_no']).where('id', 'in', buyers).execute()
      ).map((r) => [r.id, r.customer_no]),
    );
    await d.stores.events.insert(
      'events',
      buyers.map((id) => ({
        event_id: `buy-${id}`,
        customer_id: id,
        distinct_id: numbers.get(id)!,
        event: 'purchase',
        time: Date.now(),
        properties: {},
      })),
    );
    await page.reload();
    await page.getByTestId('campaign-results').waitFor();
    await expect.poll(() => page.getByTestId('results-lift').count(), { timeout: 15_000 }).toBe(1);
    const api = await apiJson<{ lift: { absolute: { estimate: number } } }>(
      page,
      'GET',
      `/v1/campaigns/${campaignId}/results`,
    );
    expect(Number(await rawValue(page, 'results-lift'))).toBeCloseTo(api.body.lift.absolute.estimate, 10);
    expect(api.body.lift.absolute.estimate).toBeGreaterThan(0);
    expect(await page.getByTestId('results-product').innerText()).toContain('Balanced fund');
    await page.screenshot({ path: '.tmp/campaign-results.png', fullPage: true });

    // The administrator gives the content's product a role on the Products tab; the campaigns list compares by it.
    await page.goto(`${d.base}/campaigns/products`);
    await choose(page, page.getByTestId('product-role-FUND01'), '主力盈利');
    const products = async () =>
      (
        await apiJson<{ products: { id: string; role: string | null }[] }>(
          page,
          'GET',
          '/v1/content/products',
        )
      ).body.products;
    await expect.poll(async () => (await products()).find((p) => p.id === 'FUND01')?.role).toBe('profit');
    await page.goto(`${d.base}/campaigns`);
    const profit = page.getByTestId('campaign-by-role').locator('tr[data-row-key="profit"] td');
    await expect
      .poll(() => profit.allInnerTexts(), { timeout: 10_000 })
      .toEqual([
        '主力盈利',
        '1',
        '1',
        String(toSend),
        String(toSend),
        expect.any(String),
        expect.any(String),
        expect.stringMatching(/%$/),
      ]);
    expect(d.consoleErrors).toEqual([]);
  }, 120_000);

  /** Content, the outbox channel and the schedule as they come, the name: the steps after the audience, to preview. */
  const toPreview = async (page: Page, name: string, onContent?: () => Promise<void>) => {
    await page.getByTestId('wizard-next').click();
    await onContent?.();
    await choose(page, page.getByTestId('campaign-content'), '稳健理财晨报');
    await page.getByTestId('wizard-next').click();
    await choose(page, page.getByTestId('campaign-channel-add'), /发件箱/, {
      taken: async () => (await page.getByTestId('campaign-channels').innerText()).includes('发件箱'),
    });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('campaign-name').fill(name);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('campaign-preview').click();
    await page.getByTestId('waterfall').waitFor();
  };
  /** The latest version's body of the campaign of this name, as the API has it. */
  const savedDraft = async (page: Page, name: string) => {
    const list = await apiJson<{ campaigns: { id: number; name: string }[] }>(page, 'GET', '/v1/campaigns');
    const id = list.body.campaigns.find((c) => c.name === name)?.id;
    const detail = await apiJson<{ versions: { draft: Record<string, unknown> }[] }>(
      page,
      'GET',
      `/v1/campaigns/${id}`,
    );
    return detail.body.versions[0]?.draft;
  };

  it('builds the audience by rule (its live count is the preview audience) and saves a holding reminder', async () => {
    const page = d.page;
    await as(page, AUTHOR);
    // Tag conditions count on a computed tag snapshot.
    expect((await apiJson(page, 'POST', '/v1/tags/compute', {})).status).toBe(200);
    const node = (path: string) => page.locator(`[data-testid="rule-node"][data-path="${path}"]`);

    await page.goto(`${d.base}/campaigns/new`);
    await page.getByTestId('audience-kind').getByText('按规则').click();
    await addCondition(page, '$', 'tag');
    await chooseKey(page, node('$.all[0]').getByTestId('cond-tag-key'), 'aum_tier');
    await choose(page, node('$.all[0]').getByTestId('cond-tag-values'), '金卡');
    await choose(page, node('$.all[0]').getByTestId('cond-tag-values'), '白金卡');
    await page.keyboard.press('Escape');
    await addCondition(page, '$', 'attr');
    await fillAttrCondition(page, node('$.all[1]'), 'aum', '≥', '100000');
    const rule = {
      all: [
        { tag: 'aum_tier', in: ['gold', 'platinum'] },
        { attr: 'aum', op: '>=', value: 100000 },
      ],
    };
    const live = await settledCount(page);
    expect(live.rule).toEqual(rule);
    expect(live.count).toBeGreaterThan(0);
    await page.screenshot({ path: '.tmp/campaign-rule-audience.png', fullPage: true });
    await toPreview(page, '金卡白金卡规则推送');
    expect(Number(await rawValue(page, 'wf-audience'))).toBe(live.count);
    expect((await savedDraft(page, '金卡白金卡规则推送'))?.['population']).toEqual({ rule });

    // A holding reminder: off by default; on, it makes the campaign a daily service notice.
    await page.goto(`${d.base}/campaigns/new`);
    await choose(page, page.getByTestId('audience-segment'), '理财潜客');
    expect(await page.getByTestId('reminder-on').getAttribute('aria-checked')).toBe('false');
    await page.getByTestId('reminder-on').click();
    await choose(page, page.getByTestId('reminder-kind'), '保险续期');
    await page.getByTestId('reminder-days').fill('10');
    await expect.poll(() => page.getByTestId('reminder-reaches').innerText()).toContain('保险续期');
    expect(await page.getByTestId('reminder-reaches').innerText()).toContain('10');
    await page.screenshot({ path: '.tmp/campaign-reminder.png', fullPage: true });
    await toPreview(page, '保险续期提醒', async () => {
      expect(await page.getByTestId('reminder-variables').innerText()).toContain('{{ reminder.due_date }}');
    });
    const draft = await savedDraft(page, '保险续期提醒');
    expect(draft?.['reminder']).toEqual({ kind: 'insurance_renewal', daysBefore: 10 });
    expect(draft?.['purpose']).toBe('service');
    expect(draft?.['schedule']).toMatchObject({ kind: 'daily' });
    expect(d.consoleErrors).toEqual([]);
  }, 60_000);
});
