import type { TagCategory } from '../store/operational/database.ts';
import type { KindSpec, TagInput } from './definition.ts';
import { CHANNEL_PREFERENCE_SQL, DEFAULT_LIFECYCLE_STAGES, MANAGED_SQL } from './catalogue-rules.ts';
import { PREFERENCE_TAGS } from './catalogue-preferences.ts';
import { labelled as v, NO, YES, type Label } from './labels.ts';

// The default label catalogue a bank starts from (builtin = true). Every tag computes from what the stores hold:
// profile columns, active holdings with their maturity and due dates, consents, behaviour events, transactions and
// daily balances. Banks edit these definitions like any other (a new version each time).

/** One builtin tag as the catalogue writes it. */
export type CatalogueDef = Omit<TagInput, 'kind' | 'spec' | 'description'> &
  KindSpec & { description?: string };
type Def = CatalogueDef;

const flag = (rule: unknown) => ({
  values: [{ value: 'yes', label: YES, rule }],
  default: { value: 'no', label: NO },
});
const within = (days: number, field: string) => ({ attr: field, op: 'between', value: [0, days] });

const tag = (key: string, category: TagCategory, name: Label, def: KindSpec, description?: string): Def => ({
  key,
  category,
  name_en: name.en,
  name_zh: name.zh,
  ...def,
  ...(description ? { description } : {}),
});

const attribute = (spec: object): KindSpec => ({ kind: 'attribute', spec }) as KindSpec;
const bucket = (spec: object): KindSpec => ({ kind: 'bucket', spec }) as KindSpec;
const event = (spec: object): KindSpec => ({ kind: 'event', spec }) as KindSpec;
const yesNoBuckets = [
  { value: 'yes', label: YES, min: 1 },
  { value: 'no', label: NO, max: 1 },
];
const holds = (category: string, name: Label) =>
  tag(`holds_${category}`, 'product', name, attribute(flag({ holds: category })));

