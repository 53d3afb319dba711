import type { DictionaryKind } from '../contracts/dictionary.ts';

// The dictionary shipped with Flywheel: the demo bank's events and properties (src/demo/activity.ts), the bank's
// message events (src/campaigns), the customer attributes every index has (src/segments/source.ts) and those the demo
// bank and the examples import (examples/*). Stored rows override these; a default is never written to the store, so
// a newer release's wording reaches every bank that has not changed it.

/** A shipped entry: key, zh-CN name, en-US name, then optionally unit, zh-CN and en-US description. */
type Row = readonly [key: string, zh: string, en: string, unit?: string, descZh?: string, descEn?: string];

const EVENTS: readonly Row[] = [
  [
    'app_open',
    '打开 App',
    'App opened',
    '',
    '客户打开手机银行 App',
    'The customer opened the mobile banking app',
  ],
  [
    'view_product',
    '浏览产品',
    'Product viewed',
    '',
    '客户查看了一个产品详情页',
    'The customer viewed a product page',
  ],
  [
    'add_favorite',
    '收藏产品',
    'Product saved',
    '',
    '客户收藏了一个产品',
    'The customer saved a product to favourites',
  ],
  [
    'consult',
    '咨询',
    'Consultation',
    '',
    '在线或企业微信咨询客户经理',
    'Asked an account manager online or on WeCom',
  ],
  ['apply', '提交申请', 'Application', '', '提交产品申请', 'Applied for a product'],
  ['purchase', '购买', 'Purchase', '', '在 App 内购买产品', 'Bought a product in the app'],
  ['share', '分享', 'Share', '', '把产品分享给好友', 'Shared a product with a friend'],
  [
    'campaign_click',
    '活动点击',
    'Campaign click',
    '',
    '点击了营销消息中的链接',
    'Clicked a link in a campaign message',
  ],
  [
    'wecom_reply',
    '企微回复',
    'WeCom reply',
    '',
    '在企业微信回复客户经理',
    'Replied to the account manager on WeCom',
  ],
  [
    'message_sent',
    '消息已发送',
    'Message sent',
    '',
    '银行发出的一条营销或服务消息',
    'A message the bank sent',
  ],
  [
    'message_delivered',
    '消息已送达',
    'Message delivered',
    '',
    '渠道回执：已送达',
    'The channel reported delivery',
  ],
  [
    'message_failed',
    '消息发送失败',
    'Message failed',
    '',
    '渠道回执：失败',
    'The channel reported a failure',
  ],
  ['message_opened', '消息已打开', 'Message opened', '', '客户打开了消息', 'The customer opened the message'],
  [
    'message_clicked',
    '消息已点击',
    'Message clicked',
    '',
    '客户点击了消息中的链接',
    'The customer clicked a link',
  ],
  [
    'message_replied',
    '消息已回复',
    'Message replied',
    '',
    '客户回复了消息',
    'The customer replied to the message',
  ],
  [
    'campaign_contact',
    '营销外呼',
    'Campaign contact',
    '',
    'UCI 示例：一次电话营销联系',
    'UCI example: one telemarketing contact',
  ],
  [
    'term_deposit_subscribed',
    '认购定期存款',
    'Term deposit subscribed',
    '',
    'UCI 示例：客户认购了定期存款（y = yes）',
    'UCI example: the customer subscribed a term deposit (y = yes)',
  ],
];

const EVENT_PROPERTIES: readonly Row[] = [
  ['channel', '渠道', 'Channel'],
  ['os', '操作系统', 'Operating system'],
  ['product_id', '产品', 'Product'],
  ['category', '产品类别', 'Product category'],
  ['product_category', '产品类别', 'Product category'],
  ['amount', '金额', 'Amount', 'CNY'],
  ['campaign_id', '活动', 'Campaign'],
  ['run_id', '执行批次', 'Campaign run'],
  ['content_id', '内容', 'Content'],
  ['content_version', '内容版本', 'Content version'],
  ['content_type', '内容类型', 'Content type'],
  ['variant', '渠道版本', 'Variant'],
  ['purpose', '用途', 'Purpose'],
  ['manager_id', '客户经理', 'Account manager'],
  ['unsubscribed', '已退订', 'Unsubscribed'],
  ['contact', '联系方式', 'Contact type'],
  ['month', '联系月份', 'Contact month'],
  ['day_of_week', '联系星期', 'Contact weekday'],
  ['duration', '通话时长', 'Call duration', 's'],
  ['campaign', '本次活动联系次数', 'Contacts in this campaign'],
  ['pdays', '距上次联系天数', 'Days since previous contact', 'd'],
  ['previous', '此前联系次数', 'Previous contacts'],
  ['poutcome', '上次活动结果', 'Previous outcome'],
];

