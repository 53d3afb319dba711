import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { RunningSimulator } from '../wecom/simulator/server.ts';
import { runWecomSimulator } from './commands/wecom.ts';

// `flywheel wecom simulator`: configuration from the server's FLYWHEEL_WECOM_* variables, a world from a file or the
// demo bank, and plain problems for what is missing.

const SECRET = 'cli-secret-never-printed';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

function config(env: Record<string, string>): Config {
  const loaded = loadConfig({ FLYWHEEL_DEMO_CUSTOMERS: '300', ...env });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  return loaded.value;
}

let running: RunningSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('flywheel wecom simulator', () => {
  it('serves the demo bank’s WeCom world with the server’s corp id and secret, and prints the base URL', async () => {
    const lines: string[] = [];
    const started = await runWecomSimulator(
      { port: 0, host: '127.0.0.1', asOf: '2025-06-30' },
      config({ FLYWHEEL_WECOM_CORP_ID: 'wwcli', FLYWHEEL_WECOM_SECRET: SECRET }),
      (line) => lines.push(line),
    );
    if (!started.ok) throw new Error(started.error.join('\n'));
    running = started.value;
    expect(lines).toContain(`  FLYWHEEL_WECOM_BASE_URL=${running.url}`);
    expect(lines.join('\n')).not.toContain(SECRET);
    const token = (await (
      await fetch(`${running.url}/cgi-bin/gettoken?corpid=wwcli&corpsecret=${SECRET}`)
    ).json()) as { errcode: number };
    expect(token.errcode).toBe(0);
    expect(running.world.staff.get('AM001')).toBeDefined();
    expect(running.world.customers.size).toBeGreaterThan(30);
  });

  it('serves a --world file and names the problems of a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wecom-world-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        staff: [{ userid: 'u1', name: '王' }],
        customers: [{ external_userid: 'wm1', name: '李' }],
        friendships: [{ userid: 'u1', external_userid: 'wm1', createtime: 1 }],
      }),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        staff: [],
        customers: [],
        friendships: [{ userid: 'u9', external_userid: 'x', createtime: 1 }],
      }),
    );
    const env = config({ FLYWHEEL_WECOM_CORP_ID: 'wwcli', FLYWHEEL_WECOM_SECRET: SECRET });
    const started = await runWecomSimulator({ port: 0, host: '127.0.0.1', world: good }, env, () => {});
    if (!started.ok) throw new Error(started.error.join('\n'));
    running = started.value;
    expect([...running.world.followsOf('u1').keys()]).toEqual(['wm1']);
    const refused = await runWecomSimulator({ port: 0, host: '127.0.0.1', world: bad }, env, () => {});
    expect(refused).toEqual({
      ok: false,
      error: [
        `--world ${bad}: friendships.0.userid: no staff member u9`,
        `--world ${bad}: friendships.0.external_userid: no customer x`,
      ],
    });
  });

  it('says which variables are missing: the secret, and the callback keys for --callback-url', async () => {
    const noSecret = await runWecomSimulator(
      { port: 0, host: '127.0.0.1' },
      config({ FLYWHEEL_WECOM_CORP_ID: 'ww' }),
      () => {},
    );
    expect(noSecret.ok || noSecret.error[0]).toMatch(/FLYWHEEL_WECOM_SECRET/);
    const noKeys = await runWecomSimulator(
      { port: 0, host: '127.0.0.1', callbackUrl: 'http://127.0.0.1:1/cb' },
      config({
        FLYWHEEL_WECOM_CORP_ID: 'ww',
        FLYWHEEL_WECOM_SECRET: SECRET,
        FLYWHEEL_WECOM_AES_KEY: AES_KEY,
      }),
      () => {},
    );
    expect(noKeys.ok || noKeys.error[0]).toMatch(/FLYWHEEL_WECOM_CALLBACK_TOKEN/);
  });
});
