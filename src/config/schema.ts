import { z } from 'zod';
import { DEFAULT_TIME_ZONE, timeZoneProblem } from '../shared/clock.ts';

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' });

const booleanFlag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** The environment variables Flywheel reads, with defaults; parsed once at start. */
/** The ways a WeCom friend can be matched to a customer (FLYWHEEL_WECOM_MATCH). */
export const WECOM_MATCH_RULES = ['unionid', 'phone', 'remark'] as const;
export type WecomMatchRule = (typeof WECOM_MATCH_RULES)[number];

export const configSchema = z.object({
  FLYWHEEL_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalUrl,
  CLICKHOUSE_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FLYWHEEL_DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(20_000_000).default(100_000),
  FLYWHEEL_DEMO_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  FLYWHEEL_DEMO_SEED: z.string().min(1).default('flywheel'),
  FLYWHEEL_SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
  /** The test clock an admin can move forward (journeys, reminders, daily batches): auto = on with the embedded store. */
  FLYWHEEL_TEST_CLOCK: z.enum(['auto', 'on', 'off']).default('auto'),
  FLYWHEEL_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** scrypt's cost (log2 N) for new password hashes; lower only to make test suites quicker. */
  FLYWHEEL_PASSWORD_COST: z.coerce.number().int().min(10).max(20).default(15),
  FLYWHEEL_EVENTS_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(1000),
  FLYWHEEL_HANDOVER_CHUNK: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Test-only: a pause between handover chunks, so a test can kill the process mid-job. */
  FLYWHEEL_HANDOVER_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** The bank's time zone (IANA): business days, the daily schedule and every analysis's days are cut in it. */
  FLYWHEEL_TIMEZONE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? DEFAULT_TIME_ZONE : v))
    .superRefine((zone, ctx) => {
      const problem = timeZoneProblem(zone);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** When the daily batch runs, 'HH:MM' on the bank's wall clock (FLYWHEEL_TIMEZONE), or 'off'. */
  FLYWHEEL_TAGS_DAILY_AT: z
    .string()
    .regex(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, "must be 'HH:MM' (the bank's time zone) or 'off'")
    .default('02:00'),
  /** PostgreSQL only: a login confined to schema sql_tag for SQL tags; provisioned by Flywheel when unset. */
  FLYWHEEL_SQL_TAG_DATABASE_URL: optionalUrl,
  /** The session cookie's Secure attribute: auto (when the request came over HTTPS), 1 (always), 0 (never). */
  FLYWHEEL_COOKIE_SECURE: z.enum(['auto', '1', '0']).default('auto'),
  /** Signs tracked links in messages (/r/<token>); unset: links are sent as written and clicks are not tracked. */
  FLYWHEEL_LINK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || v.length >= 16, {
      message: 'a link secret has at least 16 characters',
    }),
  /** The address customers reach this server at, for tracked links (default http://localhost:<PORT>). */
  FLYWHEEL_PUBLIC_URL: optionalUrl,
  /** Trust X-Forwarded-For/-Proto/-Host from a reverse proxy (client address, HTTPS, own origin). */
  FLYWHEEL_TRUST_PROXY: booleanFlag,
  FLYWHEEL_REQUIRE_SERVERS: booleanFlag,
  /** The RTA decision service (`--services=rta`): its own HTTP port, separate from the API's. */
  FLYWHEEL_RTA_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** Seconds between the RTA service's checks for saved strategies (a change is live within one poll + rebuild). */
  FLYWHEEL_RTA_POLL_SECONDS: z.coerce.number().min(0.05).max(60).default(5),
  /** Seconds the ad platform may cache an answer that matched no strategy. */
  FLYWHEEL_RTA_DEFAULT_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** One decision in this many is written to the decision log (errors always are). */
  FLYWHEEL_RTA_LOG_SAMPLE: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /**
   * Requests per second a simulated ad platform sends the RTA service of a demo installation (demo devices and unknown
   * ones), so its live page moves; auto = 20 with the embedded store and a demo bank, else 0.
   */
  FLYWHEEL_DEMO_RTA_TRAFFIC: z
    .union([z.literal('auto'), z.coerce.number().int().min(0).max(10_000)])
    .default('auto'),
  /** The worker service: deliveries claimed per batch, sends in flight per batch, claim loops per process. */
  FLYWHEEL_WORKER_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
  FLYWHEEL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  FLYWHEEL_WORKER_LOOPS: z.coerce.number().int().min(1).max(16).default(2),
  /** How long a claim is held before another worker may take it again (a killed worker's claims come back then). */
  FLYWHEEL_WORKER_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** How often the worker looks for due campaign runs (and prepares them). */
  FLYWHEEL_WORKER_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /**
   * How often the worker moves journeys (events ingested since, schedule slots, timers due): its own tick, so an
   * event-triggered entry is not behind a campaign run being prepared.
   */
  FLYWHEEL_JOURNEY_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(500),
  /** The bank's SMTP relay for `email` channels; unset: email channels are not available in this worker. */
  FLYWHEEL_SMTP_HOST: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  FLYWHEEL_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  FLYWHEEL_SMTP_SECURE: booleanFlag,
  FLYWHEEL_SMTP_USER: z.string().max(255).optional(),
  FLYWHEEL_SMTP_PASSWORD: z.string().max(255).optional(),
  /** The bank's name as messages say it ({{ bank.name }}). */
  FLYWHEEL_BANK_NAME: z.string().trim().min(1).max(100).default('飞轮银行'),
  FLYWHEEL_SMTP_FROM: z.string().min(3).max(255).default('Flywheel <noreply@flywheel.local>'),
  /** WeCom (企业微信): the enterprise's corp id; unset, the integration is off (the WeCom area says how to set it). */
  FLYWHEEL_WECOM_CORP_ID: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,64}$/.test(v), {
      message: 'a corp id is letters and digits',
    }),
  /** The customer-contact app's secret (access tokens); never logged, never answered by the API. */
  FLYWHEEL_WECOM_SECRET: z.string().trim().max(256).optional(),
  /** The callback Token and EncodingAESKey set in WeCom's admin console for the callback URL. */
  FLYWHEEL_WECOM_CALLBACK_TOKEN: z.string().trim().max(64).optional(),
  FLYWHEEL_WECOM_AES_KEY: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === '' || /^[A-Za-z0-9+/]{43}$/.test(v), {
      message: 'an EncodingAESKey is 43 characters of base64 (A–Z, a–z, 0–9, + and /)',
    }),
  /** Where WeCom's server API answers: WeCom itself, a proxy, or the simulator (`flywheel wecom simulator`). */
  FLYWHEEL_WECOM_BASE_URL: z.string().trim().url().default('https://qyapi.weixin.qq.com'),
  /** How often handovers' WeCom transfers are requested and read back (WeCom completes them after 24 h). */
  FLYWHEEL_WECOM_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * How a WeCom friend is linked to a customer, in priority order (src/wecom/README.md): `unionid` (the customer's
   * `wechat_unionid` identity), `phone` (SHA-256 of a mobile in the friend's remark against the customer's phone
   * hash), `remark` (the customer number written in the remark).
   */
  FLYWHEEL_WECOM_MATCH: z
    .string()
    .trim()
    .default('unionid,phone,remark')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .refine((list) => list.every((m) => (WECOM_MATCH_RULES as readonly string[]).includes(m)), {
      message: 'a comma list of unionid, phone, remark',
    })
    .refine((list) => new Set(list).size === list.length, { message: 'each rule at most once' })
    .transform((list) => list as WecomMatchRule[]),
});