const ATTRIBUTES: readonly Row[] = [
  ['age', '年龄', 'Age', '岁'],
  ['gender', '性别', 'Gender'],
  ['city', '城市', 'City'],
  ['occupation', '职业', 'Occupation'],
  ['education', '学历', 'Education'],
  ['marital_status', '婚姻状况', 'Marital status'],
  ['org_unit_id', '所属网点', 'Sub-branch'],
  ['branch', '分行', 'Branch'],
  ['risk_level', '风险等级', 'Risk level'],
  ['customer_since', '开户日期', 'Customer since'],
  ['aum', '资产规模 (AUM)', 'AUM', 'CNY', '当前管理资产（元）', 'Current assets under management, CNY'],
  ['tier', '客户等级', 'Tier', '', '按月日均 AUM 划分的客户等级', 'Customer tier by monthly average AUM'],
  ['payroll', '代发工资客户', 'Payroll customer'],
  ['app_user', 'App 用户', 'App user'],
  ['wecom_friend', '企微好友', 'WeCom friend'],
  ['lifecycle_stage', '生命周期阶段', 'Lifecycle stage'],
  ['engagement', '活跃度', 'Engagement'],
  ['account_manager_id', '客户经理', 'Account manager'],
  ['monthly_income', '月收入', 'Monthly income', 'CNY'],
  ['source', '数据来源', 'Data source'],
  // UCI bank marketing (examples/uci-bank-marketing)
  ['job', '职业 (UCI)', 'Job (UCI)'],
  ['marital', '婚姻 (UCI)', 'Marital (UCI)'],
  ['default', '有违约记录', 'Has credit in default'],
  ['housing', '有住房贷款', 'Has housing loan'],
  ['loan', '有个人贷款', 'Has personal loan'],
  // Churn modelling (examples/churn-modelling)
  ['geography', '国家', 'Country'],
  ['tenure', '开户年限', 'Tenure', 'years'],
  ['balance', '账户余额', 'Balance', 'EUR'],
  ['num_of_products', '持有产品数', 'Products held'],
  ['has_cr_card', '持有信用卡', 'Has credit card'],
  ['is_active_member', '活跃会员', 'Active member'],
  ['estimated_salary', '估计年薪', 'Estimated salary', 'EUR'],
  ['credit_score', '信用评分', 'Credit score'],
  ['exited', '已流失', 'Exited'],
];

/** A shipped entry in the dictionary's own terms. */
export interface DefaultEntry {
  readonly kind: DictionaryKind;
  readonly key: string;
  readonly name: { readonly zh: string; readonly en: string };
  readonly description: { readonly zh: string; readonly en: string };
  readonly unit: string;
}

const entries = (kind: DictionaryKind, rows: readonly Row[]): DefaultEntry[] =>
  rows.map(([key, zh, en, unit = '', descZh = '', descEn = '']) => ({
    kind,
    key,
    name: { zh, en },
    description: { zh: descZh, en: descEn },
    unit,
  }));

/** Every shipped entry (events, event properties, attributes); tag names come from the tag definitions. */
export const DEFAULT_ENTRIES: readonly DefaultEntry[] = [
  ...entries('event', EVENTS),
  ...entries('event_property', EVENT_PROPERTIES),
  ...entries('attribute', ATTRIBUTES),
];

/** Shipped event names: ingestion never registers these as "needs naming". */
export const DEFAULT_EVENT_NAMES: ReadonlySet<string> = new Set(EVENTS.map((r) => r[0]));

/** Changes when the shipped entries change (part of the dictionary's version). */
export const DEFAULTS_VERSION = 1;
