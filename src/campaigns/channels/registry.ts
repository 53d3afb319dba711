import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { ChannelKind, ChannelTable } from '../../store/operational/campaign-tables.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ChannelSpec } from '../delivery/composer.ts';
import type { ChannelSender } from './channel.ts';
import { emailChannel, type EmailConfig } from './email.ts';
import { pushChannel, smsChannel, webhookChannel, type HttpProviderConfig } from './http-provider.ts';
import { outboxChannel } from './outbox.ts';

// The worker's senders, one per enabled row of the `channels` table, built by kind. A row's config says where to send
// and *names* its signing secret; the secret's value comes from the environment (FLYWHEEL_CHANNEL_SECRET_<NAME>), so
// the table, the audit trail and the logs never hold it. A channel this worker cannot send on (a kind built elsewhere,
// such as manager tasks, a secret or SMTP relay not configured here) is reported with the reason and left queued for a
// worker that can: the registry never throws for one bad row.

const secretName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'the name of a secret (FLYWHEEL_CHANNEL_SECRET_<NAME>)');

/** The config of a webhook, SMS gateway or push channel as the channels table keeps it. */
export const httpChannelConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: secretName,
    timeoutMs: z.int().min(100).max(60_000).default(5_000),
  })
  .strict();

/** The config of an e-mail channel: the relay is the process's (FLYWHEEL_SMTP_*); the channel may set its sender. */
export const emailChannelConfigSchema = z.object({ from: z.string().min(3).max(255).optional() }).strict();

/** What the registry builds senders with, besides the channels table. */
export interface ChannelEnvironment {
  /** Signing secrets by name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The SMTP relay, or undefined when this process has none. */
  readonly smtp: (Omit<EmailConfig, 'timeoutMs' | 'from'> & { readonly from: string }) | undefined;
  /** Senders for kinds this module does not build (e.g. manager_task), by kind. */
  readonly builders?: Partial<Record<ChannelKind, (row: ChannelRow) => ChannelSender>>;
}

type ChannelRow = Pick<ChannelTable, 'key' | 'kind' | 'reaches' | 'variant'> & {
  readonly config: Record<string, unknown>;
};

/** The senders of one worker. */
export interface ChannelRegistry {
  /** Channel key → sender, for the channels this worker can send on. */
  readonly senders: ReadonlyMap<string, ChannelSender>;
  /** Channel key → what the composer needs, for the same channels. */
  readonly specs: ReadonlyMap<string, ChannelSpec>;
  /** Enabled channels this worker cannot send on, and why (no secret value in the reason). */
  readonly unavailable: ReadonlyMap<string, string>;
  /** Releases every sender's connections. */
  close(): Promise<void>;
}

type Built = { sender: ChannelSender } | { reason: string };

const problem = (error: z.ZodError) =>
  `config ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;

function httpSender(row: ChannelRow, env: ChannelEnvironment): Built {
  const parsed = httpChannelConfigSchema.safeParse(row.config);
  if (!parsed.success) return { reason: problem(parsed.error) };
  const secret = env.secrets[parsed.data.secret];
  if (secret === undefined)
    return {
      reason: `secret ${parsed.data.secret} is not set (FLYWHEEL_CHANNEL_SECRET_${parsed.data.secret.toUpperCase()})`,
    };
  const config: HttpProviderConfig = { url: parsed.data.url, secret, timeoutMs: parsed.data.timeoutMs };
  const make = row.kind === 'sms' ? smsChannel : row.kind === 'push' ? pushChannel : webhookChannel;
  return { sender: make(config) };
}

function build(row: ChannelRow, db: Kysely<Database>, clock: Clock, env: ChannelEnvironment): Built {
  const supplied = env.builders?.[row.kind];
  if (supplied) return { sender: supplied(row) };
  switch (row.kind) {
    case 'webhook':
    case 'sms':
    case 'push':
      return httpSender(row, env);
    case 'outbox':
      return { sender: outboxChannel(db, clock, row.key) };
    case 'email': {
      if (!env.smtp) return { reason: 'no SMTP relay configured (FLYWHEEL_SMTP_HOST)' };
      const parsed = emailChannelConfigSchema.safeParse(row.config);
      if (!parsed.success) return { reason: problem(parsed.error) };
      return {
        sender: emailChannel({ ...env.smtp, from: parsed.data.from ?? env.smtp.from, timeoutMs: 10_000 }),
      };
    }
    default:
      return { reason: `${row.kind} channels are not available in this worker` };
  }
}

/** Builds a sender for every enabled channel this worker can send on; reports the others. */
export async function buildChannelRegistry(
  db: Kysely<Database>,
  clock: Clock,
  env: ChannelEnvironment,
): Promise<ChannelRegistry> {
  const rows = await db
    .selectFrom('channels')
    .select(['key', 'kind', 'reaches', 'variant', 'config'])
    .where('enabled', '=', true)
    .orderBy('key')
    .execute();
  const senders = new Map<string, ChannelSender>();
  const specs = new Map<string, ChannelSpec>();
  const unavailable = new Map<string, string>();
  for (const row of rows) {
    const built = build(row, db, clock, env);
    if ('reason' in built) {
      unavailable.set(row.key, built.reason);
      continue;
    }
    senders.set(row.key, built.sender);
    specs.set(row.key, {
      key: row.key,
      reaches: row.reaches,
      variant: row.variant,
      ...(row.kind === 'wecom_group' ? { sharedText: true } : {}),
    });
  }
  return {
    senders,
    specs,
    unavailable,
    async close() {
      await Promise.allSettled([...senders.values()].map((s) => s.close?.()));
    },
  };
}
