import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { ChannelSender, SendOutcome } from './channel.ts';

// E-mail through the bank's SMTP relay (nodemailer). The idempotency key travels as the Message-ID, which mail
// systems deduplicate on, and as an X-Flywheel-Idempotency-Key header.

export const emailConfigSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.int().min(1).max(65535),
    secure: z.boolean().default(false),
    user: z.string().max(255).optional(),
    password: z.string().max(255).optional(),
    from: z.string().min(3).max(255),
    timeoutMs: z.int().min(100).max(60_000).default(10_000),
  })
  .strict();
export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** SMTP reply codes 4xx are transient (try again), 5xx permanent. */
function outcomeOfError(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; message?: string; code?: string };
  const reason = (e.message ?? String(error)).slice(0, 200);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { status: 'failed', reason };
  if (e.code === 'EENVELOPE') return { status: 'failed', reason };
  return { status: 'retry', reason };
}

/** The e-mail channel over one pooled SMTP transport. */
export function emailChannel(config: EmailConfig, domain = 'flywheel.local'): ChannelSender {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    pool: true,
    maxConnections: 4,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    ...(config.secure ? {} : { ignoreTLS: true }),
  });
  return {
    kind: 'email',
    async send(message) {
      if (!message.to) return { status: 'failed', reason: 'the customer has no e-mail address' };
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.fields['subject'] ?? '',
          html: message.fields['html'] ?? '',
          messageId: `<${message.idempotencyKey}@${domain}>`,
          headers: { 'X-Flywheel-Idempotency-Key': message.idempotencyKey },
        });
        return { status: 'sent', providerId: info.messageId ?? null };
      } catch (error) {
        return outcomeOfError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
