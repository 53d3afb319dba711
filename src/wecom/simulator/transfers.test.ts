import { afterEach, describe, expect, it } from 'vitest';
import { simControl, simulatorAndClient, smallWorld } from '../../../test/support/wecom-sim.ts';
import { paginate } from '../client.ts';
import type { RunningSimulator } from './server.ts';

// Handing customers over through the client: per-customer errcodes, the 24-hour completion on the simulator's clock,
// refusals and the taker's limit, the two-moves-in-90-days rule, the departed staff's unassigned customers.

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

const DAY = 86_400;

describe('transfers in the simulator', () => {
  it('schedules an employed transfer and completes it 24 h later on the simulator clock', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 3, am002: 1, am003: 0 }));
    const moved = await client.transferCustomer('employed', {
      handover_userid: 'AM001',
      takeover_userid: 'AM002',
      external_userid: ['wm0001', 'wm0002'],
      transfer_success_msg: '您好，您的客户经理已变更为李强。',
    });
    expect(moved).toMatchObject({
      errcode: 0,
      customer: [
        { external_userid: 'wm0001', errcode: 0 },
        { external_userid: 'wm0002', errcode: 0 },
      ],
    });
    const request = { handover_userid: 'AM001', takeover_userid: 'AM002' };
    const waiting = await client.transferResult('employed', request);
    expect(waiting.customer?.map((c) => c.status)).toEqual([2, 2]);
    await simControl(sim, 'clock', { advance_seconds: DAY - 60 });
    expect((await client.transferResult('employed', request)).customer?.map((c) => c.status)).toEqual([2, 2]);
    await simControl(sim, 'clock', { advance_seconds: 120 });
    const done = await client.transferResult('employed', request);
    expect(done.customer?.map((c) => c.status)).toEqual([1, 1]);
    expect((await client.listContacts('AM002')).external_userid).toEqual(['wm0004', 'wm0001', 'wm0002']);
    expect((await client.listContacts('AM001')).external_userid).toEqual(['wm0003']);
  });

  it('answers each customer: moved twice in 90 days (40129), already moving (40100), not his (84061)', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 3, am002: 1, am003: 0 }));
    const move = (from: string, to: string, ids: string[]) =>
      client.transferCustomer('employed', {
        handover_userid: from,
        takeover_userid: to,
        external_userid: ids,
      });
    await move('AM001', 'AM002', ['wm0001']);
    await simControl(sim, 'clock', { advance_seconds: DAY + 1 });
    await move('AM002', 'AM001', ['wm0001']);
    await simControl(sim, 'clock', { advance_seconds: DAY + 1 });
    const third = await move('AM001', 'AM002', ['wm0001', 'wm0002', 'wm0002', 'wm0004']);
    expect(third.errcode).toBe(0);
    expect(third.customer).toEqual([
      { external_userid: 'wm0001', errcode: 40129 },
      { external_userid: 'wm0002', errcode: 0 },
      { external_userid: 'wm0002', errcode: 40100 },
      { external_userid: 'wm0004', errcode: 84061 },
    ]);
    // 90 days after the first move the customer may move again.
    await simControl(sim, 'clock', { advance_seconds: 89 * DAY });
    expect((await move('AM001', 'AM002', ['wm0001'])).customer).toEqual([
      { external_userid: 'wm0001', errcode: 0 },
    ]);
  });

  it('refuses a resigned transfer from someone still employed with 40097 per customer', async () => {
    const { client } = await setUp(smallWorld({ am001: 2, am002: 1, am003: 0 }));
    const answer = await client.transferCustomer('resigned', {
      handover_userid: 'AM001',
      takeover_userid: 'AM002',
      external_userid: ['wm0001', 'wm0002'],
    });
    expect(answer.customer?.map((c) => c.errcode)).toEqual([40097, 40097]);
  });

  it('checks the request: same giver and taker 40130, a success message over 200 characters 40058', async () => {
    const { client } = await setUp(smallWorld({ am001: 1, am002: 1, am003: 0 }));
    const base = { handover_userid: 'AM001', external_userid: ['wm0001'] };
    expect((await client.transferCustomer('employed', { ...base, takeover_userid: 'AM001' })).errcode).toBe(
      40130,
    );
    const long = await client.transferCustomer('employed', {
      ...base,
      takeover_userid: 'AM002',
      transfer_success_msg: '长'.repeat(201),
    });
    expect(long.errcode).toBe(40058);
    expect((await client.transferCustomer('employed', { ...base, takeover_userid: 'NOBODY' })).errcode).toBe(
      40003,
    );
  });

  it('hands a departed member’s customers over: unassigned list, refusal (3), taker at his limit (4), done (1)', async () => {
    const { sim, client } = await setUp(smallWorld({ am001: 0, am002: 2, am003: 5 }), {
      simulator: { limits: { takerCustomerLimit: 5 } },
    });
    await simControl(sim, 'staff/depart', { userid: 'AM001' }); // departs with no customers: changes nothing
    const unassigned = await client.getUnassignedList({ page_size: 2 });
    expect(unassigned.info?.map((u) => u.external_userid)).toEqual(['wm0003', 'wm0004']);
    expect(unassigned.info?.[0]).toMatchObject({ handover_userid: 'AM003', dimission_time: 1_700_000_000 });
    const all: string[] = [];
    for await (const page of paginate((cursor) =>
      client.getUnassignedList({ page_size: 2, ...(cursor ? { cursor } : {}) }),
    ))
      all.push(...(page.info ?? []).map((u) => u.external_userid));
    expect(all).toEqual(['wm0003', 'wm0004', 'wm0005', 'wm0006', 'wm0007']);

    await simControl(sim, 'customers/refuse', { external_userid: 'wm0004' });
    const answer = await client.transferCustomer('resigned', {
      handover_userid: 'AM003',
      takeover_userid: 'AM002',
      external_userid: all,
    });
    expect(answer.customer?.every((c) => c.errcode === 0)).toBe(true);
    expect((await client.getUnassignedList({})).info).toEqual([]);
    await simControl(sim, 'clock', { advance_seconds: DAY });
    const result = await client.transferResult('resigned', {
      handover_userid: 'AM003',
      takeover_userid: 'AM002',
    });
    // AM002 holds 2; the limit of 5 lets three in, the refusal stays with AM003, the last finds AM002 full.
    expect(result.customer?.map((c) => [c.external_userid, c.status])).toEqual([
      ['wm0003', 1],
      ['wm0004', 3],
      ['wm0005', 1],
      ['wm0006', 1],
      ['wm0007', 4],
    ]);
    expect((await client.listContacts('AM002')).external_userid).toHaveLength(5);
    expect((await client.listContacts('AM003')).external_userid).toEqual(['wm0004', 'wm0007']);
    // AM002 now at his limit: a new request is refused per customer at once.
    const full = await client.transferCustomer('resigned', {
      handover_userid: 'AM003',
      takeover_userid: 'AM002',
      external_userid: ['wm0007'],
    });
    expect(full.customer).toEqual([{ external_userid: 'wm0007', errcode: 40099 }]);
  });

  it('pages transfer_result by cursor', async () => {
    const { client } = await setUp(smallWorld({ am001: 0, am002: 0, am003: 7 }), {
      simulator: { limits: { resultPageSize: 3 } },
    });
    const ids = ['wm0001', 'wm0002', 'wm0003', 'wm0004', 'wm0005', 'wm0006', 'wm0007'];
    await client.transferCustomer('resigned', {
      handover_userid: 'AM003',
      takeover_userid: 'AM001',
      external_userid: ids,
    });
    const seen: string[] = [];
    for await (const page of paginate((cursor) =>
      client.transferResult('resigned', {
        handover_userid: 'AM003',
        takeover_userid: 'AM001',
        ...(cursor ? { cursor } : {}),
      }),
    ))
      seen.push(...(page.customer ?? []).map((c) => c.external_userid));
    expect(seen).toEqual(ids);
  });
});