const DEFS: readonly Def[] = [
  // demographics
  tag(
    'gender',
    'demographics',
    { en: 'Gender', zh: '性别' },
    attribute({
      values: [
        { ...v('male', 'Male', '男'), rule: { attr: 'gender', op: '=', value: 'M' } },
        { ...v('female', 'Female', '女'), rule: { attr: 'gender', op: '=', value: 'F' } },
      ],
      default: v('unknown', 'Unknown', '未知'),
    }),
  ),
  tag(
    'age_band',
    'demographics',
    { en: 'Age band', zh: '年龄段' },
    bucket({
      field: 'age',
      buckets: [
        { ...v('under_25', 'Under 25', '25岁以下'), max: 25 },
        { ...v('25_34', '25–34', '25-34岁'), min: 25, max: 35 },
        { ...v('35_44', '35–44', '35-44岁'), min: 35, max: 45 },
        { ...v('45_54', '45–54', '45-54岁'), min: 45, max: 55 },
        { ...v('55_64', '55–64', '55-64岁'), min: 55, max: 65 },
        { ...v('65_plus', '65 and over', '65岁及以上'), min: 65 },
      ],
      missing: v('unknown', 'Unknown', '未知'),
    }),
  ),
  tag(
    'city',
    'demographics',
    { en: 'City', zh: '城市' },
    attribute({
      values: [
        { ...v('hangzhou', 'Hangzhou', '杭州'), rule: { attr: 'city', op: '=', value: '杭州' } },
        { ...v('shanghai', 'Shanghai', '上海'), rule: { attr: 'city', op: '=', value: '上海' } },
        { ...v('nanjing', 'Nanjing', '南京'), rule: { attr: 'city', op: '=', value: '南京' } },
        { ...v('suzhou', 'Suzhou', '苏州'), rule: { attr: 'city', op: '=', value: '苏州' } },
        { ...v('ningbo', 'Ningbo', '宁波'), rule: { attr: 'city', op: '=', value: '宁波' } },
      ],
      default: v('other', 'Other city', '其他城市'),
    }),
  ),
  tag(
    'education',
    'demographics',
    { en: 'Education', zh: '学历' },
    attribute({
      values: [
        {
          ...v('postgraduate', 'Postgraduate', '研究生及以上'),
          rule: { attr: 'education', op: 'in', value: ['master', 'doctorate'] },
        },
        { ...v('bachelor', 'Bachelor', '本科'), rule: { attr: 'education', op: '=', value: 'bachelor' } },
        { ...v('associate', 'Associate', '大专'), rule: { attr: 'education', op: '=', value: 'associate' } },
        {
          ...v('secondary', 'Secondary or below', '高中及以下'),
          rule: { attr: 'education', op: 'in', value: ['high_school', 'junior_high', 'primary', 'none'] },
        },
      ],
      default: v('unknown', 'Unknown', '未知'),
    }),
  ),
  tag(
    'marital_status',
    'demographics',
    { en: 'Marital status', zh: '婚姻状况' },
    attribute({
      values: [
        { ...v('married', 'Married', '已婚'), rule: { attr: 'marital_status', op: '=', value: 'married' } },
        { ...v('single', 'Single', '未婚'), rule: { attr: 'marital_status', op: '=', value: 'single' } },
        {
          ...v('divorced_widowed', 'Divorced or widowed', '离异或丧偶'),
          rule: { attr: 'marital_status', op: 'in', value: ['divorced', 'widowed'] },
        },
      ],
      default: v('unknown', 'Unknown', '未知'),
    }),
  ),
  // value
  tag(
    'aum_tier',
    'value',
    { en: 'AUM tier', zh: '资产等级' },
    { kind: 'tier', spec: {} } as KindSpec,
    'Monthly daily-average AUM; upgrades apply the next month, downgrades after 3 months below (6 for private banking).',
  ),
  tag('rfm_group', 'value', { en: 'RFM group', zh: 'RFM客户分群' }, {
    kind: 'rfm',
    spec: { output: 'group' },
  } as KindSpec),
  tag('rfm_recency', 'value', { en: 'RFM recency score', zh: 'RFM最近消费评分' }, {
    kind: 'rfm',
    spec: { output: 'recency' },
  } as KindSpec),
  tag('rfm_frequency', 'value', { en: 'RFM frequency score', zh: 'RFM消费频次评分' }, {
    kind: 'rfm',
    spec: { output: 'frequency' },
  } as KindSpec),
  tag('rfm_monetary', 'value', { en: 'RFM monetary score', zh: 'RFM消费金额评分' }, {
    kind: 'rfm',
    spec: { output: 'monetary' },
  } as KindSpec),
  tag(
    'risk_profile',
    'value',
    { en: 'Risk profile', zh: '风险偏好' },
    bucket({
      field: 'risk_level',
      buckets: [
        { ...v('conservative', 'Conservative (R1)', '保守型'), max: 2 },
        { ...v('steady', 'Steady (R2)', '稳健型'), min: 2, max: 3 },
        { ...v('balanced', 'Balanced (R3)', '平衡型'), min: 3, max: 4 },
        { ...v('growth', 'Growth (R4)', '成长型'), min: 4, max: 5 },
        { ...v('aggressive', 'Aggressive (R5)', '进取型'), min: 5 },
      ],
      missing: v('unknown', 'Not assessed', '未评估'),
    }),
  ),
  // behaviour
  tag(
    'active_30d',
    'behaviour',
    { en: 'Active in the last 30 days', zh: '近30天活跃' },
    event({ event: null, window_days: 30, buckets: yesNoBuckets }),
  ),
  tag(
    'dormant_180d',
    'behaviour',
    { en: 'Dormant for 180 days', zh: '180天沉睡' },
    event({
      event: null,
      window_days: 180,
      buckets: [
        { value: 'yes', label: YES, max: 1 },
        { value: 'no', label: NO, min: 1 },
      ],
    }),
    'No behaviour event (app, WeCom, campaign link) in the last 180 days.',
  ),
  tag(
    'app_engagement_30d',
    'behaviour',
    { en: 'App opens in 30 days', zh: '近30天App活跃度' },
    event({
      event: 'app_open',
      window_days: 30,
      buckets: [
        { ...v('none', 'None', '未登录'), max: 1 },
        { ...v('low', '1–2 opens', '低频(1-2次)'), min: 1, max: 3 },
        { ...v('medium', '3–9 opens', '中频(3-9次)'), min: 3, max: 10 },
        { ...v('high', '10+ opens', '高频(10次以上)'), min: 10 },
      ],
    }),
  ),
  tag(
    'campaign_responder_90d',
    'behaviour',
    { en: 'Clicked a campaign in 90 days', zh: '近90天响应营销' },
    event({ event: 'campaign_click', window_days: 90, buckets: yesNoBuckets }),
  ),
  tag(
    'purchase_amount_90d',
    'behaviour',
    { en: 'App purchases in 90 days (CNY)', zh: '近90天App购买金额' },
    event({
      event: 'purchase',
      measure: 'sum',
      property: 'amount',
      window_days: 90,
      buckets: [
        { ...v('none', 'None', '无购买'), max: 0.01 },
        { ...v('under_10k', 'Under 10k', '1万以下'), min: 0.01, max: 10_000 },
        { ...v('10k_100k', '10k–100k', '1万-10万'), min: 10_000, max: 100_000 },
        { ...v('over_100k', '100k and more', '10万及以上'), min: 100_000 },
      ],
    }),
  ),
  tag(
    'channel_preference',
    'behaviour',
    { en: 'Preferred channel (90 days)', zh: '渠道偏好' },
    {
      kind: 'sql',
      spec: {
        store: 'events',
        sql: CHANNEL_PREFERENCE_SQL,
        // a full pass over 90 days of events: minutes at tens of millions of customers on a small machine
        timeout_ms: 600_000,
        values: [
          v('app', 'Mobile app', '手机银行'),
          v('wecom', 'WeCom / WeChat', '企业微信'),
          v('sms', 'SMS', '短信'),
          v('branch', 'Branch counter', '网点柜面'),
          v('other', 'Other', '其他'),
        ],
      },
    } as KindSpec,
    'The channel of most events (and counter transactions) in the last 90 days.',
  ),
  ...PREFERENCE_TAGS,
  // product
  holds('fund', { en: 'Holds funds', zh: '持有基金' }),
  holds('wealth', { en: 'Holds wealth products', zh: '持有理财' }),
  holds('insurance', { en: 'Holds insurance', zh: '持有保险' }),
  holds('time_deposit', { en: 'Holds time deposits', zh: '持有定期存款' }),
  holds('loan', { en: 'Has a loan', zh: '持有贷款' }),
  holds('credit_card', { en: 'Has a credit card', zh: '持有信用卡' }),
  tag(
    'renewal_due_30d',
    'product',
    { en: 'Insurance renewal within 30 days', zh: '30天内保险续期' },
    attribute(flag(within(30, 'insurance_due_days'))),
  ),
  tag(
    'loan_repayment_due_7d',
    'product',
    { en: 'Loan or card repayment within 7 days', zh: '7天内贷款/信用卡还款' },
    attribute(flag({ any: [within(7, 'loan_due_days'), within(7, 'credit_card_due_days')] })),
  ),
  tag(
    'deposit_maturing_30d',
    'product',
    { en: 'Time deposit maturing within 30 days', zh: '30天内定期到期' },
    attribute(flag(within(30, 'time_deposit_maturity_days'))),
  ),
  tag(
    'wealth_maturing_30d',
    'product',
    { en: 'Wealth product maturing within 30 days', zh: '30天内理财到期' },
    attribute(flag(within(30, 'wealth_maturity_days'))),
  ),
  tag(
    'fund_auto_investment',
    'product',
    { en: 'Fund auto-investment plan', zh: '基金定投' },
    attribute(flag({ attr: 'fund_due_days', op: 'empty', value: false })),
  ),
  // loyalty
  tag(
    'tenure_band',
    'loyalty',
    { en: 'Years as a customer', zh: '客户年限' },
    bucket({
      field: 'tenure_years',
      buckets: [
        { ...v('under_1', 'Under 1 year', '1年以内'), max: 1 },
        { ...v('1_3', '1–2 years', '1-3年'), min: 1, max: 3 },
        { ...v('3_5', '3–4 years', '3-5年'), min: 3, max: 5 },
        { ...v('5_10', '5–9 years', '5-10年'), min: 5, max: 10 },
        { ...v('10_plus', '10 years and more', '10年以上'), min: 10 },
      ],
      missing: v('unknown', 'Unknown', '未知'),
    }),
  ),
  tag(
    'product_count_band',
    'loyalty',
    { en: 'Products held', zh: '持有产品数' },
    bucket({
      field: 'product_count',
      buckets: [
        { ...v('none', 'None', '无'), max: 1 },
        { ...v('one', '1 product', '1个'), min: 1, max: 2 },
        { ...v('two', '2 products', '2个'), min: 2, max: 3 },
        { ...v('three', '3 products', '3个'), min: 3, max: 4 },
        { ...v('four_plus', '4 or more', '4个及以上'), min: 4 },
      ],
    }),
  ),
  // cash flow
  tag(
    'payroll_customer',
    'cash_flow',
    { en: 'Payroll customer', zh: '代发工资客户' },
    attribute(flag({ attr: 'payroll', op: '=', value: true })),
  ),
  // reachability
  tag(
    'wecom_friend',
    'reachability',
    { en: 'WeCom friend', zh: '企业微信好友' },
    attribute(flag({ attr: 'wecom_friend', op: '=', value: true })),
  ),
  tag(
    'sms_consent',
    'reachability',
    { en: 'SMS consent', zh: '短信授权' },
    attribute(flag({ attr: 'consent_sms', op: '=', value: true })),
  ),
  tag(
    'phone_consent',
    'reachability',
    { en: 'Phone consent', zh: '电话授权' },
    attribute(flag({ attr: 'consent_phone', op: '=', value: true })),
  ),
  tag(
    'app_push_consent',
    'reachability',
    { en: 'App push consent', zh: 'App推送授权' },
    attribute(flag({ attr: 'consent_app_push', op: '=', value: true })),
  ),
  tag(
    'app_user',
    'reachability',
    { en: 'App user', zh: '手机银行用户' },
    attribute(flag({ attr: 'app_user', op: '=', value: true })),
  ),
  tag('managed_by_rm', 'reachability', { en: 'Has an account manager', zh: '有专属客户经理' }, {
    kind: 'sql',
    spec: {
      store: 'operational',
      sql: MANAGED_SQL,
      timeout_ms: 600_000,
      values: [
        { value: 'yes', label: YES },
        { value: 'no', label: NO },
      ],
    },
  } as KindSpec),
  // lifecycle
  tag(
    'lifecycle_stage',
    'lifecycle',
    { en: 'Lifecycle stage', zh: '生命周期阶段' },
    { kind: 'lifecycle', spec: { stages: DEFAULT_LIFECYCLE_STAGES } } as KindSpec,
    'Seven stages from facts: events in the last 365 days and investment holdings; the furthest stage that matches.',
  ),
];

/** The builtin catalogue as definition bodies (validated by parseTagInput when inserted). */
export function builtinCatalogue(): unknown[] {
  return DEFS.map((d) => ({ description: null, ...d }));
}
