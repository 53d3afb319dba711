// Issue #15's Done-when (the RTA half) in a real browser against the real server and RTA service: an analyst defines
// a strategy in the dashboard (a saved customer group, a bid factor, a cache time); within seconds the RTA service —
// asked by a client written from the public field numbers (test/rta/wire.ts) as the ad platform would — answers the
// group's devices with the strategy and declines the others; the live page shows the requests, matches, latency and
// sampled decisions; a pause in the dashboard stops the matches.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWireResponse, encodeWireRequest, type WireResponse } from '../rta/wire.ts';
import { apiJson, choose, HAVE_CHROMIUM, signIn, startDashboard, type Dashboard } from './harness.ts';

const ANALYST = { username: 'growth', role: 'analyst' as const, password: 'acquisition-analyst-1' };
const N = 120;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const device = (i: number) => md5(`imei-${i}`);

describe.skipIf(!HAVE_CHROMIUM)('RTA strategies in the dashboard', () => {
  let d: Dashboard;
  const ask = async (imei: string, id: string): Promise<WireResponse> => {
    const res = await fetch(d.rtaUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeWireRequest({ id, imei }) as BodyInit,
    });
    expect(res.status).toBe(200);
    return decodeWireResponse(new Uint8Array(await res.arrayBuffer()));
  };
  /** Asks for every customer's device: which were matched with the strategy. */
  const matched = async (strategy: string) => {
    const hits: number[] = [];
    for (let i = 1; i <= N; i++) {
      const a = await ask(device(i), `r-${i}-${Date.now()}`);
      if (a.code === 0 && a.outTargetIds.includes(strategy)) hits.push(i);
    }
    return hits;
  };

  beforeAll(async () => {
    d = await startDashboard({
      customers: N,
      seed: 43,
      users: [ANALYST],
      rta: true,
      prepare: async (stores) => {
        // Every customer's phone reported its IMEI (md5) to the bank's app.
        await stores.operational.db
          .insertInto('customer_identities')
          .values(
            Array.from({ length: N }, (_, i) => ({
              kind: 'imei_md5' as const,
              value: device(i + 1),
              customer_id: i + 1,
            })),
          )
          .execute();
      },
    });
    await signIn(d.page, d.base, ANALYST.username, ANALYST.password);
    const segment = await apiJson(d.page, 'POST', '/v1/segments', {
      id: 'lookalike_seed',
      name: 'Look-alike seed',
      rule: { sample: { percent: 25, seed: 'rta' } },
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
  }, 300_000);
  afterAll(async () => d?.close());

  it('defines a strategy, sees it answered, live and measured, and pauses it', async () => {
    const page = d.page;
    // Before any strategy the service declines everyone.
    expect((await ask(device(1), 'before')).code).not.toBe(0);

    await page.getByTestId('nav-acquisition').click();
    await page.getByTestId('strategy-list').waitFor();
    await page.getByTestId('strategy-new').click();
    await choose(page, page.getByTestId('audience-segment'), 'Look-alike seed');
    await page.getByTestId('strategy-id').fill('seed_lookalike');
    await page.getByTestId('strategy-name').fill('相似人群加价');
    await page.getByTestId('strategy-bid').fill('1.5');
    await page.getByTestId('strategy-cache').fill('120');
    await page.getByTestId('strategy-save').click();
    await page.getByTestId('strategy-versions').waitFor();
    expect(new URL(page.url()).pathname).toBe('/acquisition/strategies/seed_lookalike');

    // Live within seconds: the group's devices are answered with the strategy, its factor and cache time.
    await expect
      .poll(async () => (await matched('seed_lookalike')).length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const hits = await matched('seed_lookalike');
    expect(hits.length).toBeLessThan(N);
    const members = (
      await apiJson<{ count: number }>(page, 'POST', '/v1/segments/preview', {
        rule: { segment: 'lookalike_seed' },
      })
    ).body.count;
    expect(hits.length).toBe(members);
    const answer = await ask(device(hits[0]!), 'one');
    expect(answer).toMatchObject({ requestId: 'one', code: 0, cacheTime: 120 });
    expect(answer.targets[0]).toMatchObject({ id: 'seed_lookalike' });
    expect(answer.targets[0]!.factor).toBeCloseTo(1.5, 5);
    // A device the bank does not know is declined.
    expect((await ask(md5('somebody else'), 'unknown')).code).not.toBe(0);

    // The live page: requests, matches and latency of the last minutes, per strategy, and sampled decisions.
    await page.getByTestId('nav-acquisition').click();
    await page.getByTestId('acq-live').click();
    await page.getByTestId('rta-live').waitFor();
    await expect
      .poll(async () => Number((await page.getByTestId('rta-requests').innerText()).replace(/\D/g, '')), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(2 * N);
    expect(await page.getByTestId('rta-matchRate').innerText()).toMatch(/%/);
    expect(await page.getByTestId('rta-p99').innerText()).toMatch(/µs|ms/);
    await expect
      .poll(() => page.getByTestId('rta-decisions').innerText(), { timeout: 30_000 })
      .toContain('seed_lookalike');

    // Paused in the dashboard: the service stops answering with it.
    await page.goto(`${d.base}/acquisition/strategies/seed_lookalike`);
    await page.getByTestId('strategy-toggle').click();
    await expect.poll(() => page.getByTestId('strategy-status').innerText()).toMatch(/已暂停|Paused/);
    await expect
      .poll(async () => (await ask(device(hits[0]!), 'paused')).code, { timeout: 30_000 })
      .not.toBe(0);
    expect(d.consoleErrors).toEqual([]);
  }, 240_000);
});
