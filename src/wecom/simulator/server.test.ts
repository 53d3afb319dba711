import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AES_KEY,
  CALLBACK_TOKEN,
  CORP_ID,
  rawCall,
  SECRET,
  simControl,
  simulatorAndClient,
  smallWorld,
} from '../../../test/support/wecom-sim.ts';
import { aesKeyOf, openCallback } from '../crypto.ts';
import type { RunningSimulator } from './server.ts';

// The simulator's own behaviour: rate limits with a block period, tokens, control endpoints and its pushed callbacks,
// which must open with Flywheel's callback crypto under the same keys.

let running: RunningSimulator | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = undefined;
});

/** A stand-in for Flywheel's callback URL that records each request. */
async function callbackReceiver() {
  const received: { query: URLSearchParams; body: string }[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ query: new URL(req.url ?? '/', 'http://x').searchParams, body });
      res.end('success');
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/wecom/callback`, received };
}

const keys = () => {
  const key = aesKeyOf(AES_KEY);
  if (!key.ok) throw new Error(key.error);
  return { token: CALLBACK_TOKEN, aesKey: key.value, receiveId: CORP_ID };
};

describe('the WeCom simulator', () => {
  it('answers 45009 past a window and keeps the API blocked for the block period', async () => {
    const { sim } = await simulatorAndClient(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      simulator: { limits: { rate: [{ ms: 60_000, calls: 3, blockMs: 120_000 }] } },
    });
    running = sim;
    const call = () => rawCall(sim, 'externalcontact/get_corp_tag_list', {});
    for (let i = 0; i < 3; i++) expect((await call()).errcode).toBe(0);
    expect((await call()).errcode).toBe(45009);
    await simControl(sim, 'clock', { advance_seconds: 61 }); // the window has passed, the block has not
    expect((await call()).errcode).toBe(45009);
    await simControl(sim, 'clock', { advance_seconds: 60 });
    expect((await call()).errcode).toBe(0);
    // Other APIs have their own budgets.
    expect(sim.gate.calls.get('gettoken')).toBeGreaterThan(3);
  });

  it('refuses missing (41001), unknown (40014) and expired (42001) tokens and a wrong secret (40001)', async () => {
    const { sim } = await simulatorAndClient(smallWorld({ am001: 1, am002: 0, am003: 0 }));
    running = sim;
    const get = async (query: string) =>
      (await (await fetch(`${sim.url}/cgi-bin/${query}`)).json()) as {
        errcode: number;
        access_token?: string;
      };
    expect((await get('externalcontact/list?userid=AM001')).errcode).toBe(41001);
    expect((await get('externalcontact/list?userid=AM001&access_token=forged')).errcode).toBe(40014);
    expect((await get(`gettoken?corpid=${CORP_ID}&corpsecret=wrong`)).errcode).toBe(40001);
    const token = await get(`gettoken?corpid=${CORP_ID}&corpsecret=${encodeURIComponent(SECRET)}`);
    await simControl(sim, 'clock', { advance_seconds: 7201 });
    expect((await get(`externalcontact/list?userid=AM001&access_token=${token.access_token}`)).errcode).toBe(
      42001,
    );
  });

  it('pushes a friendship made in WeCom as an encrypted callback that openCallback decrypts', async () => {
    const target = await callbackReceiver();
    const { sim, client } = await simulatorAndClient(smallWorld({ am001: 1, am002: 0, am003: 0 }), {
      simulator: { callback: { url: target.url, token: CALLBACK_TOKEN, encodingAESKey: AES_KEY } },
    });
    running = sim;
    const added = await simControl(sim, 'friendships/add', {
      userid: 'AM001',
      external_userid: 'wmNEW0001',
      name: '新客户',
    });
    expect(added).toMatchObject({ ok: true, change_type: 'add_external_contact', callback: { status: 200 } });
    await simControl(sim, 'friendships/remove', {
      userid: 'AM001',
      external_userid: 'wm0001',
      by: 'customer',
    });
    // Changes through the API itself push nothing.
    const tags = await client.getCorpTagList({});
    await client.markTag({
      userid: 'AM001',
      external_userid: 'wmNEW0001',
      add_tag: [tags.tag_group?.[0]?.tag[0]?.id ?? ''],
    });
    expect(target.received).toHaveLength(2);

    const opened = target.received.map(({ query, body }) => {
      expect(body).toMatch(
        new RegExp(`^<xml><ToUserName><!\\[CDATA\\[${CORP_ID}\\]\\]></ToUserName><Encrypt>`),
      );
      const encrypted = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)?.[1];
      return openCallback(
        keys(),
        {
          msgSignature: query.get('msg_signature') ?? undefined,
          timestamp: query.get('timestamp') ?? undefined,
          nonce: query.get('nonce') ?? undefined,
          encrypted,
        },
        Math.floor(Date.now() / 1000),
      );
    });
    expect(opened.map((o) => o.ok)).toEqual([true, true]);
    const [add, del] = opened.map((o) => (o.ok ? o.value : ''));
    expect(add).toContain('<Event><![CDATA[change_external_contact]]></Event>');
    expect(add).toContain('<ChangeType><![CDATA[add_external_contact]]></ChangeType>');
    expect(add).toContain(
      '<UserID><![CDATA[AM001]]></UserID><ExternalUserID><![CDATA[wmNEW0001]]></ExternalUserID>',
    );
    expect(del).toContain('<ChangeType><![CDATA[del_follow_user]]></ChangeType>');
    expect((await client.listContacts('AM001')).external_userid).toEqual(['wmNEW0001']);
  });

  it('pushes transfer_fail when a customer refuses a takeover', async () => {
    const target = await callbackReceiver();
    const { sim, client } = await simulatorAndClient(smallWorld({ am001: 1, am002: 1, am003: 0 }), {
      simulator: { callback: { url: target.url, token: CALLBACK_TOKEN, encodingAESKey: AES_KEY } },
    });
    running = sim;
    await simControl(sim, 'customers/refuse', { external_userid: 'wm0001' });
    await client.transferCustomer('employed', {
      handover_userid: 'AM001',
      takeover_userid: 'AM002',
      external_userid: ['wm0001'],
    });
    await simControl(sim, 'clock', { advance_seconds: 86_400 });
    expect(target.received).toHaveLength(1);
    const { query, body } = target.received[0] ?? { query: new URLSearchParams(), body: '' };
    const opened = openCallback(
      keys(),
      {
        msgSignature: query.get('msg_signature') ?? undefined,
        timestamp: query.get('timestamp') ?? undefined,
        nonce: query.get('nonce') ?? undefined,
        encrypted: /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(body)?.[1],
      },
      Math.floor(Date.now() / 1000),
    );
    expect(opened.ok && opened.value).toContain('<FailReason><![CDATA[customer_refused]]></FailReason>');
  });

  it('summarises its state without secrets or tokens', async () => {
    const { sim, client } = await simulatorAndClient(smallWorld({ am001: 2, am002: 1, am003: 1 }));
    running = sim;
    await client.listContacts('AM001');
    const state = (await simControl(sim, 'state')) as Record<string, unknown>;
    expect(state).toMatchObject({
      corp_id: CORP_ID,
      staff: 3,
      customers: 4,
      friendships: 4,
      departed: ['AM003'],
    });
    expect(sim.state()).toEqual(state);
    const text = JSON.stringify(state);
    for (const token of sim.world.tokens.keys()) expect(text).not.toContain(token);
    expect(text).not.toContain('sim-secret');
  });
});
