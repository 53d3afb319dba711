import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { seedSyntheticBank } from '../../test/support/synthetic-bank.ts';
import { loadConfig } from '../config/load.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import {
  customerNumbersIn,
  matchFriends,
  mobileSha256,
  normalisedMobile,
  type FriendFacts,
} from './matching.ts';

// Identity matching on PGlite: each rule alone, the bank's order deciding between rules, the bank's own link first,
// and no link where a rule finds two customers.

const friend = (externalUserid: string, f: Partial<FriendFacts> = {}): FriendFacts => ({
  externalUserid,
  unionid: null,
  remark: null,
  remarkMobileSha256: [],
  ...f,
});

describe('FLYWHEEL_WECOM_MATCH', () => {
  it('is unionid, phone, remark by default, in the order the bank gives, and refuses unknown or repeated rules', () => {
    const corp = { FLYWHEEL_WECOM_CORP_ID: 'wwcorp' };
    const match = (value?: string) => {
      const r = loadConfig({ ...corp, ...(value === undefined ? {} : { FLYWHEEL_WECOM_MATCH: value }) });
      return r.ok ? r.value.wecom?.match : r.error.map((p) => p.variable);
    };
    expect(match()).toEqual(['unionid', 'phone', 'remark']);
    expect(match(' remark , phone ')).toEqual(['remark', 'phone']);
    expect(match('email')).toEqual(['FLYWHEEL_WECOM_MATCH']);
    expect(match('phone,phone')).toEqual(['FLYWHEEL_WECOM_MATCH']);
  });
});

describe('matching WeCom friends to customers', () => {
  let store: OperationalStore;
  const db = () => store.db;

  beforeAll(async () => {
    store = await openMigratedMemoryStore();
    await seedSyntheticBank(db(), {
      staff: [{ id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' }],
      pools: [{ managerId: 'AM1', orgUnitId: 'SB-A1', customers: 6 }],
      asOf: '2026-11-23',
    });
    await db()
      .insertInto('customer_identities')
      .values([
        { kind: 'wechat_unionid', value: 'union-2', customer_id: 2 },
        { kind: 'wecom', value: 'wmKnown5', customer_id: 5 },
      ])
      .execute();
    // C3's phone hash as core banking gives it; C4 and C6 share a phone (a household number).
    await db()
      .updateTable('customers')
      .set({ phone_sha256: mobileSha256('13900000003') })
      .where('id', '=', 3)
      .execute();
    await db()
      .updateTable('customers')
      .set({ phone_sha256: mobileSha256('13900000046') })
      .where('id', 'in', [4, 6])
      .execute();
  });
  afterAll(async () => store?.close());

  it('normalises mobiles and finds customer numbers in remarks', () => {
    expect(normalisedMobile('+86 139-0000-0003')).toBe('13900000003');
    expect(normalisedMobile('0086 13900000003')).toBe('13900000003');
    expect(mobileSha256('139 0000 0003')).toBe(mobileSha256('13900000003'));
    expect(customerNumbersIn('王总 c000000123 / C000000124 C0000001250')).toEqual([
      'C000000123',
      'C000000124',
    ]);
    expect(customerNumbersIn(null)).toEqual([]);
  });

  it('matches by unionid, phone hash and remark, and by the bank’s own link first', async () => {
    const found = await matchFriends(
      db(),
      [
        friend('wmU', { unionid: 'union-2' }),
        friend('wmP', { remarkMobileSha256: [mobileSha256('13900000003')] }),
        friend('wmR', { remark: '张先生 C000000001' }),
        // Known to the bank already: the link wins over what the remark says.
        friend('wmKnown5', { remark: 'C000000001' }),
        friend('wmNone', { unionid: 'union-unknown', remark: 'no number' }),
      ],
      ['unionid', 'phone', 'remark'],
    );
    expect(Object.fromEntries(found)).toEqual({
      wmU: { customerId: 2, matchedBy: 'unionid' },
      wmP: { customerId: 3, matchedBy: 'phone' },
      wmR: { customerId: 1, matchedBy: 'remark' },
      wmKnown5: { customerId: 5, matchedBy: 'external_userid' },
    });
  });

  it('follows the configured order and leaves rules out that are not configured', async () => {
    const both = friend('wmBoth', { unionid: 'union-2', remark: 'C000000001' });
    expect((await matchFriends(db(), [both], ['remark', 'unionid'])).get('wmBoth')).toEqual({
      customerId: 1,
      matchedBy: 'remark',
    });
    expect((await matchFriends(db(), [both], ['unionid', 'remark'])).get('wmBoth')).toEqual({
      customerId: 2,
      matchedBy: 'unionid',
    });
    expect((await matchFriends(db(), [both], ['phone'])).size).toBe(0);
  });

  it('links nobody when a rule points at two customers', async () => {
    const found = await matchFriends(
      db(),
      [
        friend('wmHousehold', { remarkMobileSha256: [mobileSha256('13900000046')] }),
        friend('wmTwoNumbers', { remark: 'C000000001 C000000002' }),
      ],
      ['unionid', 'phone', 'remark'],
    );
    expect(found.size).toBe(0);
  });
});
