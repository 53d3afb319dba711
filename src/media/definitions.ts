// What every figure of the media comparison means, in the bank's two languages. The API answers each metric with
// its definition, and the dashboard shows it as the column's tooltip; src/media/README.md carries the same table.

/** The five dimensions channels are compared on. */
export const DIMENSIONS = ['scale', 'quality', 'cost', 'brand', 'spillover'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The metrics of the comparison, in display order, with their dimension. */
export const METRICS = {
  impressions: 'scale',
  clicks: 'scale',
  ctr: 'scale',
  newCustomers: 'scale',
  newCustomersLastTouch: 'scale',
  retention30dRate: 'quality',
  retention90dRate: 'quality',
  activationRate: 'quality',
  aum: 'quality',
  aumPerCustomer: 'quality',
  firstPurchaseRate: 'quality',
  stageReachedRate: 'quality',
  cost: 'cost',
  cpa: 'cost',
  costPerActive: 'cost',
  costPer10kAum: 'cost',
  brandedSearch: 'brand',
  directVisits: 'brand',
  awareness: 'brand',
  brandIndex: 'brand',
  referrals: 'spillover',
  referralRate: 'spillover',
  organicLift: 'spillover',
} as const satisfies Record<string, Dimension>;
export type MetricKey = keyof typeof METRICS;

/** A definition in English and Chinese. */
export interface Definition {
  readonly en: string;
  readonly zh: string;
}

/** Each metric's definition. "Acquired" = customers whose first touch in the window is the channel. */
export const METRIC_DEFINITIONS: Record<MetricKey, Definition> = {
  impressions: {
    en: 'Impressions reported by the medium, summed over [from, to]',
    zh: '媒体报告的曝光量，区间内合计',
  },
  clicks: { en: 'Clicks reported by the medium, summed over [from, to]', zh: '媒体报告的点击量，区间内合计' },
  ctr: { en: 'clicks / impressions', zh: '点击率 = 点击 / 曝光' },
  newCustomers: {
    en: 'New customers (customer_since in [from, to]) whose first touch within the attribution window is this channel',
    zh: '区间内开户、归因窗口内首次触点为该渠道的新客数（首触归因）',
  },
  newCustomersLastTouch: {
    en: 'The same new customers counted by their last touch before customer_since (shown beside first touch)',
    zh: '按末次触点归因的新客数（与首触并列展示）',
  },
  retention30dRate: {
    en: 'Share of the acquired with ≥ 1 behaviour event on days 30–59 after customer_since, among those whose day 59 is within the data',
    zh: '30日留存率：开户后第30–59天有行为事件的获客占比（仅计已满59天者）',
  },
  retention90dRate: {
    en: 'Share of the acquired with ≥ 1 behaviour event on days 90–119 after customer_since, among those whose day 119 is within the data',
    zh: '90日留存率：开户后第90–119天有行为事件的获客占比（仅计已满119天者）',
  },
  activationRate: {
    en: 'Share of the acquired with any customer-initiated transaction (deposit, purchase, transfer …) in the 30 days from customer_since',
    zh: '激活率：开户30天内发生任一客户发起交易（存款、申购、转账等）的获客占比',
  },
  aum: {
    en: "Σ AUM of the acquired on their latest customer_daily day up to the data's last day (CNY)",
    zh: '获客在数据截止日（或之前最近一日）的资产管理规模合计（元）',
  },
  aumPerCustomer: { en: 'aum / newCustomers (CNY)', zh: '人均AUM = AUM / 新客数（元）' },
  firstPurchaseRate: {
    en: 'Share of the acquired with a purchase transaction on or after customer_since',
    zh: '首购率：开户后发生过申购交易的获客占比',
  },
  stageReachedRate: {
    en: 'Share of the acquired at lifecycle stage transaction or beyond on the latest lifecycle snapshot',
    zh: '生命周期达成率：最新生命周期快照中处于“交易”及以上阶段的获客占比',
  },
  cost: {
    en: 'Cost reported by the medium, summed over [from, to] (CNY)',
    zh: '媒体报告的花费，区间内合计（元）',
  },
  cpa: { en: 'cost / newCustomers (CNY per acquired customer)', zh: '获客成本CPA = 花费 / 新客数（元）' },
  costPerActive: {
    en: 'cost / activated acquired customers (CNY)',
    zh: '单个激活客户成本 = 花费 / 激活获客数（元）',
  },
  costPer10kAum: {
    en: 'cost / (aum / 10,000): CNY spent per CNY 10k of AUM brought',
    zh: '每万元AUM成本 = 花费 / (AUM / 10000)（元）',
  },
  brandedSearch: {
    en: 'Branded searches reported for the channel, summed over the periods starting in [from, to]',
    zh: '品牌词搜索量：区间内各期合计',
  },
  directVisits: {
    en: 'Direct visits reported for the channel, summed over the periods starting in [from, to]',
    zh: '直接访问量：区间内各期合计',
  },
  awareness: {
    en: 'Brand survey aided awareness (0–100), mean over the periods starting in [from, to]',
    zh: '品牌调研提示知名度（0–100），区间内各期均值',
  },
  brandIndex: {
    en: "100 × mean over branded searches, direct visits and awareness of (mean per period in [from, to]) / (mean per period before from, the channel's baseline); 100 = baseline; null without a baseline",
    zh: '品牌指数 = 100 × 各品牌指标（品牌词搜索、直接访问、知名度）区间内期均值 / 区间前期均值（渠道基线）的平均；100即持平基线',
  },
  referrals: {
    en: "'referral' events of the acquired on or after their customer_since",
    zh: '获客在开户后产生的推荐（referral）事件数',
  },
  referralRate: { en: 'referrals / newCustomers', zh: '人均推荐数 = 推荐数 / 新客数' },
  organicLift: {
    en: "Organic (unattributed) new customers per day over the channel's campaign span (its first to last spend day in [from, to]) / per day over the same number of days just before it, − 1",
    zh: '自然增量：渠道投放期（区间内首末投放日）内未归因新客的日均数 / 投放前同等天数的日均数 − 1',
  },
};

/** How each dimension's 0–100 score is made (relative to the best channel of the comparison). */
export const DIMENSION_DEFINITIONS: Record<Dimension, Definition> = {
  scale: {
    en: '100 × newCustomers / the highest newCustomers of the channels',
    zh: '规模分 = 100 × 新客数 / 各渠道最高新客数',
  },
  quality: {
    en: 'Mean of 100 × value / best value over retention30dRate, activationRate, aumPerCustomer and stageReachedRate (those known)',
    zh: '质量分 = 30日留存率、激活率、人均AUM、生命周期达成率各自相对最佳渠道（×100）的平均',
  },
  cost: {
    en: '100 × the lowest CPA of the channels / CPA (cheaper is better)',
    zh: '成本分 = 100 × 最低CPA / 本渠道CPA（越便宜越高）',
  },
  brand: {
    en: '100 × brandIndex / the highest brandIndex of the channels',
    zh: '品牌分 = 100 × 品牌指数 / 各渠道最高品牌指数',
  },
  spillover: {
    en: 'Mean of 100 × referralRate / best referralRate and 100 × organicLift / best organicLift (negative lifts score 0)',
    zh: '溢出分 = 人均推荐数与自然增量各自相对最佳渠道（×100，负增量计0）的平均',
  },
};
