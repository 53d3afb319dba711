import { createHash } from 'node:crypto';
import type { WorldSeed } from '../wecom/simulator/world.ts';
import { staff } from './bank.ts';
import { beijingMs, dayNumber } from './calendar.ts';
import { generateCustomer } from './customers.ts';
import { DEFAULT_AS_OF, type DemoOptions } from './seed.ts';

// The demo bank as a WeCom enterprise, for the simulator: the same account managers (userid = staff id) and, for
// every customer the demo makes a WeCom friend with a manager, that friendship under the same external_userid. Built
// from the generator (the same seed, size and as-of day as the server's seed), never from the server's stores, so a
// simulator started beside `npm start` with the same FLYWHEEL_DEMO_* settings and day lines up with its data.

/** Manual tags a bank's staff typically made in WeCom's console (the app may use them, not change them). */
const MANUAL_TAGS = [
  { group_name: '客户来源', tags: ['网点开户', '朋友推荐', '活动扫码'] },
  { group_name: '沟通偏好', tags: ['工作日联系', '周末联系', '仅文字'] },
];

/** A stable unionid-like id per customer: WeChat's unionid is per user across the bank's apps. */
const unionidOf = (seed: string, customerNo: string) =>
  `o${createHash('sha256').update(`${seed}:unionid:${customerNo}`).digest('base64url').slice(0, 27)}`;

/** The WeCom world of the demo bank with these options (customers, seed and as-of day; days do not matter). */
export function demoWecomWorld(options: Pick<DemoOptions, 'customers' | 'seed' | 'asOf'>): WorldSeed {
  const endDay = dayNumber(options.asOf ?? DEFAULT_AS_OF);
  const { rows, managers } = staff(options.seed, endDay);
  const customers: WorldSeed['customers'][number][] = [];
  const friendships: WorldSeed['friendships'][number][] = [];
  for (let id = 1; id <= options.customers; id++) {
    const c = generateCustomer(options.seed, id, endDay, managers);
    if (c.wecom_external_userid === null || c.managerId === null) continue;
    customers.push({
      external_userid: c.wecom_external_userid,
      name: c.name,
      unionid: unionidOf(options.seed, c.customer_no),
      mobile: c.phone,
    });
    const wecom = c.consents.find((k) => k.channel === 'wecom' && k.source === 'wecom_add_friend');
    const since = wecom ? Date.parse(wecom.updated_at) : beijingMs(c.sinceDay, 10 * 3600);
    friendships.push({
      userid: c.managerId,
      external_userid: c.wecom_external_userid,
      createtime: Math.floor(since / 1000),
      remark: c.name,
      add_way: 1,
    });
  }
  return {
    staff: rows
      .filter((r) => r.role === 'account_manager' || r.role === 'branch_head')
      .map((r) => ({ userid: r.id, name: r.name })),
    customers,
    friendships,
    manualTags: MANUAL_TAGS,
  };
}
