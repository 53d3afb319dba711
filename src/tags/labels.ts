import type { Tier } from '../store/operational/database.ts';

// Bilingual labels of the values whose set is fixed by the kind: tiers, lifecycle stages, RFM groups and scores.

/** A bilingual label. */
export interface Label {
  readonly en: string;
  readonly zh: string;
}

/** A tag value with its bilingual label, as catalogue specs list them. */
export const labelled = (value: string, en: string, zh: string) => ({ value, label: { en, zh } });

/** Tiers, lowest first, with their labels. */
export const TIERS: readonly { readonly value: Tier; readonly label: Label }[] = [
  { value: 'mass', label: { en: 'Mass', zh: '大众客户' } },
  { value: 'gold', label: { en: 'Gold', zh: '金卡' } },
  { value: 'platinum', label: { en: 'Platinum', zh: '白金卡' } },
  { value: 'diamond', label: { en: 'Diamond', zh: '钻石卡' } },
  { value: 'private', label: { en: 'Private banking', zh: '私人银行' } },
];

/** The seven lifecycle stages, in order. */
export const LIFECYCLE_STAGES = [
  'portrait',
  'reached',
  'interested',
  'demand',
  'transaction',
  'repeat_purchase',
  'super_customer',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

const STAGE_LABELS: Record<LifecycleStage, Label> = {
  portrait: { en: 'Portrait (not yet reached)', zh: '画像' },
  reached: { en: 'Reached', zh: '触达' },
  interested: { en: 'Interested', zh: '兴趣' },
  demand: { en: 'Demand', zh: '需求' },
  transaction: { en: 'First purchase', zh: '成交' },
  repeat_purchase: { en: 'Repeat purchase', zh: '复购' },
  super_customer: { en: 'Super customer', zh: '超级客户' },
};

/** The default label of a lifecycle stage. */
export function stageLabel(stage: LifecycleStage): Label {
  return STAGE_LABELS[stage];
}

/**
 * The eight classic RFM groups by (recency high, frequency high, monetary high): "high" recency means a recent last
 * transaction.
 */
export const RFM_GROUPS: readonly { value: string; r: boolean; f: boolean; m: boolean; label: Label }[] = [
  {
    value: 'important_value',
    r: true,
    f: true,
    m: true,
    label: { en: 'Important value', zh: '重要价值客户' },
  },
  {
    value: 'important_develop',
    r: true,
    f: false,
    m: true,
    label: { en: 'Important develop', zh: '重要发展客户' },
  },
  {
    value: 'important_keep',
    r: false,
    f: true,
    m: true,
    label: { en: 'Important keep', zh: '重要保持客户' },
  },
  {
    value: 'important_retain',
    r: false,
    f: false,
    m: true,
    label: { en: 'Important retain', zh: '重要挽留客户' },
  },
  { value: 'general_value', r: true, f: true, m: false, label: { en: 'General value', zh: '一般价值客户' } },
  {
    value: 'general_develop',
    r: true,
    f: false,
    m: false,
    label: { en: 'General develop', zh: '一般发展客户' },
  },
  { value: 'general_keep', r: false, f: true, m: false, label: { en: 'General keep', zh: '一般保持客户' } },
  {
    value: 'general_retain',
    r: false,
    f: false,
    m: false,
    label: { en: 'General retain', zh: '一般挽留客户' },
  },
];

const SCORE_NAMES: Record<'recency' | 'frequency' | 'monetary', Label> = {
  recency: { en: 'Recency', zh: '最近消费' },
  frequency: { en: 'Frequency', zh: '消费频次' },
  monetary: { en: 'Monetary', zh: '消费金额' },
};

/** Label of an RFM quintile score, e.g. "Recency 5 (highest)". */
export function rfmScoreLabel(output: 'recency' | 'frequency' | 'monetary', score: number): Label {
  const name = SCORE_NAMES[output];
  const en = score === 5 ? ' (highest)' : score === 1 ? ' (lowest)' : '';
  const zh = score === 5 ? '（最高）' : score === 1 ? '（最低）' : '';
  return { en: `${name.en} ${score}${en}`, zh: `${name.zh}${score}分${zh}` };
}

/** Labels of flag tags. */
export const YES: Label = { en: 'Yes', zh: '是' };
export const NO: Label = { en: 'No', zh: '否' };
