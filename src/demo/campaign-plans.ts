import type { ContentDraft } from '../campaigns/content/model.ts';
import type { CampaignDraft } from '../campaigns/model.ts';

// The demo bank's past campaigns: what was sent, to whom, and how customers answered (rates per touchpoint, the
// purchase rate without the message and the message's effect on top). Rates are of the order banks report for
// app push and SMS marketing; the effects are modest, as real ones are.

/** The demo's channels: the built-in outbox, one per touchpoint (messages visible in the dashboard). */
export const DEMO_CHANNELS = [
  { key: 'app_push', kind: 'outbox', reaches: 'app_push', variant: 'app_push' },
  { key: 'sms', kind: 'outbox', reaches: 'sms', variant: 'sms' },
  { key: 'email', kind: 'outbox', reaches: 'email', variant: 'email' },
] as const;

interface Rates {
  readonly delivered: number;
  readonly opened: number;
  readonly clicked: number;
}

/** One past campaign of the demo bank. */
export interface DemoCampaign {
  readonly daysAgo: number;
  /** Wall-clock time it went out, in the bank's zone. */
  readonly sendAt: string;
  readonly content: ContentDraft;
  readonly campaign: Omit<CampaignDraft, 'content'>;
  readonly productCategory: string;
  readonly responses: { readonly sms: Rates; readonly app_push: Rates; readonly email?: Rates };
  readonly conversion: { readonly base: number; readonly effect: number; readonly amount: number };
}

const RATES = {
  sms: { delivered: 0.97, opened: 0, clicked: 0.035 },
  app_push: { delivered: 0.92, opened: 0.16, clicked: 0.06 },
  email: { delivered: 0.95, opened: 0.22, clicked: 0.04 },
};

/** The campaigns, oldest first. */
export const DEMO_CAMPAIGNS: readonly DemoCampaign[] = [
  {
    daysAgo: 24,
    sendAt: '09:30',
    content: {
      type: 'product',
      title: '稳健90天理财 新品推荐',
      productId: 'WM-90D',
      variants: {
        app_push: {
          title: '{{ product.name }}，业绩比较基准{{ product.rate }}%',
          body: '{{ customer.surname }}{{ customer.salutation }}，稳健低波，90天持有期，点击查看详情。理财非存款，产品有风险，投资须谨慎。',
        },
        sms: {
          text: '【{{ bank.name }}】{{ customer.surname }}{{ customer.salutation }}，{{ product.name }}业绩比较基准{{ product.rate }}%，详询您的客户经理。理财非存款，投资须谨慎。',
        },
        wecom: {
          text: '您好，我是您的客户经理。{{ product.name }}业绩比较基准{{ product.rate }}%，稳健低波，有兴趣可以随时问我。理财非存款，投资须谨慎。',
        },
      },
    },
    campaign: {
      name: '稳健90天理财 新品推荐',
      purpose: 'marketing',
      population: {
        rule: {
          all: [
            { attr: 'risk_level', op: '>=', value: 3 },
            { attr: 'tier', op: '=', value: 'gold' },
          ],
        },
      },
      channels: ['app_push', 'sms'],
      schedule: { kind: 'now' },
      controlPercent: 10,
      conversion: { event: 'purchase', windowDays: 7 },
      costPerMessage: 0.04,
    },
    productCategory: 'wealth',
    responses: RATES,
    conversion: { base: 0.018, effect: 0.012, amount: 50_000 },
  },
  {
    daysAgo: 10,
    sendAt: '10:00',
    content: {
      type: 'event',
      title: '年末存款回馈季',
      variants: {
        app_push: {
          title: '年末存款回馈季开启',
          body: '{{ customer.surname }}{{ customer.salutation }}，即日起存入一年期定期满5万元可参加回馈活动，名额有限。',
        },
        sms: {
          text: '【{{ bank.name }}】{{ customer.surname }}{{ customer.salutation }}，年末存款回馈季开启，一年期定期满5万元可参加回馈活动，详询网点。',
        },
      },
    },
    campaign: {
      name: '年末存款回馈季',
      purpose: 'marketing',
      population: { rule: { attr: 'tier', op: 'in', value: ['platinum', 'diamond', 'private'] } },
      channels: ['sms', 'app_push'],
      schedule: { kind: 'now' },
      controlPercent: 10,
      conversion: { event: 'purchase', windowDays: 7 },
      costPerMessage: 0.04,
    },
    productCategory: 'time_deposit',
    responses: RATES,
    conversion: { base: 0.012, effect: 0.006, amount: 80_000 },
  },
];

/** The standing service notice: deposits maturing in three days, every morning, to the customer's SMS and app. */
export const DEMO_MATURITY_REMINDER: {
  readonly approveAt: string;
  readonly checkAt: string;
  readonly content: ContentDraft;
  readonly campaign: Omit<CampaignDraft, 'content'>;
} = {
  approveAt: '08:30',
  checkAt: '09:00',
  content: {
    type: 'category',
    title: '定期存款到期提醒',
    variants: {
      app_push: {
        title: '您的{{ reminder.kind }}将于{{ reminder.due_date }}到期',
        body: '{{ customer.surname }}{{ customer.salutation }}，您尾号{{ reminder.account_last4 }}的{{ reminder.products }}（{{ reminder.amount }}元）将于{{ reminder.due_date }}到期，可提前安排续存或转入。',
      },
      sms: {
        text: '【{{ bank.name }}】{{ customer.surname }}{{ customer.salutation }}，您尾号{{ reminder.account_last4 }}的{{ reminder.products }}（{{ reminder.amount }}元）将于{{ reminder.due_date }}到期，如需续存请联系您的客户经理。',
      },
    },
  },
  campaign: {
    name: '定期存款到期提醒',
    purpose: 'service',
    population: { rule: { holds: 'time_deposit' } },
    channels: ['app_push', 'sms'],
    schedule: { kind: 'daily', time: '09:00' },
    controlPercent: 0,
    reminder: { kind: 'deposit_maturity', daysBefore: 3 },
  },
};
