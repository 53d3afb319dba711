import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { z } from 'zod';
import type { ChannelSender, OutgoingMessage, SendOutcome } from './channel.ts';
import { post, type Answer } from './http-post.ts';

// Channels whose provider takes an HTTP POST of JSON: the generic webhook, the bank's SMS gateway and its push
// service differ only in the body they send. Every request is signed (HMAC-SHA256 over timestamp and body, as
// `X-Flywheel-Signature: t=<unix seconds>,v1=<hex>`), carries `Idempotency-Key`, and is bounded by a timeout.

export const httpProviderConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16).max(256),
    timeoutMs: z.int().min(100).max(60_000).default(5_000),
  })
  .strict();
export type HttpProviderConfig = z.infer<typeof httpProviderConfigSchema>;

/** The signature header value of `body` sent at `unixSeconds`. */
export function signBody(secret: string, unixSeconds: number, body: string): string {
  // Two updates MAC the same bytes as one over `${unixSeconds}.${body}`, without a copy of the body per message.
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(body).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

const RETRYABLE = new Set([408, 425, 429]);

/** How an HTTP answer is read: 2xx accepted (its `id` kept), 408/425/429/5xx retried, other 4xx refused for good. */
function outcomeOf(answer: Answer): SendOutcome {
  const { status, text } = answer;
  if (status >= 200 && status < 300) {
    let providerId: string | null = null;
    try {
      const body: unknown = JSON.parse(text);
      const id = body && typeof body === 'object' ? (body as Record<string, unknown>)['id'] : undefined;
      if (typeof id === 'string' || typeof id === 'number') providerId = String(id).slice(0, 200);
    } catch {
      // An unreadable acknowledgement is still an acceptance: the status code says so.
    }
    return { status: 'sent', providerId };
  }
  const reason = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (RETRYABLE.has(status) || status >= 500) {
    const after = Number(answer.retryAfter);
    return { status: 'retry', reason, ...(after > 0 ? { retryAfterMs: Math.min(after, 3600) * 1000 } : {}) };
  }
  return { status: 'failed', reason };
}

// undici's error codes for a provider that connected slowly or did not answer in time.
const NO_ANSWER = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** An HTTP JSON provider; `body` shapes what this kind of provider expects. */
export function httpProvider(
  kind: string,
  config: HttpProviderConfig,
  body: (message: OutgoingMessage) => unknown,
  now: () => Date = () => new Date(),
): ChannelSender {
  const url = new URL(config.url);
  const path = url.pathname + url.search;
  // One keep-alive connection pool per provider (undici: a fraction of fetch's cost per request, which counts at
  // thousands of messages a second); the worker's concurrency bounds how many connections are in use at once.
  const pool = new Pool(url.origin, {
    connections: 256,
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
  });
  return {
    kind,
    async send(message, signal) {
      const payload = JSON.stringify(body(message));
      const headers = {
        'content-type': 'application/json',
        'idempotency-key': message.idempotencyKey,
        'x-flywheel-signature': signBody(config.secret, Math.floor(now().getTime() / 1000), payload),
      };
      try {
        return outcomeOf(await post(pool, path, headers, payload, signal));
      } catch (error) {
        if (signal.aborted) throw error;
        const code = (error as { code?: string }).code;
        const reason = NO_ANSWER.has(code ?? '')
          ? `no answer within ${config.timeoutMs} ms`
          : (error as Error).message;
        return { status: 'retry', reason: reason.slice(0, 200) };
      }
    },
    async close() {
      // Requests in flight finish first (a registry refresh closes senders a batch may still be using).
      await pool.close();
    },
  };
}

/** The generic webhook: the whole message as JSON. */
export function webhookChannel(config: HttpProviderConfig, now?: () => Date): ChannelSender {
  return httpProvider(
    'webhook',
    config,
    (m) => ({
      idempotencyKey: m.idempotencyKey,
      campaignId: m.campaignId,
      runId: m.runId,
      contentId: m.contentId,
      contentVersion: m.contentVersion,
      customerNo: m.customerNo,
      to: m.to,
      reaches: m.reaches,
      purpose: m.purpose,
      variant: m.variant,
      message: m.fields,
    }),
    now,
  );
}

/** The bank's SMS gateway: number and text. */
export function smsChannel(config: HttpProviderConfig, now?: () => Date): ChannelSender {
  return httpProvider(
    'sms',
    config,
    (m) => ({ id: m.idempotencyKey, to: m.to, text: m.fields['text'] ?? '' }),
    now,
  );
}

/** The bank's app push service: the customer and the notification. */
export function pushChannel(config: HttpProviderConfig, now?: () => Date): ChannelSender {
  return httpProvider(
    'push',
    config,
    (m) => ({
      id: m.idempotencyKey,
      customerNo: m.customerNo,
      title: m.fields['title'] ?? '',
      body: m.fields['body'] ?? '',
    }),
    now,
  );
}
