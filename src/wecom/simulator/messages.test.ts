import { afterEach, describe, expect, it } from 'vitest';
import { simControl, simulatorAndClient, smallWorld } from '../../../test/support/wecom-sim.ts';
import type { RunningSimulator } from './server.ts';

// Group messages through the client: nothing is sent before the sender confirms; one message per customer per day;
// customers who are not the sender's friends are refused at once; an unconfirmed message can expire.

let running: RunningSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function setUp() {
  const pair = await simulatorAndClient(smallWorld({ am001: 3, am002: 1, am003: 0 }));
  running = pair.sim;
  return pair;
}

const message = (sender: string, ids: string[], content = '本周基金周报') => ({
  chat_type: 'single' as const,
  sender,
  external_userid: ids,
  text: { content },
});

describe('group messages in the simulator', () => {
  it('waits for the sender’s confirmation, then sends; non-friends are in fail_list', async () => {
    const { sim, client } = await setUp();
    const sent = await client.addMsgTemplate(message('AM001', ['wm0001', 'wm0002', 'wm0004']));
    expect(sent).toMatchObject({ errcode: 0, fail_list: ['wm0004'] });
    const msgid = sent.msgid ?? '';
    const before = await client.getGroupMsgSendResult({ msgid, userid: 'AM001' });
    expect(before.send_list?.map((s) => [s.external_userid, s.status])).toEqual([
      ['wm0001', 0],
      ['wm0002', 0],
      ['wm0004', 2],
    ]);
    await simControl(sim, 'messages/confirm', { msgid });
    const after = await client.getGroupMsgSendResult({ msgid, userid: 'AM001' });
    expect(after.send_list?.map((s) => s.status)).toEqual([1, 1, 2]);
    expect(after.send_list?.[0]?.send_time).toBe(sim.clock.seconds());
    // Another member asking sees none of AM001's sends.
    expect((await client.getGroupMsgSendResult({ msgid, userid: 'AM002' })).send_list).toEqual([]);
  });

  it('lets a customer receive one group message a day', async () => {
    const { sim, client } = await setUp();
    const first = await client.addMsgTemplate(message('AM001', ['wm0001']));
    const pending = await client.addMsgTemplate(message('AM001', ['wm0001', 'wm0002'], '理财沙龙邀请'));
    // Neither is sent yet, so both are accepted; the first confirmed wins the day.
    expect(pending.fail_list).toEqual([]);
    await simControl(sim, 'messages/confirm', { msgid: first.msgid });
    await simControl(sim, 'messages/confirm', { msgid: pending.msgid });
    const second = await client.getGroupMsgSendResult({ msgid: pending.msgid ?? '', userid: 'AM001' });
    expect(second.send_list?.map((s) => [s.external_userid, s.status])).toEqual([
      ['wm0001', 3],
      ['wm0002', 1],
    ]);
    const third = await client.addMsgTemplate(message('AM001', ['wm0001', 'wm0003']));
    expect(third.fail_list).toEqual(['wm0001']);
    await simControl(sim, 'clock', { advance_seconds: 86_400 });
    expect((await client.addMsgTemplate(message('AM001', ['wm0001']))).fail_list).toEqual([]);
  });

  it('lets an unconfirmed message expire: nothing sent, no confirmation afterwards', async () => {
    const { sim, client } = await setUp();
    const sent = await client.addMsgTemplate(message('AM001', ['wm0001']));
    await simControl(sim, 'messages/expire', { msgid: sent.msgid });
    await expect(simControl(sim, 'messages/confirm', { msgid: sent.msgid })).rejects.toThrow(/expired/);
    const result = await client.getGroupMsgSendResult({ msgid: sent.msgid ?? '', userid: 'AM001' });
    expect(result.send_list?.map((s) => s.status)).toEqual([0]);
    // The customer was never reached, so another message may go out today.
    expect((await client.addMsgTemplate(message('AM001', ['wm0001']))).fail_list).toEqual([]);
  });

  it('refuses an unknown sender (40003) and an empty text (40058)', async () => {
    const { client } = await setUp();
    expect((await client.addMsgTemplate(message('NOBODY', ['wm0001']))).errcode).toBe(40003);
    expect((await client.addMsgTemplate(message('AM001', ['wm0001'], ''))).errcode).toBe(40058);
  });
});
