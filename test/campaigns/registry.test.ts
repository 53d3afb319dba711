import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, OutgoingMessage } from '../../src/campaigns/channels/channel.ts';
import { buildChannelRegistry } from '../../src/campaigns/channels/registry.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { startHttpSink, startSmtpSink, type HttpSink, type SmtpSink } from '../support/message-sink.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';

// The worker's channel registry: one sender per enabled channels row, by kind; secrets by name from the environment,
// never in a reason; a channel it cannot build (manager tasks, a missing secret or relay, a bad config) reported, and
// its deliveries left queued for a worker that can send them.

const SECRET = 'registry-test-secret-0123456789';
const OTHER_SECRET = 'another-secret-value-987654321';
const clock = fixedClock('2026-12-07T02:00:00Z');
let store: OperationalStore;
let sink: HttpSink;
let smtp: SmtpSink;
let contentId: number;

beforeAll(async () => {
  [store, sink, smtp] = await Promise.all([
    openMigratedMemoryStore(),
    startHttpSink(SECRET),
    startSmtpSink(),
  ]);
  ({ contentId } = await seedCampaignBank(store.db, clock, 50, [
    { key: 'bank_sms', kind: 'sms', config: { url: sink.url, secret: 'bank_sms' } },
    { key: 'hook_nosecret', kind: 'webhook', config: { url: sink.url, secret: 'missing' } },
    { key: 'hook_bad', kind: 'webhook', config: { url: 'ftp://example.com', secret: 'bank_sms' } },
    { key: 'rm_task', kind: 'manager_task' },
    { key: 'mail', kind: 'email', config: { from: 'Bank <news@bank.example>' } },
    { key: 'demo', kind: 'outbox' },
    { key: 'retired', kind: 'outbox' },
  ]));
  await store.db.updateTable('channels').set({ enabled: false }).where('key', '=', 'retired').execute();
});
afterAll(async () => {
  await Promise.all([store.close(), sink.close(), smtp.close()]);
});

const message = (channel: string): OutgoingMessage => ({
  idempotencyKey: `1-1-${channel}`,
  campaignId: 1,
  runId: 1,
  contentId: 1,
  contentVersion: 1,
  contentType: 'product',
  productCategory: null,
  customerId: 1,
  customerNo: 'K0000001',
  to: channel === 'mail' ? 'c1@example.com' : '13800000001',
  reaches: 'sms',
  purpose: 'marketing',
  variant: 'sms',
  fields: { text: 'hello', subject: 'Hi', html: '<p>hi</p>' },
  managerId: null,
});

describe('channel registry', () => {
  it('builds a sender per enabled channel it can send on and says why not for the others, secrets unsaid', async () => {
    const registry = await buildChannelRegistry(store.db, clock, {
      secrets: { bank_sms: SECRET, unrelated: OTHER_SECRET },
      smtp: undefined,
    });
    try {
      expect([...registry.senders.keys()].sort()).toEqual(['bank_sms', 'demo']);
      expect(registry.specs.get('bank_sms')).toEqual({ key: 'bank_sms', reaches: 'sms', variant: 'sms' });
      expect(Object.fromEntries(registry.unavailable)).toEqual({
        hook_nosecret: 'secret missing is not set (FLYWHEEL_CHANNEL_SECRET_MISSING)',
        hook_bad: expect.stringMatching(/^config url: /),
        rm_task: 'manager_task channels are not available in this worker',
        mail: 'no SMTP relay configured (FLYWHEEL_SMTP_HOST)',
      });
      expect(registry.unavailable.has('retired')).toBe(false);
      for (const reason of registry.unavailable.values()) {
        expect(reason).not.toContain(SECRET);
        expect(reason).not.toContain(OTHER_SECRET);
      }
      // The SMS channel signs with the secret its config names.
      const sent = await registry.senders
        .get('bank_sms')!
        .send(message('bank_sms'), new AbortController().signal);
      expect(sent.status).toBe('sent');
      expect(sink.received.get('1-1-bank_sms')).toMatchObject({
        signed: true,
        body: { to: '13800000001', text: 'hello' },
      });
    } finally {
      await registry.close();
    }
  });

  it('uses a sender supplied for a kind it does not build, and the SMTP relay when there is one', async () => {
    const tasks: string[] = [];
    const managerTask: ChannelSender = {
      kind: 'manager_task',
      async send(m) {
        tasks.push(m.idempotencyKey);
        return { status: 'sent', providerId: null };
      },
    };
    const registry = await buildChannelRegistry(store.db, clock, {
      secrets: {},
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        user: undefined,
        password: undefined,
        from: 'x@y.z',
      },
      builders: { manager_task: () => managerTask },
    });
    try {
      expect(registry.senders.get('rm_task')).toBe(managerTask);
      expect(registry.unavailable.get('bank_sms')).toBe(
        'secret bank_sms is not set (FLYWHEEL_CHANNEL_SECRET_BANK_SMS)',
      );
      const mailed = await registry.senders.get('mail')!.send(message('mail'), new AbortController().signal);
      expect(mailed.status).toBe('sent');
      expect([...smtp.received.values()][0]!.raw).toContain('From: Bank <news@bank.example>');
    } finally {
      await registry.close();
    }
  });

  it("leaves a channel's deliveries queued when the worker cannot send on it", async () => {
    const { queued, runId } = await queueCampaignRun(store.db, clock, contentId, 'rm_task');
    expect(queued).toBeGreaterThan(0);
    const registry = await buildChannelRegistry(store.db, clock, { secrets: {}, smtp: undefined });
    try {
      const report = await deliverBatch(
        {
          db: store.db,
          clock,
          workerId: 'w',
          senders: registry.senders,
          composer: new Composer(store.db, registry.specs, 'Bank'),
        },
        new AbortController().signal,
      );
      expect(report.claimed).toBe(0);
      const statuses = await store.db
        .selectFrom('deliveries')
        .select('status')
        .distinct()
        .where('run_id', '=', String(runId))
        .execute();
      expect(statuses).toEqual([{ status: 'queued' }]);
    } finally {
      await registry.close();
    }
  });
});
