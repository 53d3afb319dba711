import type { ContentDraft } from '../campaigns/content/model.ts';
import type { Rule } from '../contracts/rule.ts';
import type { ActivityInput, Lead } from '../activities/model.ts';
import type { PlanInput, Review } from '../ogsm/model.ts';
import { branchId, subBranchId } from './bank.ts';

// What the demo's finished wealth salon (财富沙龙) is: the bank's Hangzhou branch invites its platinum-and-above
// customers to an afternoon at its 西湖 sub-branch with a chamber of commerce, featuring the hot-selling bond fund and
// a three-month deposit as the traffic product. Its people, texts and OGSM plan; activities.ts plays it out.

/** The branch whose customers are invited, and the sub-branch that hosts. */
export const SALON_BRANCH = branchId('HZ');
export const SALON_VENUE_UNIT = subBranchId('HZ', 1);

/** When, in days before the demo's as-of day, and the afternoon on the bank's wall clock. */
export const SALON_TIMES = {
  invitedDaysBefore: 14,
  heldDaysBefore: 10,
  startsAt: '14:00',
  endsAt: '16:30',
} as const;

/** The share of invitees held out as the control group. */
export const SALON_CONTROL_PERCENT = 15;

/** Seats: 50 at the demo's default 100,000 customers, between 20 and 60 at other sizes. */
export function salonCapacity(customers: number): number {
  return Math.min(60, Math.max(20, Math.round(customers / 2000)));
}

/** The guests: the branch's platinum, diamond and private customers. */
export const SALON_POPULATION: { rule: Rule } = {
  rule: {
    all: [
      { attr: 'branch', op: '=', value: SALON_BRANCH },
      { attr: 'tier', op: 'in', value: ['platinum', 'diamond', 'private'] },
    ],
  },
};

/** The partner (a chamber of commerce) and its members who are not the bank's customers (their phones are drawn). */
export const SALON_PARTNER = { name: '杭州市民营企业商会', kind: 'chamber_of_commerce' } as const;
export const OUTSIDE_MEMBERS = ['周建国', '吴海涛', '郑丽华'] as const;

/** The featured fund (hot-selling) and deposit (traffic). */
export const SALON_FUND = 'FD-BOND';
export const SALON_DEPOSIT = 'TD-3M';

/** The salon's name. */
export const SALON_NAME = '财富沙龙：稳健投资与家庭资产配置';

/** The activity's body. */
export function salonBody(at: {
  venue: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  staff: { staffId: string; role: string }[];
  members: { name: string; phone?: string; customerNo?: string }[];
}): ActivityInput {
  return {
    name: SALON_NAME,
    scene: { mode: 'offline', frequency: 'low', aim: 'transaction' },
    venue: `${at.venue}三楼贵宾厅`,
    startsAt: at.startsAt.toISOString(),
    endsAt: at.endsAt.toISOString(),
    capacity: at.capacity,
    products: [
      { productId: SALON_FUND, role: 'hot_selling' },
      { productId: SALON_DEPOSIT, role: 'traffic' },
    ],
    partner: { ...SALON_PARTNER, members: at.members },
    staff: at.staff,
  };
}

/** The invitation: an SMS with the invitee's own RSVP link. */
export const SALON_INVITATION: ContentDraft = {
  type: 'event',
  title: '财富沙龙邀请函',
  variants: {
    sms: {
      text: '【{{ bank.name }}】{{ customer.surname }}{{ customer.salutation }}，诚邀您参加{{ activity.name }}（{{ activity.starts_at }}，{{ activity.venue }}），席位有限，点此报名：{{ activity.rsvp_url }} 理财非存款，投资须谨慎。拒收请回复R',
    },
  },
};

/** Leads taken on site: prospects the partner brought (phones drawn), and one who turns out to be a customer. */
export const SALON_LEADS: readonly Omit<Lead, 'phone' | 'capturedBy'>[] = [
  { name: '冯志强', interest: '企业闲置资金的稳健配置', consent: { sms: true, phone: true } },
  { name: '陈晓燕', interest: '子女教育金规划', consent: { phone: true } },
  { name: '褚伟', interest: '稳健债券基金', consent: { sms: true, phone: true, wecom: true } },
];
export const KNOWN_CUSTOMER_LEAD = { interest: '三个月定期与大额存单', consent: {} } as const;

/** The plan written when the salon was set up; targets scale with its seats. */
export function salonPlan(capacity: number): PlanInput {
  return {
    objective: '以财富沙龙带动高净值客户配置稳健基金，并借商会拓展企业主新客',
    goals: [
      {
        id: 'attendees',
        metric: 'reached',
        population: 'attendees',
        target: Math.round(capacity * 0.9),
        windowDays: 1,
        text: '到场客户达到席位的九成',
      },
      {
        id: 'buyers',
        metric: 'conversions',
        population: 'attendees',
        target: Math.max(3, Math.round(capacity * 0.3)),
        windowDays: 30,
        text: '30 天内完成购买的到场客户数',
      },
      {
        id: 'fund-buyers',
        metric: 'new_buyers',
        population: 'attendees',
        category: 'fund',
        target: Math.max(2, Math.round(capacity * 0.2)),
        windowDays: 30,
        text: '30 天内首次购买基金的到场客户数',
      },
    ],
    strategies: [
      { id: 'sms-invite', text: '向分行白金及以上客户发送短信邀请，附个人报名链接，留 15% 对照组' },
      { id: 'chamber', text: '联合民营企业商会邀请企业主会员，现场登记新客线索' },
      { id: 'products', text: '主讲稳健债券基金，以三个月定期引流，会后三天内客户经理回访' },
    ],
    measures: ['aum_change'],
  };
}

/** The review written a week after the salon. */
export const SALON_REVIEW: Review = {
  scores: [
    { id: 'sms-invite', score: 3, note: '短信报名率偏低，报名者到场率较高' },
    { id: 'chamber', score: 4, note: '商会会员到场并留下多条新客线索' },
    { id: 'products', score: 4, note: '债券基金讲解后现场咨询踊跃，回访按时完成' },
  ],
  lesson:
    '高净值客户更看重客户经理的邀约：下次短信之外由客户经理一对一电话邀请，并在活动前一天发送提醒；商会合作值得继续，线索当天分配给客户经理。',
};
