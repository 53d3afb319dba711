import { resolve } from 'node:path';
import { CHANNEL_SECRET_PREFIX, channelSecretsSchema, configSchema, type Config } from './schema.ts';
import { err, ok, type Result } from '../shared/errors.ts';

/** One problem with one environment variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Parses the environment into a frozen Config, or lists every problem at once. */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): Result<Config, ConfigProblem[]> {
  const parsed = configSchema.safeParse(env);
  const secrets = channelSecretsSchema.safeParse(
    Object.fromEntries(
      Object.entries(env)
        .filter(([name]) => name.startsWith(CHANNEL_SECRET_PREFIX))
        .map(([name, value]) => [name.slice(CHANNEL_SECRET_PREFIX.length).toLowerCase(), value]),
    ),
  );
  if (!parsed.success || !secrets.success) {
    return err([
      ...(parsed.error?.issues ?? []).map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
      // A secret's problem names its variable, never its value.
      ...(secrets.error?.issues ?? []).map((issue) => ({
        variable: `${CHANNEL_SECRET_PREFIX}${String(issue.path[0] ?? '').toUpperCase()}`,
        message: issue.message,
      })),
    ]);
  }
  const e = parsed.data;
  return ok(
    Object.freeze({
      dataDir: resolve(e.FLYWHEEL_DATA_DIR),
      port: e.PORT,
      host: e.HOST,
      databaseUrl: e.DATABASE_URL,
      clickhouseUrl: e.CLICKHOUSE_URL,
      logLevel: e.LOG_LEVEL,
      demo: Object.freeze({
        customers: e.FLYWHEEL_DEMO_CUSTOMERS,
        days: e.FLYWHEEL_DEMO_DAYS,
        seed: e.FLYWHEEL_DEMO_SEED,
        when: e.FLYWHEEL_SEED_DEMO,
      }),
      sessionTtlHours: e.FLYWHEEL_SESSION_TTL_HOURS,
      passwordCost: e.FLYWHEEL_PASSWORD_COST,
      eventsMaxBatch: e.FLYWHEEL_EVENTS_MAX_BATCH,
      handover: Object.freeze({
        chunk: e.FLYWHEEL_HANDOVER_CHUNK,
        chunkDelayMs: e.FLYWHEEL_HANDOVER_CHUNK_DELAY_MS,
      }),
      requireServers: e.FLYWHEEL_REQUIRE_SERVERS,
      cookieSecure: ({ auto: 'auto', '1': 'always', '0': 'never' } as const)[e.FLYWHEEL_COOKIE_SECURE],
      links: Object.freeze({
        secret: e.FLYWHEEL_LINK_SECRET,
        publicUrl: e.FLYWHEEL_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      }),
      trustProxy: e.FLYWHEEL_TRUST_PROXY,
      timeZone: e.FLYWHEEL_TIMEZONE,
      testClock:
        e.FLYWHEEL_TEST_CLOCK === 'auto' ? e.DATABASE_URL === undefined : e.FLYWHEEL_TEST_CLOCK === 'on',
      bankName: e.FLYWHEEL_BANK_NAME,
      worker: Object.freeze({
        batch: e.FLYWHEEL_WORKER_BATCH,
        concurrency: e.FLYWHEEL_WORKER_CONCURRENCY,
        loops: e.FLYWHEEL_WORKER_LOOPS,
        leaseMs: e.FLYWHEEL_WORKER_LEASE_SECONDS * 1000,
        tickMs: e.FLYWHEEL_WORKER_TICK_MS,
        journeyTickMs: e.FLYWHEEL_JOURNEY_TICK_MS,
      }),
      rta: Object.freeze({
        port: e.FLYWHEEL_RTA_PORT,
        pollSeconds: e.FLYWHEEL_RTA_POLL_SECONDS,
        defaultCacheSeconds: e.FLYWHEEL_RTA_DEFAULT_CACHE_SECONDS,
        logSample: e.FLYWHEEL_RTA_LOG_SAMPLE,
        demoTraffic:
          e.FLYWHEEL_DEMO_RTA_TRAFFIC === 'auto'
            ? e.DATABASE_URL === undefined && e.FLYWHEEL_SEED_DEMO !== 'never'
              ? 20
              : 0
            : e.FLYWHEEL_DEMO_RTA_TRAFFIC,
      }),
      wecom: e.FLYWHEEL_WECOM_CORP_ID
        ? Object.freeze({
            corpId: e.FLYWHEEL_WECOM_CORP_ID,
            secret: e.FLYWHEEL_WECOM_SECRET || undefined,
            callbackToken: e.FLYWHEEL_WECOM_CALLBACK_TOKEN || undefined,
            aesKey: e.FLYWHEEL_WECOM_AES_KEY || undefined,
            baseUrl: e.FLYWHEEL_WECOM_BASE_URL.replace(/\/+$/, ''),
            pollSeconds: e.FLYWHEEL_WECOM_POLL_SECONDS,
            match: Object.freeze([...e.FLYWHEEL_WECOM_MATCH]),
          })
        : undefined,
      smtp: e.FLYWHEEL_SMTP_HOST
        ? Object.freeze({
            host: e.FLYWHEEL_SMTP_HOST,
            port: e.FLYWHEEL_SMTP_PORT,
            secure: e.FLYWHEEL_SMTP_SECURE,
            user: e.FLYWHEEL_SMTP_USER,
            password: e.FLYWHEEL_SMTP_PASSWORD,
            from: e.FLYWHEEL_SMTP_FROM,
          })
        : undefined,
      channelSecrets: Object.freeze({ ...secrets.data }),
      tags: Object.freeze({
        dailyAt: e.FLYWHEEL_TAGS_DAILY_AT,
        sqlTagDatabaseUrl: e.FLYWHEEL_SQL_TAG_DATABASE_URL,
      }),
    }),
  );
}

/** Formats config problems one per line, naming the variable. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  return ['Invalid configuration:', ...problems.map((p) => `  ${p.variable}: ${p.message}`)].join('\n');
}
