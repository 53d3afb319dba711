import { describe, expect, it } from 'vitest';
import { formatConfigProblems, loadConfig } from './load.ts';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.port).toBe(3000);
    expect(result.value.dataDir.endsWith('/data')).toBe(true);
    expect(result.value.databaseUrl).toBeUndefined();
    expect(result.value.demo).toEqual({ customers: 100_000, days: 90, seed: 'flywheel', when: 'auto' });
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen(result.value.demo)).toBe(true);
  });

  it('reports every problem at once, naming each variable', () => {
    const result = loadConfig({
      PORT: 'eighty',
      DATABASE_URL: 'not a url',
      LOG_LEVEL: 'loud',
      FLYWHEEL_DEMO_CUSTOMERS: '-5',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const variables = result.error.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'FLYWHEEL_DEMO_CUSTOMERS', 'LOG_LEVEL', 'PORT']);
    const text = formatConfigProblems(result.error);
    expect(text).toContain('PORT:');
    expect(text).toContain('DATABASE_URL: must be a URL');
  });

  it('reads the cookie Secure mode and proxy trust, and refuses other values', () => {
    const defaults = loadConfig({});
    expect(defaults.ok && [defaults.value.cookieSecure, defaults.value.trustProxy]).toEqual(['auto', false]);
    const set = loadConfig({ FLYWHEEL_COOKIE_SECURE: '1', FLYWHEEL_TRUST_PROXY: '1' });
    expect(set.ok && [set.value.cookieSecure, set.value.trustProxy]).toEqual(['always', true]);
    const never = loadConfig({ FLYWHEEL_COOKIE_SECURE: '0' });
    expect(never.ok && never.value.cookieSecure).toBe('never');
    const bad = loadConfig({ FLYWHEEL_COOKIE_SECURE: 'yes' });
    expect(!bad.ok && bad.error.map((p) => p.variable)).toEqual(['FLYWHEEL_COOKIE_SECURE']);
  });

  it('turns the test clock on with the embedded store only, unless told', () => {
    const on = (env: Record<string, string>) => {
      const r = loadConfig(env);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.testClock;
    };
    const pg = { DATABASE_URL: 'postgres://127.0.0.1/bank' };
    expect(on({})).toBe(true);
    expect(on(pg)).toBe(false);
    expect(on({ ...pg, FLYWHEEL_TEST_CLOCK: 'on' })).toBe(true);
    expect(on({ FLYWHEEL_TEST_CLOCK: 'off' })).toBe(false);
    expect(loadConfig({ FLYWHEEL_TEST_CLOCK: 'yes' }).ok).toBe(false);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    const result = loadConfig({ DATABASE_URL: '', CLICKHOUSE_URL: 'http://127.0.0.1:8123' });
    expect(result.ok && result.value.databaseUrl).toBeUndefined();
    expect(result.ok && result.value.clickhouseUrl).toBe('http://127.0.0.1:8123');
  });

  it("reads the bank's time zone: Asia/Shanghai by default, an IANA name Intl knows as spelled, else a problem", () => {
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.value.timeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ FLYWHEEL_TIMEZONE: '' }).ok).toBe(true);
    const london = loadConfig({ FLYWHEEL_TIMEZONE: 'Europe/London' });
    expect(london.ok && london.value.timeZone).toBe('Europe/London');
    for (const [value, reason] of [
      ['Mars/Olympus', /unknown time zone/],
      ['asia/shanghai', /case-sensitive: write Asia\/Shanghai/],
      ['+08:00', /not an IANA time zone name/],
    ] as const) {
      const bad = loadConfig({ FLYWHEEL_TIMEZONE: value });
      expect(bad.ok, value).toBe(false);
      if (bad.ok) continue;
      expect(bad.error.map((p) => p.variable)).toEqual(['FLYWHEEL_TIMEZONE']);
      expect(bad.error[0]!.message).toMatch(reason);
      expect(formatConfigProblems(bad.error)).toContain('FLYWHEEL_TIMEZONE:');
    }
  });

  it('reads the worker settings, the SMTP relay and channel secrets by name, never echoing a secret', () => {
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.value.worker).toEqual({
      batch: 500,
      concurrency: 64,
      loops: 2,
      leaseMs: 60_000,
      tickMs: 5000,
      journeyTickMs: 500,
    });
    expect(defaults.ok && [defaults.value.smtp, defaults.value.channelSecrets]).toEqual([undefined, {}]);
    const set = loadConfig({
      FLYWHEEL_WORKER_BATCH: '1000',
      FLYWHEEL_WORKER_LEASE_SECONDS: '5',
      FLYWHEEL_SMTP_HOST: 'relay.bank.example',
      FLYWHEEL_SMTP_PASSWORD: 'pw',
      FLYWHEEL_CHANNEL_SECRET_BANK_SMS: 'a-signing-secret-of-enough-length',
    });
    expect(set.ok && set.value.worker.batch).toBe(1000);
    expect(set.ok && set.value.worker.leaseMs).toBe(5000);
    expect(set.ok && set.value.smtp).toMatchObject({ host: 'relay.bank.example', port: 587, password: 'pw' });
    expect(set.ok && set.value.channelSecrets).toEqual({ bank_sms: 'a-signing-secret-of-enough-length' });
    const bad = loadConfig({ FLYWHEEL_CHANNEL_SECRET_BANK_SMS: 'short-secret', FLYWHEEL_WORKER_BATCH: '0' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map((p) => p.variable).sort()).toEqual([
      'FLYWHEEL_CHANNEL_SECRET_BANK_SMS',
      'FLYWHEEL_WORKER_BATCH',
    ]);
    expect(formatConfigProblems(bad.error)).not.toContain('short-secret');
  });
});
