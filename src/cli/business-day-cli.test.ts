import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';
import { systemClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';

// The command line's business day: one clock built from FLYWHEEL_TIMEZONE, and a zone neither Node nor the event
// store can cut days in refused as a configuration problem naming the variable (exit 2), before anything runs.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-day-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the command line's business day", () => {
  it("computes today's tags for the configured zone's today", async () => {
    // UTC+14: the local day differs from the UTC day for 14 hours of every 24.
    const zone = 'Pacific/Kiritimati';
    const clock = systemClock(zone);
    const before = clock.today();
    const run = await cliOn(join(dir, 'kiritimati'), { FLYWHEEL_TIMEZONE: zone })(
      'tags',
      'compute',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect([before, clock.today()]).toContain(JSON.parse(run.stdout).asOf);
  }, 120_000);

  it('refuses a zone Node does not know, naming the variable', async () => {
    const run = await cliOn(join(dir, 'mars'), { FLYWHEEL_TIMEZONE: 'Mars/Olympus' })('tags', 'list');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('FLYWHEEL_TIMEZONE: unknown time zone "Mars/Olympus"');
  });

  it('refuses a zone Node knows and the event store does not, naming the variable', async (ctx) => {
    const events = await openEventStore({ kind: 'chdb', dataDir: null });
    const known = new Set(
      (await events.query<{ z: string }>('SELECT time_zone AS z FROM system.time_zones')).map((r) => r.z),
    );
    await events.close();
    const zone = Intl.supportedValuesOf('timeZone').find((z) => !known.has(z));
    if (zone === undefined) return ctx.skip(); // both tz databases agree on this machine: nothing to refuse
    const run = await cliOn(join(dir, 'unknown'), { FLYWHEEL_TIMEZONE: zone })('tags', 'list');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`FLYWHEEL_TIMEZONE: the event store does not know the time zone "${zone}"`);
  }, 120_000);
});
