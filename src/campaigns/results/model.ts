import type { Comparison } from '../../analytics/experiments/lift.ts';
import type { Bilingual } from '../../contracts/common.ts';
import type { ProductRole } from '../../contracts/product.ts';

// What a campaign run achieved, as the Results page, `flywheel campaigns results` and the CSV export show it. Every
// figure counts distinct customers and says what it counts (the `definition` texts), and the answer says how fresh
// the event data behind it is.

/** The funnel's stages, in order. */
export const RESULT_STAGES = [
  'audience',
  'targeted',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'converted',
] as const;
export type ResultStage = (typeof RESULT_STAGES)[number];

/** Distinct customers at each stage (treatment side) plus the control group and its conversions. */
export interface StageCounts {
  readonly audience: number;
  readonly targeted: number;
  readonly sent: number;
  readonly delivered: number;
  readonly opened: number;
  readonly clicked: number;
  readonly converted: number;
  readonly control: number;
  readonly controlConverted: number;
}

/** One group of a breakdown (a tier, a lifecycle stage) with its counts. */
export interface ResultGroup extends StageCounts {
  readonly key: string;
}

/** The run a result is about. */
export interface ResultRun {
  readonly id: number;
  readonly version: number;
  readonly status: string;
  readonly slot: string;
  readonly preparedAt: string | null;
  readonly finishedAt: string | null;
  readonly asOf: string | null;
}

/** How the conversion of a run is judged. */
export interface ConversionDefinition {
  readonly event: string;
  readonly windowDays: number;
  /** The window: from the run's start to `until` (or now, while it is open). */
  readonly from: string;
  readonly until: string;
  readonly open: boolean;
}

/** The product a campaign's content is about, with its role as it is now (roles are edited; results follow). */
export interface ResultProduct {
  readonly id: string;
  readonly name: string;
  readonly role: ProductRole | null;
}

/** A run's results. */
export interface CampaignResults {
  readonly campaignId: number;
  readonly campaignName: string;
  readonly run: ResultRun;
  /** The product of the run's content; null when the content names none (an event, a brand post). */
  readonly product: ResultProduct | null;
  readonly conversion: ConversionDefinition | null;
  readonly funnel: { readonly stage: ResultStage; readonly customers: number }[];
  readonly totals: StageCounts;
  readonly byTier: ResultGroup[];
  readonly byLifecycleStage: ResultGroup[];
  /** Conversion of the targeted customers against the control group; null with a reason when it cannot be said. */
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
  readonly cost: {
    readonly perMessage: number;
    readonly total: number;
    readonly perConversion: number | null;
    /** Cost over the conversions the campaign caused (targeted × absolute lift); null when lift ≤ 0 or unknown. */
    readonly perIncrementalConversion: number | null;
  } | null;
  /** What each figure counts, in the two languages of the dashboard. */
  readonly definitions: Readonly<Record<ResultStage | 'control' | 'lift', { zh: string; en: string }>>;
  readonly freshness: {
    /** The latest event (message lifecycle or conversion) these figures saw; null when none. */
    readonly eventsThrough: string | null;
    readonly computedAt: string;
  };
}

/** The definitions every answer carries. */
export const RESULT_DEFINITIONS: CampaignResults['definitions'] = Object.freeze({
  audience: {
    zh: '运行开始时客群快照中的客户数',
    en: "Customers in the population's snapshot when the run started",
  },
  targeted: {
    zh: '通过同意、免打扰、频次上限后计划触达的客户（不含对照组与全局留存组）',
    en: 'Customers planned for a message after consent, do-not-contact and caps (control group and global holdout excluded)',
  },
  sent: { zh: '渠道已接收消息的客户数', en: 'Customers whose message a channel accepted' },
  delivered: {
    zh: '渠道回执为已送达的客户数',
    en: 'Customers whose message the channel reported delivered',
  },
  opened: { zh: '打开消息的客户数', en: 'Customers who opened the message' },
  clicked: { zh: '点击消息中链接的客户数', en: 'Customers who clicked a link in the message' },
  converted: {
    zh: '计划触达的客户中，在转化窗口内发生转化事件的客户数',
    en: 'Targeted customers with the conversion event within the conversion window',
  },
  control: {
    zh: '对照组：同样符合条件但按确定性抽样不触达的客户',
    en: 'Control group: eligible customers deterministically held back from the message',
  },
  lift: {
    zh: '计划触达客户转化率减去对照组转化率（两比例 z 检验，95% 置信区间）',
    en: 'Conversion rate of targeted customers minus that of the control group (two-proportion z test, 95% interval)',
  },
});

/** The groups of the comparison by product role: each role, and `none` for content without a classified product. */
export type RoleGroup = ProductRole | 'none';

/** One product role's runs, summed. */
export interface ProductRoleTotals {
  readonly role: RoleGroup;
  readonly campaigns: number;
  readonly runs: number;
  readonly targeted: number;
  readonly sent: number;
  readonly clicked: number;
  readonly converted: number;
  /** Converted over targeted, of the runs whose campaign sets a conversion event; null when none does. */
  readonly conversionRate: number | null;
}

/** Finished runs of every campaign in a date range, compared by the role of their content's product. */
export interface ResultsByProductRole {
  readonly from: string;
  readonly to: string;
  readonly roles: ProductRoleTotals[];
  readonly definitions: Readonly<
    Record<'role' | 'runs' | 'targeted' | 'sent' | 'clicked' | 'converted' | 'conversionRate', Bilingual>
  >;
  readonly freshness: CampaignResults['freshness'];
}

/** What each figure of the comparison by product role counts. */
export const BY_ROLE_DEFINITIONS: ResultsByProductRole['definitions'] = Object.freeze({
  role: {
    zh: '活动内容所关联产品的当前角色（引流、热销、主力盈利）；内容未关联产品或产品未分类记为“无”',
    en: "The current role of the product the campaign's content is about (traffic, hot-selling, main profit); none when the content names no product or the product has no role",
  },
  runs: {
    zh: '区间内（按银行时区的营业日）已完成的活动运行次数',
    en: "Runs completed in the range (business days in the bank's zone)",
  },
  targeted: {
    zh: '各次运行计划触达客户数之和（同一客户在两次运行中计两次）',
    en: 'Sum over the runs of the customers each planned for a message (a customer of two runs counts twice)',
  },
  sent: {
    zh: '各次运行渠道已接收消息的客户数之和',
    en: 'Sum over the runs of the customers whose message a channel accepted',
  },
  clicked: {
    zh: '各次运行点击消息中链接的客户数之和',
    en: 'Sum over the runs of the customers who clicked a link in the message',
  },
  converted: {
    zh: '各次运行计划触达客户中在转化窗口内转化的客户数之和（窗口未结束时截至当前）',
    en: 'Sum over the runs of the targeted customers with the conversion event within the window (through now while it is open)',
  },
  conversionRate: {
    zh: '转化客户数除以计划触达客户数，仅计设置了转化事件的活动的运行',
    en: 'Converted over targeted, counting only runs of campaigns that set a conversion event',
  },
});
