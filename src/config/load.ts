import { resolve } from 'node:path';
import { configSchema, type Config } from './schema.ts';
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
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
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
      eventsMaxBatch: e.FLYWHEEL_EVENTS_MAX_BATCH,
      handover: Object.freeze({
        chunk: e.FLYWHEEL_HANDOVER_CHUNK,
        chunkDelayMs: e.FLYWHEEL_HANDOVER_CHUNK_DELAY_MS,
      }),
      requireServers: e.FLYWHEEL_REQUIRE_SERVERS,
      cookieSecure: ({ auto: 'auto', '1': 'always', '0': 'never' } as const)[e.FLYWHEEL_COOKIE_SECURE],
      trustProxy: e.FLYWHEEL_TRUST_PROXY,
      timeZone: e.FLYWHEEL_TIMEZONE,
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
