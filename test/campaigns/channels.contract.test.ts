import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, OutgoingMessage } from '../../src/campaigns/channels/channel.ts';
import { emailChannel } from '../../src/campaigns/channels/email.ts';
import { pushChannel, smsChannel, webhookChannel } from '../../src/campaigns/channels/http-provider.ts';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { startHttpSink, startSmtpSink, type HttpSink, type SmtpSink } from '../support/message-sink.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';

// One contract every channel keeps (issue #11, item 4): a message reaches the provider with its idempotency key; the
// same message sent again (a retry after a crash) is still one message at the provider; a provider that fails for
// now is "retry", one that refuses for good is "failed", never an exception.

const SECRET = 'a-test-signing-secret-0123456789';
const clock = fixedClock('2026-12-07T02:00:00Z');
let seq = 0;
const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  idempotencyKey: `run1-c${++seq}-ch`,
  campaignId: 1,
  runId: 1,
  contentId: 7,
  contentVersion: 2,
  contentType: 'product',
  productCategory: 'wealth',
  customerId: seq,
  customerNo: `C${String(seq).padStart(6, '0')}`,
  to: over.reaches === 'email' ? `c${seq}@example.com` : '13800000000',
  reaches: 'sms',
  purpose: 'marketing',
  variant: 'sms',
  fields: { text: '王先生，新品上线', subject: 'New', html: '<p>New</p>', title: 'New', body: 'Body' },
  managerId: null,
  ...over,
});

interface Harness {
  readonly name: string;
  sender(): ChannelSender;
  /** Keys the provider holds (each once). */
  keys(): Promise<string[]>;
  /** Makes the provider fail the next send transiently / permanently; undefined when it cannot. */
  failNext?(kind: 'transient' | 'permanent' | 'silent' | 'garbage'): void;
}

let http: HttpSink;
let smtp: SmtpSink;
let store: OperationalStore;
beforeAll(async () => {
  [http, smtp, store] = await Promise.all([
    startHttpSink(SECRET),
    startSmtpSink(),
    openMigratedMemoryStore(),
  ]);
});
afterAll(async () => {
  await Promise.all([http.close(), smtp.close(), store.close()]);
});

const httpFail = (kind: 'transient' | 'permanent' | 'silent' | 'garbage') =>
  http.script.push(
    kind === 'transient'
      ? 'error500'
      : kind === 'permanent'
        ? 'error400'
        : kind === 'silent'
          ? 'silent'
          : 'garbage',
  );
// Generous for a loaded CI host; the silence test uses its own short timeout.
const httpConfig = (timeoutMs = 5000) => ({ url: http.url, secret: SECRET, timeoutMs });
const harnesses: Harness[] = [
  {
    name: 'webhook',
    sender: () => webhookChannel(httpConfig()),
    keys: async () => [...http.received.keys()],
    failNext: httpFail,
  },
  {
    name: 'sms',
    sender: () => smsChannel(httpConfig()),
    keys: async () => [...http.received.keys()],
    failNext: httpFail,
  },
  {
    name: 'push',
    sender: () => pushChannel(httpConfig()),
    keys: async () => [...http.received.keys()],
    failNext: httpFail,
  },
  {
    name: 'email',
    sender: () =>
      emailChannel({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: 'bank@example.com',
        timeoutMs: 2000,
      }),
    keys: async () => [...smtp.received.keys()].map((id) => id.replace(/^<(.*)@flywheel\.local>$/, '$1')),
    failNext: (kind) => {
      if (kind === 'transient') smtp.script.push(451);
      else if (kind === 'permanent') smtp.script.push(550);
    },
  },
  {
    name: 'outbox',
    sender: () => outboxChannel(store.db, clock, 'outbox'),
    keys: async () =>
      (await store.db.selectFrom('outbox_messages').select('idempotency_key').execute()).map(
        (r) => r.idempotency_key,
      ),
  },
];

for (const harness of harnesses) {
  describe(`channel contract: ${harness.name}`, () => {
    const signal = new AbortController().signal;
    const reaches = harness.name === 'email' ? ('email' as const) : ('sms' as const);

    it('delivers with the idempotency key; sending the same message again is still one message', async () => {
      const sender = harness.sender();
      const m = message({ reaches });
      expect((await sender.send(m, signal)).status).toBe('sent');
      expect((await sender.send(m, signal)).status).toBe('sent');
      const keys = await harness.keys();
      expect(keys.filter((k) => k === m.idempotencyKey)).toHaveLength(1);
      await sender.close?.();
    });

    const failNext = harness.failNext;
    // The outbox is our own table: it has no provider to fail.
    if (failNext)
      it('transient failures are retry, permanent ones failed, never a throw', async () => {
        const sender = harness.sender();
        failNext('transient');
        const first = message({ reaches });
        expect((await sender.send(first, signal)).status).toBe('retry');
        expect((await sender.send(first, signal)).status).toBe('sent');
        failNext('permanent');
        const refused = await sender.send(message({ reaches }), signal);
        expect(refused.status).toBe('failed');
        await sender.close?.();
      });
  });
}

describe('HTTP providers', () => {
  it('sign the body, time out on silence, and take an unreadable 2xx as accepted', async () => {
    const sender = webhookChannel(httpConfig(), () => clock.now());
    const m = message();
    await sender.send(m, new AbortController().signal);
    const got = http.received.get(m.idempotencyKey)!;
    expect(got.signed).toBe(true);
    expect(got.body).toMatchObject({
      idempotencyKey: m.idempotencyKey,
      customerNo: m.customerNo,
      message: m.fields,
    });

    http.script.push('silent');
    const started = Date.now();
    const silent = await webhookChannel(httpConfig(300)).send(message(), new AbortController().signal);
    expect(silent).toMatchObject({ status: 'retry', reason: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(5000);

    http.script.push('garbage');
    expect(await sender.send(message(), new AbortController().signal)).toEqual({
      status: 'sent',
      providerId: null,
    });
    http.script.push('retry429');
    expect(await sender.send(message(), new AbortController().signal)).toMatchObject({
      status: 'retry',
      retryAfterMs: 1000,
    });

    // A worker's stop cuts sends in flight: the send throws (the worker queues the message again under its key).
    http.script.push('silent');
    const stop = new AbortController();
    const cutAt = Date.now();
    const cut = sender.send(message(), stop.signal);
    setTimeout(() => stop.abort(), 50);
    await expect(cut).rejects.toThrow();
    expect(Date.now() - cutAt).toBeLessThan(2000);
    await expect(sender.send(message(), stop.signal)).rejects.toThrow();
  });

  it('an e-mail without an address fails for good', async () => {
    const sender = emailChannel({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'bank@example.com',
      timeoutMs: 2000,
    });
    expect(
      await sender.send(message({ reaches: 'email', to: null }), new AbortController().signal),
    ).toMatchObject({ status: 'failed' });
    await sender.close?.();
  });
});
