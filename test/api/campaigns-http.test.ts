import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender } from '../../src/campaigns/channels/channel.ts';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { completeFinishedRuns, deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { campaignDeps } from '../../src/api/routes/campaigns.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { accountsClient, type AccountsClient } from '../support/accounts-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { addChannel, seedCampaignBank } from '../support/campaign-fixture.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// Issue #11 over HTTP: the content library (located template and sensitive-word errors, masked preview, maker-checker),
// the contact policy and do-not-contact list, channels without secrets, and a campaign from draft through preview,
// approval, a run and its progress to the outbox — every answer masked, every change audited.

const PASSWORD = 'campaigns-test-pw';
const N = 200;
const engines: ('PGlite' | 'PostgreSQL')[] = ['PGlite'];
if (await postgresAvailable()) engines.push('PostgreSQL');

for (const engine of engines) {
  describe(`campaigns over HTTP on ${engine}`, () => {
    let t: TestApp;
    let c: AccountsClient;
    let drop: (() => Promise<void>) | undefined;
    const now = new Date('2026-12-07T02:00:00Z'); // 10:00 in Shanghai: outside quiet hours
    const clock = clockOf(() => new Date(now), 'Asia/Shanghai');
    const who: Record<'author' | 'checker' | 'manager' | 'compliance', string> = {
      author: '',
      checker: '',
      manager: '',
      compliance: '',
    };
    let approvedContent: number;

    const call = (
      as: keyof typeof who,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
    ) => c.call(who[as], method, url, body);
    const ok = async (
      as: keyof typeof who,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      body?: unknown,
    ) => {
      const res = await call(as, method, url, body);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
      return res.body;
    };

    beforeAll(async () => {
      const database =
        engine === 'PostgreSQL' ? await createTestDatabase('flywheel_campaigns_http') : undefined;
      drop = database?.drop;
      t = await createTestApp({ clock, ...(database ? { databaseUrl: database.url } : {}) });
      c = accountsClient(t.app);
      ({ contentId: approvedContent } = await seedCampaignBank(t.stores.operational.db, clock, N, [
        { key: 'outbox', kind: 'outbox', config: { secret: 'never-shown' } },
      ]));
      const users = [
        { username: 'author', role: 'analyst' },
        { username: 'checker', role: 'admin' },
        { username: 'manager', role: 'account_manager' },
        { username: 'compliance', role: 'analyst' }, // granted content.approve below, not campaigns.approve
      ] as const;
      for (const u of users) {
        await t.auth.createUser({ ...u, password: PASSWORD }, 'test');
        if (u.username === 'compliance')
          await t.stores.operational.db
            .updateTable('users')
            .set({ grants: JSON.stringify(['content.approve']) })
            .where('username', '=', 'compliance')
            .execute();
        who[u.username] = (await c.login(u.username, PASSWORD, '10.0.0.1')).cookie!;
      }
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    const post = {
      type: 'product',
      title: '稳健90天 晨间推送',
      productId: 'WM-90',
      variants: {
        sms: { text: '{{ customer.name }}您好，{{ product.name }}年化{{ product.rate }}%，{{ tag.nope }}' },
      },
    };

    it('locates unknown variables and sensitive words when saving content', async () => {
      const unknown = await call('author', 'POST', '/v1/content', post);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('validation_failed');
      expect(unknown.body.error.details).toEqual([
        expect.objectContaining({
          code: 'unknown_variable',
          path: '/variants/sms/text',
          line: 1,
          column: expect.any(Number),
        }),
      ]);
      expect(unknown.body.error.details[0].message).toContain('nope');

      const words = await call('author', 'POST', '/v1/content', {
        ...post,
        variants: { sms: { text: '本产品保本，{{ product.name }}' } },
      });
      expect(words.status).toBe(400);
      expect(words.body.error.details).toEqual([
        expect.objectContaining({
          code: 'sensitive_word',
          path: '/variants/sms/text',
          line: 1,
          column: 4,
        }),
      ]);
      expect(words.body.error.details[0].message).toContain('保本');

      // Both at once: one validation_failed, the one details shape — a list of located { path, message }.
      const both = await call('author', 'POST', '/v1/content', {
        ...post,
        variants: { sms: { text: '{{ customer.phone }}\n保本' } },
      });
      expect(both.status).toBe(400);
      expect(both.body.error.code).toBe('validation_failed');
      expect(both.body.error.details).toEqual([
        {
          path: '/variants/sms/text',
          line: 1,
          column: 4,
          code: 'unknown_variable',
          message: expect.stringContaining('customer.phone'),
        },
        {
          path: '/variants/sms/text',
          line: 2,
          column: 1,
          code: 'sensitive_word',
          message: expect.stringContaining('保本'),
        },
      ]);

      // The list is the bank's: an admin adds a word, content using it is refused; an analyst may not edit it.
      expect((await ok('author', 'GET', '/v1/content/sensitive-words')).isDefault).toBe(true);
      const list = (await ok('author', 'GET', '/v1/content/sensitive-words')).words as string[];
      expect(
        (await call('author', 'PUT', '/v1/content/sensitive-words', { words: [...list, '必涨'] })).status,
      ).toBe(403);
      expect((await call('checker', 'PUT', '/v1/content/sensitive-words', { words: [] })).status).toBe(400);
      const saved = await ok('checker', 'PUT', '/v1/content/sensitive-words', { words: [...list, '必涨'] });
      expect(saved).toMatchObject({ isDefault: false, words: expect.arrayContaining(['必涨', '保本']) });
      const refused = await call('author', 'POST', '/v1/content', {
        ...post,
        variants: { sms: { text: '\n下周必涨' } },
      });
      expect(refused.body.error.details).toEqual([
        expect.objectContaining({ code: 'sensitive_word', line: 2, column: 3 }),
      ]);
    });

    it('previews a draft for a real customer, masked, and takes content through maker-checker', async () => {
      const draft = {
        ...post,
        variants: { sms: { text: '{{ customer.name }}您好，{{ product.name }}年化{{ product.rate }}%' } },
      };
      const customer = await t.stores.operational.db
        .selectFrom('customers')
        .select(['customer_no', 'name', 'phone'])
        .where('id', '=', 3)
        .executeTakeFirstOrThrow();
      const preview = await ok('author', 'POST', '/v1/content/preview', {
        draft,
        customerNo: customer.customer_no,
      });
      expect(preview.customer.customerNo).toBe(customer.customer_no);
      expect(preview.variants).toEqual([
        {
          variant: 'sms',
          to: '138****0003',
          fields: { text: `${customer.name![0]}*您好，稳健90天年化2.85%` },
        },
      ]);
      expect(JSON.stringify(preview)).not.toContain(customer.phone!);
      expect(JSON.stringify(preview)).not.toContain(customer.name!);
      expect(
        (await call('author', 'POST', '/v1/content/preview', { draft, customerNo: 'K404' })).status,
      ).toBe(404);
      const variables = await ok('author', 'GET', '/v1/content/variables');
      expect(variables.fields.customer).toContain('name');

      const created = await call('author', 'POST', '/v1/content', draft);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ version: 1, status: 'draft', author: 'user:author' });
      const id = created.body.contentId as number;
      expect((await call('author', 'POST', `/v1/content/${id}/versions/1/approve`, {})).status).toBe(403); // no permission
      await ok('author', 'POST', `/v1/content/${id}/versions/1/submit`, {});
      // The admin who wrote nothing approves; an approver may not approve their own version (409/403 from the domain).
      const approved = await ok('checker', 'POST', `/v1/content/${id}/versions/1/approve`, { note: 'ok' });
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'user:checker', decisionNote: 'ok' });
      const v2 = await ok('author', 'PUT', `/v1/content/${id}`, { ...draft, title: 'v2' });
      expect(v2).toMatchObject({ version: 2, status: 'draft' });
      const detail = await ok('author', 'GET', `/v1/content/${id}`);
      expect(detail.item).toMatchObject({ latestVersion: 2, approvedVersion: 1, title: 'v2' });
      expect(detail.versions.map((v: { status: string }) => v.status)).toEqual(['draft', 'approved']);
      const mine = await ok('checker', 'POST', '/v1/content', draft);
      await ok('checker', 'POST', `/v1/content/${mine.contentId}/versions/1/submit`, {});
      const own = await call('checker', 'POST', `/v1/content/${mine.contentId}/versions/1/approve`, {});
      expect(own.status).toBe(403);
      expect(own.body.error.message).toContain('maker-checker');
      expect((await ok('author', 'GET', '/v1/content?type=product')).items.length).toBeGreaterThanOrEqual(3);
      expect((await call('author', 'GET', '/v1/content/99999')).status).toBe(404);
    });

    it('keeps the contact policy, the do-not-contact list and channels (never their secrets)', async () => {
      const policy = await ok('author', 'GET', '/v1/contact-policy');
      expect(policy).toMatchObject({
        timeZone: 'Asia/Shanghai',
        policy: { quietHours: { start: '21:00', end: '08:00' } },
      });
      const next = {
        ...policy.policy,
        globalHoldoutPercent: 0,
        quietHours: { start: '22:00', end: '07:30' },
      };
      expect((await call('author', 'PUT', '/v1/contact-policy', next)).status).toBe(403);
      const bad = await call('checker', 'PUT', '/v1/contact-policy', {
        ...next,
        quietHours: { start: '25:00', end: '07:00' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('/quietHours/start');
      expect((await ok('checker', 'PUT', '/v1/contact-policy', next)).policy.quietHours.start).toBe('22:00');

      const no = 'K0000005';
      expect(
        (
          await call('checker', 'POST', '/v1/contact-policy/do-not-contact', {
            customerNo: 'K404',
            reason: 'x',
          })
        ).status,
      ).toBe(404);
      expect(
        (await call('author', 'POST', '/v1/contact-policy/do-not-contact', { customerNo: no, reason: 'x' }))
          .status,
      ).toBe(403);
      await ok('checker', 'POST', '/v1/contact-policy/do-not-contact', {
        customerNo: no,
        reason: 'complaint',
      });
      const list = await ok('checker', 'GET', '/v1/contact-policy/do-not-contact');
      expect(list.total).toBe(1);
      expect(list.items[0]).toMatchObject({ customerNo: no, reason: 'complaint', addedBy: 'user:checker' });
      expect(list.items[0].name).toMatch(/^.\*$/);
      await ok('checker', 'DELETE', `/v1/contact-policy/do-not-contact/${no}`);
      expect((await call('checker', 'DELETE', `/v1/contact-policy/do-not-contact/${no}`)).status).toBe(404);
      await ok('checker', 'POST', '/v1/contact-policy/do-not-contact', {
        customerNo: 'K0000004',
        reason: 'legal hold',
      });

      const channels = await call('author', 'GET', '/v1/channels');
      expect(channels.body.channels).toEqual([
        { key: 'outbox', kind: 'outbox', reaches: 'sms', variant: 'sms', enabled: true },
      ]);
      expect(channels.text).not.toContain('never-shown');

      const audit = await t.stores.operational.db.selectFrom('audit_log').select('action').execute();
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining([
          'policy.update',
          'policy.do_not_contact.add',
          'policy.do_not_contact.remove',
          'content.sensitive_words',
        ]),
      );
    });

    it('runs a campaign from draft to outbox: preview equals what the run sends, progress and outbox masked', async () => {
      const draft = {
        name: 'Morning post for women',
        purpose: 'marketing',
        population: { rule: { attr: 'gender', op: '=', value: 'F' } },
        content: { id: approvedContent, version: 1 },
        channels: ['outbox'],
        schedule: { kind: 'now' },
        controlPercent: 10,
      };
      const unapproved = await call('author', 'POST', '/v1/campaigns', {
        ...draft,
        content: { id: approvedContent, version: 2 },
      });
      expect(unapproved.status).toBe(400);
      expect(unapproved.body.error.details[0].path).toBe('/content');
      const badRule = await call('author', 'POST', '/v1/campaigns', {
        ...draft,
        population: { rule: { attr: 'gender', op: 'like' } },
      });
      expect(badRule.status).toBe(400);
      expect(badRule.body.error.code).toBe('invalid_rule');
      // A WeCom group message is one text for all of a manager's customers: a per-customer variable is refused.
      await addChannel(t.stores.operational.db, clock, {
        key: 'wecom_group_sms',
        kind: 'wecom_group',
        reaches: 'wecom',
        variant: 'sms',
      });
      const personal = await call('author', 'POST', '/v1/campaigns', {
        ...draft,
        channels: ['wecom_group_sms'],
      });
      expect(personal.status).toBe(400);
      expect(personal.body.error.details[0]).toMatchObject({ path: '/channels/0' });
      expect(personal.body.error.message).toMatch(/reads customer\.surname, customer\.salutation/);
      await t.stores.operational.db.deleteFrom('channels').where('key', '=', 'wecom_group_sms').execute();

      const created = await call('author', 'POST', '/v1/campaigns', draft);
      expect(created.status).toBe(201);
      const id = created.body.id as number;
      expect(created.body).toMatchObject({ status: 'draft', latestVersion: 1, approvedVersion: null });
      const preview = await ok('author', 'POST', `/v1/campaigns/preview?campaignId=${id}`, draft);
      expect(preview.audience).toBe(N / 2);
      // Customers with id % 10 = 0 revoked SMS; id % 7 = 0 never answered; K0000004 is on the do-not-contact list.
      const women = Array.from({ length: N }, (_, i) => i + 1).filter((i) => i % 2 === 0);
      expect(preview.excluded.opted_out).toBe(women.filter((i) => i % 10 === 0 && i % 7 !== 0).length);
      expect(preview.excluded.no_consent).toBe(women.filter((i) => i % 7 === 0).length);
      expect(preview.excluded.do_not_contact).toBe(1);
      expect(preview.excluded.control_group).toBeGreaterThan(0);
      const excluded = Object.values(preview.excluded as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(preview.toSend + excluded).toBe(preview.audience);
      expect(preview.byChannel).toEqual({ outbox: preview.toSend });

      expect((await call('manager', 'GET', '/v1/campaigns')).status).toBe(403);
      await ok('author', 'POST', `/v1/campaigns/${id}/versions/1/submit`, {});
      expect((await call('author', 'POST', `/v1/campaigns/${id}/versions/1/approve`, {})).status).toBe(403);
      expect(await ok('checker', 'POST', `/v1/campaigns/${id}/versions/1/approve`, {})).toMatchObject({
        status: 'approved',
        approvedVersion: 1,
      });

      // The worker's part, in-process: the scheduler starts the run, the delivery worker sends it to the outbox.
      const segments = new SegmentService({
        db: t.stores.operational.db,
        events: t.stores.events,
        clock,
        tags: tagSource,
      });
      const [runId] = await startDueRuns(campaignDeps({ stores: t.stores, clock, segments }));
      expect(runId).toBeDefined();
      const before = (await ok('author', 'GET', `/v1/campaigns/${id}/runs`)).runs;
      expect(before[0]).toMatchObject({
        id: runId,
        status: 'sending',
        deliveries: { queued: preview.toSend },
      });
      expect(before[0].waterfall).toMatchObject({ toSend: preview.toSend, excluded: preview.excluded });
      const worker = {
        db: t.stores.operational.db,
        clock,
        workerId: 'test',
        senders: new Map<string, ChannelSender>([
          ['outbox', outboxChannel(t.stores.operational.db, clock, 'outbox')],
        ]),
        composer: new Composer(
          t.stores.operational.db,
          new Map([['outbox', { key: 'outbox', reaches: 'sms' as const, variant: 'sms' as const }]]),
          'Demo Bank',
        ),
        batchSize: 20,
      };
      await deliverBatch(worker, new AbortController().signal);
      const mid = (await ok('author', 'GET', `/v1/campaigns/${id}/runs`)).runs[0];
      expect(mid.deliveries).toEqual({ queued: preview.toSend - 20, sent: 20 });
      expect(mid.byChannel).toEqual({ outbox: mid.deliveries });
      while ((await deliverBatch(worker, new AbortController().signal)).claimed > 0);
      await completeFinishedRuns(t.stores.operational.db, clock.now());
      const done = (await ok('author', 'GET', `/v1/campaigns/${id}/runs`)).runs[0];
      expect(done).toMatchObject({ status: 'completed', deliveries: { sent: preview.toSend } });

      const outbox = await call('author', 'GET', `/v1/campaigns/${id}/outbox?limit=500`);
      expect(outbox.body.total).toBe(preview.toSend);
      const phones = await t.stores.operational.db
        .selectFrom('customers')
        .select(['phone', 'name'])
        .execute();
      for (const p of phones) expect(outbox.text).not.toContain(p.phone!);
      expect(outbox.body.items[0].to).toMatch(/^138\*{4}\d{4}$/);
      expect(outbox.body.items[0].fields.text).toMatch(/^.{1,3}，稳健90天年化2\.85%$/);
      expect(
        (await ok('author', 'GET', `/v1/campaigns/${id}/outbox?limit=5&offset=5&runId=${runId}`)).items,
      ).toHaveLength(5);

      // Results: the run's funnel against its control group, each figure defined; the CSV export audited.
      const results = await ok('author', 'GET', `/v1/campaigns/${id}/results?run=${runId}`);
      expect(results.run.id).toBe(runId);
      expect(results.totals).toMatchObject({
        audience: N / 2,
        targeted: preview.toSend,
        control: preview.excluded.control_group,
      });
      expect(results.funnel[0]).toEqual({ stage: 'audience', customers: N / 2 });
      expect(results.lift).toBeNull();
      expect(results.liftReason).toBeTruthy(); // no conversion event set on this campaign
      expect(results.definitions.targeted.en).toContain('consent');
      const csv = await call('author', 'GET', `/v1/campaigns/${id}/results.csv?lang=en`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.text.replace('\uFEFF', '').split('\r\n')[0]).toMatch(/^breakdown,group,audience,targeted,/);
      expect((await call('author', 'GET', `/v1/campaigns/${id}/results?run=999`)).status).toBe(404);
      const exported = await t.stores.operational.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'campaign.results.export')
        .execute();
      expect(exported).toHaveLength(1);

      // A one-shot campaign completes with its run: it cannot be paused, resumed, cancelled or edited any more.
      for (const action of ['pause', 'resume', 'cancel'])
        expect((await call('author', 'POST', `/v1/campaigns/${id}/${action}`)).status).toBe(409);
      expect((await call('author', 'PUT', `/v1/campaigns/${id}`, draft)).status).toBe(409);

      // Mid-run: pause holds the run, resume releases it, cancel ends it with its queued deliveries cancelled.
      const second = (await ok('author', 'POST', '/v1/campaigns', { ...draft, name: 'Second post' }))
        .id as number;
      await ok('author', 'POST', `/v1/campaigns/${second}/versions/1/submit`, {});
      await ok('checker', 'POST', `/v1/campaigns/${second}/versions/1/approve`, {});
      await startDueRuns(campaignDeps({ stores: t.stores, clock, segments }));
      expect((await ok('author', 'POST', `/v1/campaigns/${second}/pause`)).status).toBe('paused');
      expect((await ok('author', 'GET', `/v1/campaigns/${second}/runs`)).runs[0].status).toBe('paused');
      expect((await ok('author', 'POST', `/v1/campaigns/${second}/resume`)).status).toBe('running');
      expect((await ok('author', 'POST', `/v1/campaigns/${second}/cancel`)).status).toBe('cancelled');
      const cancelled = (await ok('author', 'GET', `/v1/campaigns/${second}/runs`)).runs[0];
      expect(cancelled.status).toBe('cancelled');
      expect(Object.keys(cancelled.deliveries)).toEqual(['cancelled']);
      const detail = await ok('author', 'GET', `/v1/campaigns/${id}`);
      expect(detail.campaign.status).toBe('completed');
      expect(detail.versions[0]).toMatchObject({ version: 1, status: 'approved', decidedBy: 'user:checker' });
      expect(
        (await ok('author', 'GET', '/v1/campaigns')).campaigns.map((x: { id: number }) => x.id),
      ).toContain(id);
      expect((await call('author', 'GET', '/v1/campaigns/9999/runs')).status).toBe(404);
    }, 60_000);

    it("sets a product's role (admins), compares results by it, and keeps campaign approval its own", async () => {
      const role = (as: keyof typeof who, id: string, body: unknown) =>
        call(as, 'PATCH', `/v1/products/${id}`, body);
      const bad = await role('checker', 'WM-90', { role: 'cash_cow' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.error)).toContain('role');
      expect((await role('checker', 'NOPE', { role: 'traffic' })).status).toBe(404);
      const analyst = await role('author', 'WM-90', { role: 'traffic' });
      expect(analyst.status).toBe(403);
      expect(analyst.body.error.message).toContain('products.write');
      expect((await role('checker', 'WM-90', { role: 'hot_selling' })).body).toMatchObject({
        id: 'WM-90',
        role: 'hot_selling',
      });
      const audit = await t.stores.operational.db
        .selectFrom('audit_log')
        .select(['actor', 'details'])
        .where('action', '=', 'product.role')
        .execute();
      expect(audit).toEqual([{ actor: 'user:checker', details: { from: 'profit', to: 'hot_selling' } }]);
      expect((await ok('author', 'GET', '/v1/content/products')).products).toEqual([
        { id: 'WM-90', name: '稳健90天', category: 'wealth', role: 'hot_selling' },
      ]);

      // The run completed by the previous case is the hot-selling product's now.
      const byRole = await ok('author', 'GET', '/v1/campaign-results/by-product-role?to=2026-12-07');
      expect(byRole.roles.find((r: { role: string }) => r.role === 'hot_selling')).toMatchObject({
        campaigns: 1,
        runs: 1,
      });
      expect(byRole.definitions.targeted.en).toContain('Sum over the runs');
      const reversed = await call(
        'author',
        'GET',
        '/v1/campaign-results/by-product-role?from=2026-12-08&to=2026-12-07',
      );
      expect(reversed.status).toBe(400);
      expect(JSON.stringify(reversed.body.error)).toContain('from');

      // Holding content.approve is not holding campaigns.approve: the compliance analyst is refused, naming it.
      const draft = {
        name: 'Pending',
        purpose: 'marketing',
        population: { rule: { attr: 'gender', op: '=', value: 'M' } },
        controlPercent: 0,
        content: { id: approvedContent, version: 1 },
        channels: ['outbox'],
        schedule: { kind: 'now' },
      };
      const pending = (await ok('author', 'POST', '/v1/campaigns', draft)).id as number;
      await ok('author', 'POST', `/v1/campaigns/${pending}/versions/1/submit`, {});
      const refused = await call('compliance', 'POST', `/v1/campaigns/${pending}/versions/1/approve`, {});
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('lacks permission campaigns.approve');
    });
  });
}
