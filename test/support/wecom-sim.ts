import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { HttpWecomClient, type WecomClientOptions } from '../../src/wecom/client.ts';
import {
  startWecomSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/wecom/simulator/server.ts';
import type { WorldSeed } from '../../src/wecom/simulator/world.ts';

// A WeCom simulator and a client against it for the contract tests: a small enterprise, fast retries, logs captured.

export const CORP_ID = 'wwsimcorp0001';
export const SECRET = 'sim-secret-DO-NOT-LOG-7f3a9c';
export const CALLBACK_TOKEN = 'simCallbackToken';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

/** A pino logger whose lines a test reads back. */
export function capturedLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => [...lines] };
}

/**
 * Staff AM001–AM003 (AM003 departed), customers wm0001…: AM001 holds the first `am001` customers, AM002 the next
 * `am002`, AM003 the next `am003`.
 */
export function smallWorld(sizes: { am001: number; am002: number; am003: number }): WorldSeed {
  const total = sizes.am001 + sizes.am002 + sizes.am003;
  const id = (n: number) => `wm${String(n).padStart(4, '0')}`;
  const customers = Array.from({ length: total }, (_, i) => ({
    external_userid: id(i + 1),
    name: `客户${i + 1}`,
    unionid: `ou${i + 1}`,
    mobile: `1380000${String(i + 1).padStart(4, '0')}`,
  }));
  const owner = (i: number) =>
    i < sizes.am001 ? 'AM001' : i < sizes.am001 + sizes.am002 ? 'AM002' : 'AM003';
  return {
    staff: [
      { userid: 'AM001', name: '王芳' },
      { userid: 'AM002', name: '李强' },
      { userid: 'AM003', name: '张伟', departed_at: 1_700_000_000 },
    ],
    customers,
    friendships: customers.map((c, i) => ({
      userid: owner(i),
      external_userid: c.external_userid,
      createtime: 1_690_000_000 + i,
      remark: c.name,
    })),
    manualTags: [{ group_name: '客户等级', tags: ['重要客户', '一般客户'] }],
  };
}

/** A simulator on port 0 and a client with millisecond retries; close both with `sim.close()`. */
export async function simulatorAndClient(
  world: WorldSeed,
  options: { simulator?: Partial<SimulatorOptions>; client?: Partial<WecomClientOptions> } = {},
): Promise<{ sim: RunningSimulator; client: HttpWecomClient; lines: () => string[] }> {
  const sim = await startWecomSimulator({ corpId: CORP_ID, secret: SECRET, world, ...options.simulator });
  const { logger, lines } = capturedLogger();
  const client = new HttpWecomClient({
    corpId: CORP_ID,
    secret: SECRET,
    baseUrl: sim.url,
    logger,
    retry: { attempts: 3, baseMs: 5, maxMs: 20 },
    limits: { blockMs: 50 },
    timeoutMs: 2000,
    ...options.client,
  });
  return { sim, client, lines };
}

/** Calls a control endpoint (/simulator/<action>) as an operator or test would. */
export async function simControl(sim: RunningSimulator, action: string, body: object = {}): Promise<unknown> {
  const response = await fetch(`${sim.url}/simulator/${action}`, {
    method: action === 'state' ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: action === 'state' ? undefined : JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new Error(`control ${action}: ${JSON.stringify(answer)}`);
  return answer;
}

/** One WeCom call straight to the simulator (no client: no retries, no budgets), with a fresh token. */
export async function rawCall(
  sim: RunningSimulator,
  api: string,
  body: object,
): Promise<{ errcode: number } & Record<string, unknown>> {
  const tokenAnswer = (await (
    await fetch(`${sim.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${encodeURIComponent(SECRET)}`)
  ).json()) as { access_token: string };
  const response = await fetch(`${sim.url}/cgi-bin/${api}?access_token=${tokenAnswer.access_token}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return (await response.json()) as { errcode: number } & Record<string, unknown>;
}
