import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import {
  capturedLogger,
  CORP_ID,
  SECRET,
  simControl,
  simulatorAndClient,
  smallWorld,
} from '../../test/support/wecom-sim.ts';
import { paginate, wecomClientFromConfig } from './client.ts';
import type { RunningSimulator } from './simulator/server.ts';

// The client's contract against the simulator over real HTTP: tokens, rate limits, retries, pagination, logging.

let running: RunningSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function setUp(...args: Parameters<typeof simulatorAndClient>) {
  const pair = await simulatorAndClient(...args);
  running = pair.sim;
  return pair;
}

describe('HttpWecomClient against the simulator', () => {
  it('fetches one access token for many calls, concurrent ones included', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 3, am002: 2, am003: 0 }));
    const answers = await Promise.all([client.listContacts('AM001'), client.listContacts('AM002')]);
    for (let i = 0; i < 5; i++) await client.listContacts('AM001');
    expect(answers.map((a) => a.external_userid)).toEqual([
      ['wm0001', 'wm0002', 'wm0003'],
      ['wm0004', 'wm0005'],
    ]);
    expect(sim.gate.calls.get('gettoken')).toBe(1);
    expect(sim.gate.calls.get('externalcontact/list')).toBe(7);
  });

  it('refreshes an expired token once and retries the call', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 2, am002: 0, am003: 0 }), {
      simulator: { limits: { tokenLifetimeSeconds: 7200 } },
    });
    await client.listContacts('AM001');
    // Two hours and a bit pass at WeCom; the client's cached token is still "fresh" by its own clock.
    await simControl(sim, 'clock', { advance_seconds: 7300 });
    const answer = await client.listContacts('AM001');
    expect(answer.errcode).toBe(0);
    expect(answer.external_userid).toEqual(['wm0001', 'wm0002']);
    expect(sim.gate.calls.get('gettoken')).toBe(2);
    expect(sim.gate.calls.get('externalcontact/list')).toBe(3);
  });

  it('answers a token errcode that survives one refresh to the caller rather than looping', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }));
    sim.gate.injectFault('externalcontact/list', { kind: 'errcode', errcode: 40014 }, 2);
    const answer = await client.listContacts('AM001');
    expect(answer.errcode).toBe(40014);
    expect(sim.gate.calls.get('gettoken')).toBe(2);
  });

  it('waits out a 45009 block and then succeeds', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      simulator: { limits: { rate: [{ ms: 60_000, calls: 1000, blockMs: 60 }] } },
      client: { limits: { blockMs: 80 }, retry: { attempts: 4, baseMs: 1, maxMs: 2 } },
    });
    sim.gate.injectFault('externalcontact/list', { kind: 'errcode', errcode: 45009 }, 1);
    const answer = await client.listContacts('AM001');
    expect(answer).toMatchObject({ errcode: 0, external_userid: ['wm0001'] });
    expect(sim.gate.calls.get('externalcontact/list')).toBe(2);
  });

  it('keeps under a small per-API budget instead of meeting the simulator’s limit', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      simulator: { limits: { rate: [{ ms: 300, calls: 3, blockMs: 10_000 }] } },
      // The client's window a little longer than WeCom's: latency between its count and WeCom's must not tip it over.
      client: { limits: { windows: [{ ms: 400, calls: 3 }], blockMs: 10_000 } },
    });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await client.listContacts('AM001'));
    expect(answers.every((a) => a.errcode === 0)).toBe(true);
    expect(sim.gate.calls.get('externalcontact/list')).toBe(7);
  });

  it.each([
    ['-1 (system busy)', { kind: 'errcode', errcode: -1 } as const],
    ['45033 (concurrency)', { kind: 'errcode', errcode: 45033 } as const],
    ['a body that is not JSON', { kind: 'garbage' } as const],
    ['HTTP 500', { kind: 'http_500' } as const],
    ['a hang (timeout)', { kind: 'hang' } as const],
  ])('retries %s and succeeds when WeCom recovers', async (_name, fault) => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      client: { timeoutMs: 200 },
    });
    await client.listContacts('AM001'); // the token first, so the fault meets the call itself
    sim.gate.injectFault('externalcontact/list', fault, 2);
    const answer = await client.listContacts('AM001');
    expect(answer.errcode).toBe(0);
    expect(sim.gate.calls.get('externalcontact/list')).toBe(4);
  });

  it.each([
    ['-1', { kind: 'errcode', errcode: -1 } as const, 'errcode_-1'],
    ['garbage', { kind: 'garbage' } as const, 'not_json'],
    ['a hang', { kind: 'hang' } as const, 'timeout'],
  ])('throws wecom_unavailable after the attempts on %s', async (_name, fault, reason) => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      client: { timeoutMs: 150 },
    });
    await client.listContacts('AM001');
    sim.gate.injectFault('externalcontact/list', fault, 10);
    const error: unknown = await client.listContacts('AM001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'wecom_unavailable',
      details: { api: 'externalcontact/list', reason },
    });
    expect(sim.gate.calls.get('externalcontact/list')).toBe(4); // 1 before + 3 attempts
  });

  it('throws wecom_unavailable with the connection refused when nothing listens', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }));
    await sim.close();
    running = undefined;
    await expect(client.listContacts('AM001')).rejects.toMatchObject({
      code: 'wecom_unavailable',
      details: { api: 'gettoken', reason: 'econnrefused' },
    });
  });

  it('refuses a wrong secret with wecom_unavailable naming errcode 40001', async () => {
    const { client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      client: { secret: 'wrong' },
    });
    await expect(client.listContacts('AM001')).rejects.toMatchObject({
      code: 'wecom_unavailable',
      details: { api: 'gettoken', reason: 'errcode_40001' },
    });
  });

  it('pages batch/get_by_user by cursor over more than 100 contacts of several staff', async () => {
    const { client } = await setUp(smallWorld({ am001: 150, am002: 70, am003: 0 }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginate((cursor) =>
      client.batchGetByUser({ userid_list: ['AM001', 'AM002'], limit: 100, ...(cursor ? { cursor } : {}) }),
    )) {
      expect(page.errcode).toBe(0);
      pages += 1;
      for (const item of page.external_contact_list ?? []) seen.push(item.external_contact.external_userid);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(220);
    expect(new Set(seen).size).toBe(220);
    const first = await client.batchGetByUser({ userid_list: ['AM001'], limit: 1 });
    expect(first.external_contact_list?.[0]).toMatchObject({
      external_contact: { external_userid: 'wm0001', name: '客户1', unionid: 'ou1', type: 1 },
      follow_info: { userid: 'AM001', remark: '客户1', remark_mobiles: ['13800000001'], tag_id: [] },
    });
  });

  it('answers an unknown userid with 40003 instead of throwing', async () => {
    const { client } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }));
    expect((await client.listContacts('NOBODY')).errcode).toBe(40003);
    expect((await client.batchGetByUser({ userid_list: ['AM001', 'NOBODY'] })).errcode).toBe(40003);
  });

  it('never writes the secret or an access token to its log lines', async () => {
    const { sim, client, lines } = await setUp(smallWorld({ am001: 2, am002: 0, am003: 0 }), {
      client: { timeoutMs: 100 },
    });
    await client.listContacts('AM001');
    sim.gate.injectFault('externalcontact/list', { kind: 'hang' }, 1);
    sim.gate.injectFault('externalcontact/list', { kind: 'errcode', errcode: 42001 }, 1);
    await client.listContacts('AM001');
    const tokens = [...sim.world.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    const text = lines().join('\n');
    expect(lines().length).toBeGreaterThanOrEqual(4);
    expect(text).toContain('"api":"externalcontact/list"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(SECRET);
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).toContain('"msg":"wecom call"');
    expect(text).toContain('"errcode":42001');
  });

  it('is built from FLYWHEEL_WECOM_* configuration, and not at all without a secret', async () => {
    const { sim } = await setUp(smallWorld({ am001: 1, am002: 0, am003: 0 }));
    const { logger } = capturedLogger();
    const wecom = {
      corpId: CORP_ID,
      secret: SECRET,
      callbackToken: undefined,
      aesKey: undefined,
      baseUrl: sim.url,
    };
    expect(wecomClientFromConfig({ wecom: undefined }, logger)).toBeUndefined();
    expect(wecomClientFromConfig({ wecom: { ...wecom, secret: undefined } }, logger)).toBeUndefined();
    const client = wecomClientFromConfig({ wecom }, logger);
    expect((await client?.listContacts('AM001'))?.external_userid).toEqual(['wm0001']);
  });
});