/** Prefix of the environment variables holding channel signing secrets: FLYWHEEL_CHANNEL_SECRET_<NAME>. */
export const CHANNEL_SECRET_PREFIX = 'FLYWHEEL_CHANNEL_SECRET_';

/**
 * The channel secrets of the environment, by name (the part after the prefix, lower-cased): a channel's config names
 * its secret (`"secret": "bank_sms"`), the value lives only in the environment, never in the channels table.
 */
export const channelSecretsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a secret name is letters, digits and _ (e.g. BANK_SMS)'),
  z.string().min(16, 'a signing secret has at least 16 characters').max(256),
);

export type ConfigInput = z.input<typeof configSchema>;

/** Frozen, validated configuration handed to every part of the app. */
export interface Config {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly clickhouseUrl: string | undefined;
  readonly logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** auto: seed the demo bank into empty embedded stores; always: into any empty store; never. */
  readonly demo: {
    readonly customers: number;
    readonly days: number;
    readonly seed: string;
    readonly when: 'auto' | 'always' | 'never';
  };
  readonly sessionTtlHours: number;
  /** scrypt's cost (log2 N) for new password hashes. */
  readonly passwordCost: number;
  readonly eventsMaxBatch: number;
  /** Customers per handover transaction, and the pause between chunks (0 outside tests). */
  readonly handover: { readonly chunk: number; readonly chunkDelayMs: number };
  readonly requireServers: boolean;
  /** Whether the session cookie is marked Secure: when the request came over HTTPS, always, or never. */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  /** Tracked links: the signing secret (undefined: not tracked) and the public address of the /r/ redirect. */
  readonly links: { readonly secret: string | undefined; readonly publicUrl: string };
  /** Trust a reverse proxy's X-Forwarded-* headers (the client's address, the scheme and host it was asked for). */
  readonly trustProxy: boolean;
  /** The bank's IANA time zone: business days are cut in it (the clock is built from it). */
  readonly timeZone: string;
  /**
   * Whether an admin may move this installation's clock forward (a trial: watch journeys and reminders fall due). On
   * by default with the embedded store only; a production PostgreSQL installation keeps the wall clock.
   */
  readonly testClock: boolean;
  /** Daily batch time, 'HH:MM' on the bank's wall clock, or 'off'. */
  /** The bank's name in messages. */
  readonly bankName: string;
  /** The worker service's delivery settings. */
  readonly worker: {
    readonly batch: number;
    readonly concurrency: number;
    readonly loops: number;
    readonly leaseMs: number;
    readonly tickMs: number;
    readonly journeyTickMs: number;
  };
  /** The SMTP relay of `email` channels (the password only ever from the environment), or undefined. */
  readonly smtp:
    | {
        readonly host: string;
        readonly port: number;
        readonly secure: boolean;
        readonly user: string | undefined;
        readonly password: string | undefined;
        readonly from: string;
      }
    | undefined;
  /**
   * WeCom: undefined when no corp id is set. `secret`, `callbackToken` and `aesKey` are never logged or answered; a
   * part left unset turns off what needs it (API calls need the secret, callbacks the token and key).
   */
  readonly wecom:
    | {
        readonly corpId: string;
        readonly secret: string | undefined;
        readonly callbackToken: string | undefined;
        readonly aesKey: string | undefined;
        readonly baseUrl: string;
        /** Seconds between passes of the handover transfer loop. */
        readonly pollSeconds: number;
        /** Matching rules in priority order (FLYWHEEL_WECOM_MATCH). */
        readonly match: readonly WecomMatchRule[];
      }
    | undefined;
  /** The RTA service (optional so hand-built test configs need not name it; loadConfig always sets it). */
  readonly rta?: {
    readonly port: number;
    readonly pollSeconds: number;
    readonly defaultCacheSeconds: number;
    readonly logSample: number;
    /** Simulated ad-platform requests per second (a demo installation's live page); 0: none. */
    readonly demoTraffic: number;
  };
  /** Channel signing secrets by name (FLYWHEEL_CHANNEL_SECRET_<NAME>); never logged, never stored. */
  readonly channelSecrets: Readonly<Record<string, string>>;
  readonly tags: {
    readonly dailyAt: string;
    /** PostgreSQL: the confined login SQL tags run as (provisioned when undefined); see src/store/operational/sandbox-role.ts. */
    readonly sqlTagDatabaseUrl: string | undefined;
  };
}
