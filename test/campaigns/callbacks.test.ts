import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/campaigns/channels/http-provider.ts';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { claimDeliveries } from '../../src/campaigns/delivery/queue.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { planForAudience } from '../../src/campaigns/runs/prepare.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';

// Provider callbacks over HTTP on the real app (PGlite + chDB): signed with the channel's secret or refused, recorded
// once each, delivered/failed moving a sent delivery forward only, every response a lifecycle event, and an SMS
// unsubscribe reply revoking marketing consent so that the next preview excludes the customer.

const SECRET = 'callback-test-secret-0123456789';
const LINK_SECRET = 'link-test-secret-0123456789';
const N = 30;
const now = new Date('2026-12-07T02:00:00Z'); // 10:00 in Shanghai
const clock = clockOf(() => new Date(now));

describe('provider callbacks', () => {
  let t: TestApp;
  let keys: string[];
  const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, caps: {} };

  const post = (channel: string, body: unknown, sign: { secret?: string; at?: Date } | null = {}) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const at = Math.floor((sign?.at ?? now).getTime() / 1000);
    return t.app.inject({
      method: 'POST',
      url: `/v1/channels/${channel}/callbacks`,
      headers: {
        'content-type': 'application/json',
        ...(sign ? { 'x-flywheel-signature': signBody(sign.secret ?? SECRET, at, payload) } : {}),
      },
      payload,
    });
  };
  const events = (customerId: number) =>
    t.stores.events.query<{ event_id: string; event: string; properties: string }>(
      `SELECT event_id, event, properties FROM events_dedup
        WHERE customer_id = {id:UInt32} AND startsWith(event, 'message_') ORDER BY event_id`,
      { id: customerId },
    );
  const delivery = (key: string) =>
    t.stores.operational.db
      .selectFrom('deliveries')
      .select(['status', 'last_error', 'customer_id'])
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      env: {
        FLYWHEEL_CHANNEL_SECRET_BANK_SMS: SECRET,
        FLYWHEEL_LINK_SECRET: LINK_SECRET,
        FLYWHEEL_PUBLIC_URL: 'https://bank.example/fw',
      },
    });
    const db = t.stores.operational.db;
    const { contentId } = await seedCampaignBank(db, clock, N, [
      { key: 'bank_sms', kind: 'sms', config: { url: 'http://127.0.0.1:9/sms', secret: 'bank_sms' } },
      { key: 'no_secret', kind: 'webhook', config: { url: 'http://127.0.0.1:9/hook', secret: 'missing' } },
    ]);
    const { runId } = await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
    // What the worker would have done: every delivery sent, the provider's id kept.
    await sql`update deliveries set status = 'sent', sent_at = ${now}, provider_id = 'P-' || customer_id
               where run_id = ${runId}`.execute(db);
    keys = (
      await db
        .selectFrom('deliveries')
        .select('idempotency_key')
        .where('run_id', '=', String(runId))
        .orderBy('customer_id')
        .execute()
    ).map((r) => r.idempotency_key);
  });
  afterAll(() => t.close());

  it('refuses unsigned, stale, forged and unknown-channel callbacks before reading them', async () => {
    const body = { idempotencyKey: keys[0], status: 'delivered', at: now.toISOString() };
    expect((await post('bank_sms', body, null)).statusCode).toBe(401);
    expect(
      (await post('bank_sms', body, { at: new Date(now.getTime() - 10 * 60_000) })).json(),
    ).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringContaining('stale') },
    });
    expect((await post('bank_sms', body, { secret: 'another-secret-0123456789' })).statusCode).toBe(401);
    expect((await post('nope', body)).statusCode).toBe(404);
    expect((await post('no_secret', body)).statusCode).toBe(401);
    // Signed but not a callback: a located 400.
    const bad = await post('bank_sms', [{ providerId: 'P-1', status: 'bounced', at: 'yesterday' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      { path: '/0/status', message: expect.any(String) },
      { path: '/0/at', message: expect.any(String) },
    ]);
    const both = await post('bank_sms', { ...body, providerId: 'P-1' });
    expect(both.statusCode).toBe(400);
    expect((await post('bank_sms', '{"status":', {})).statusCode).toBe(400);
    expect((await delivery(keys[0]!)).status).toBe('sent');
  });

  it('records each response once; delivered and failed only move a sent delivery forward', async () => {
    const at = new Date(now.getTime() + 5000).toISOString();
    const delivered = { idempotencyKey: keys[0], status: 'delivered', at };
    const first = await post('bank_sms', delivered);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ recorded: 1, duplicate: 0, results: [{ outcome: 'recorded' }] });
    expect(await delivery(keys[0]!)).toMatchObject({ status: 'delivered' });
    const again = await post('bank_sms', delivered);
    expect(again.json()).toMatchObject({ recorded: 0, duplicate: 1, results: [{ outcome: 'duplicate' }] });

    // A batch by provider id: a failure, then a late "delivered" for the failed one (not backwards), an open and a
    // click of another, the same open twice in the batch, and a message the bank never sent.
    const batch = await post('bank_sms', [
      { providerId: 'P-2', status: 'failed', at, error: 'number not in service' },
      { providerId: 'P-2', status: 'delivered', at },
      { providerId: 'P-3', status: 'opened', at },
      { providerId: 'P-3', status: 'opened', at },
      { providerId: 'P-3', status: 'clicked', at },
      { providerId: 'P-999', status: 'delivered', at },
      { idempotencyKey: 'not-a-key', status: 'delivered', at },
    ]);
    expect(batch.json()).toMatchObject({ recorded: 4, duplicate: 1, unknown: 2 });
    expect(batch.json().results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'recorded',
      'recorded',
      'recorded',
      'duplicate',
      'recorded',
      'unknown_delivery',
      'unknown_delivery',
    ]);
    expect(await delivery(keys[1]!)).toMatchObject({ status: 'failed', last_error: 'number not in service' });
    expect(await delivery(keys[2]!)).toMatchObject({ status: 'sent' }); // opens and clicks leave the status

    const customer1 = await events(1);
    expect(customer1.map((e) => [e.event_id, e.event])).toEqual([
      [`msg:${keys[0]}:delivered`, 'message_delivered'],
    ]);
    expect(JSON.parse(customer1[0]!.properties)).toMatchObject({
      campaign_id: expect.any(Number),
      run_id: expect.any(Number),
      content_id: expect.any(Number),
      content_version: 1,
      channel: 'sms',
      variant: 'sms',
      purpose: 'marketing',
    });
    expect((await events(3)).map((e) => e.event)).toEqual(['message_clicked', 'message_opened']);
    expect((await events(2)).map((e) => e.event)).toEqual(['message_delivered', 'message_failed']);
  });

  it('an SMS unsubscribe reply revokes marketing consent on SMS: the next preview excludes the customer', async () => {
    const db = t.stores.operational.db;
    const at = new Date(now.getTime() + 60_000).toISOString();
    const replies = await post('bank_sms', [
      { providerId: 'P-4', status: 'replied', at, reply: ' ＴＤ ' }, // full-width, padded
      { providerId: 'P-5', status: 'replied', at, reply: '谢谢，已收到' },
      { providerId: 'P-6', status: 'replied', at, reply: '退订' },
    ]);
    expect(replies.json().results).toEqual([
      { index: 0, outcome: 'recorded', idempotencyKey: keys[3], consentRevoked: true },
      { index: 1, outcome: 'recorded', idempotencyKey: keys[4] },
      { index: 2, outcome: 'recorded', idempotencyKey: keys[5], consentRevoked: true },
    ]);
    const consents = await db
      .selectFrom('consents')
      .select(['customer_id', 'purpose', 'status', 'source'])
      .where('customer_id', 'in', [4, 5, 6])
      .orderBy('customer_id')
      .orderBy('purpose')
      .execute();
    expect(consents).toEqual([
      { customer_id: 4, purpose: 'marketing', status: 'revoked', source: 'sms_reply' },
      { customer_id: 4, purpose: 'service', status: 'granted', source: 'import' },
      { customer_id: 5, purpose: 'marketing', status: 'granted', source: 'import' },
      { customer_id: 5, purpose: 'service', status: 'granted', source: 'import' },
      { customer_id: 6, purpose: 'marketing', status: 'revoked', source: 'sms_reply' },
      { customer_id: 6, purpose: 'service', status: 'granted', source: 'import' },
    ]);
    const history = await db
      .selectFrom('consent_history')
      .select(['customer_id', 'purpose', 'status', 'source'])
      .where('customer_id', '=', 4)
      .execute();
    expect(history).toEqual([
      { customer_id: 4, purpose: 'marketing', status: 'revoked', source: 'sms_reply' },
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor', 'entity_id', 'details'])
      .where('action', '=', 'consent.revoke')
      .orderBy('entity_id')
      .execute();
    expect(audit.map((a) => [a.actor, a.entity_id])).toEqual([
      ['system', '4'],
      ['system', '6'],
    ]);
    const replied = (await events(4)).find((e) => e.event === 'message_replied')!;
    expect(JSON.parse(replied.properties)).toMatchObject({ reply: ' ＴＤ ', unsubscribed: true });

    // The same reply again changes nothing; the next preview holds 4 and 6 back as opted out.
    expect(
      (await post('bank_sms', { providerId: 'P-4', status: 'replied', at, reply: 'TD' })).json(),
    ).toMatchObject({ duplicate: 1 });
    const preview = async (purpose: 'marketing' | 'service', ids: number[]) =>
      (
        await planForAudience(
          { db, clock, policy },
          { campaignId: 99, purpose, channels: [{ key: 'bank_sms', reaches: 'sms' }], controlPercent: 0 },
          new RoaringBitmap32(ids),
        )
      ).waterfall;
    expect(await preview('marketing', [4, 5, 6])).toMatchObject({ toSend: 1, excluded: { opted_out: 2 } });
    expect(await preview('service', [4])).toMatchObject({ toSend: 1 });
  });

  it('tracked links: the composer signs each link per delivery; following it records the click and redirects', async () => {
    const db = t.stores.operational.db;
    const deps = { db, clock };
    const created = await createContent(deps, 'user:author', {
      type: 'product',
      title: 'Link post',
      productId: 'WM-90',
      variants: {
        sms: { text: '{{ customer.surname }}{{ customer.salutation }}，详见https://bank.example/p/WM-90。' },
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    const contentId = created.value.contentId;
    await reviewContent(deps, 'user:author', contentId, 1, { action: 'submit' });
    await reviewContent(deps, 'user:checker', contentId, 1, { action: 'approve' });
    await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
    const [claimed] = await claimDeliveries(db, { workerId: 'w', now, limit: 1, leaseMs: 60_000 });
    const channels = new Map([
      ['bank_sms', { key: 'bank_sms', reaches: 'sms' as const, variant: 'sms' as const }],
    ]);
    const composer = new Composer(db, channels, 'Demo Bank', clock, {
      secret: LINK_SECRET,
      publicUrl: 'https://bank.example/fw',
    });
    const [composed] = await composer.compose([claimed!]);
    const text = (composed as { message: { fields: Record<string, string> } }).message.fields['text']!;
    const link = /https:\/\/bank\.example\/fw(\/r\/[A-Za-z0-9_.-]+)。$/.exec(text);
    expect(link, text).not.toBeNull();

    const follow = () => t.app.inject({ method: 'GET', url: link![1]! });
    const first = await follow();
    expect(first.statusCode).toBe(302);
    expect(first.headers['location']).toBe('https://bank.example/p/WM-90');
    expect((await follow()).statusCode).toBe(302);
    const clicks = (await events(claimed!.customerId)).filter((e) => e.event === 'message_clicked');
    expect(clicks).toHaveLength(1); // two visits, one event: its id is the delivery's and the URL's
    expect(clicks[0]!.event_id).toMatch(new RegExp(`^msg:${claimed!.idempotencyKey}:clicked:[0-9a-f]{12}$`));
    expect(JSON.parse(clicks[0]!.properties)).toMatchObject({
      url: 'https://bank.example/p/WM-90',
      content_id: contentId,
      channel: 'sms',
    });
    const responses = await db
      .selectFrom('delivery_responses')
      .select('status')
      .where('idempotency_key', '=', claimed!.idempotencyKey)
      .execute();
    expect(responses).toEqual([{ status: 'clicked' }]);

    // A tampered token is a 400 page, never a redirect.
    const tampered = link![1]!.replace(/.(\.)/, (m, dot: string) => (m[0] === 'A' ? 'B' : 'A') + dot);
    const refused = await t.app.inject({ method: 'GET', url: tampered, headers: { accept: 'text/html' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['location']).toBeUndefined();
    expect(refused.headers['content-type']).toContain('text/html');
    expect((await t.app.inject({ method: 'GET', url: '/r/not-a-token' })).json()).toMatchObject({
      error: { code: 'bad_request', message: 'this link is not valid' },
    });
  });
});
