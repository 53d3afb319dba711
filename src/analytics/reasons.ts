// Why an analysis figure is missing, in both of the dashboard's languages. The server answers in English (the API's
// fields `reason`, `*Reason` carry the English sentence, so API clients and stored answers keep what they had); the
// dashboard finds the template a sentence came from and shows it in Chinese with the same values. One catalogue for
// the experiment statistics, journey, campaign and activity results, OGSM measurements and the scenes analysis.
// No imports: the dashboard imports this module itself (eslint.layers.js allows it), as it does src/shared/csv.ts.

/** The dashboard's languages (web/src/i18n: `Lang`). */
export type ReasonLang = 'zh-CN' | 'en-US';

/** Every reason: an English template (what the API says) and its Chinese; `{name}` is a value filled in. */
export const REASONS = {
  // Experiment statistics (src/analytics/experiments/lift.ts).
  rateNoUnits: { en: 'no units: a rate needs at least one', zh: '没有单元：比率至少需要一个单元' },
  armNoUnits: { en: 'no units in this arm', zh: '该组没有单元' },
  armNoValues: {
    en: 'no unit of this arm has a value of this metric',
    zh: '该组没有任何单元有此指标的取值',
  },
  armOneValue: {
    en: 'one value only: the standard deviation needs two',
    zh: '只有一个取值：标准差至少需要两个',
  },
  controlNoValues: { en: 'the control arm has no values of this metric', zh: '对照组没有此指标的取值' },
  ratesZeroSe: {
    en: 'every unit of both arms has the same value (rate 0 or 1 in each): the standard error is 0',
    zh: '两组内各单元取值都相同（每组比率为 0 或 1）：标准误为 0',
  },
  controlRateZero: {
    en: 'the control rate is 0: the relative lift is undefined',
    zh: '对照组比率为 0：相对提升无定义',
  },
  treatmentRateZero: {
    en: 'the treatment rate is 0: the log ratio (and its interval) is undefined',
    zh: '实验组比率为 0：对数比（及其区间）无定义',
  },
  controlRateNoVariance: {
    en: 'the control rate is {rate}: its variance is 0, so no effect size can be derived from it',
    zh: '对照组比率为 {rate}：其方差为 0，无法据此推算可检测效应',
  },
  welchNeedsVariance: {
    en: "an arm has fewer than 2 values: Welch's test needs a variance in each arm",
    zh: '有一组取值少于 2 个：Welch 检验需要每组都有方差',
  },
  controlMeanZero: {
    en: 'the control mean is 0: the relative lift is undefined',
    zh: '对照组均值为 0：相对提升无定义',
  },
  controlMeanZeroShort: { en: 'the control mean is 0', zh: '对照组均值为 0' },
  controlNoSpread: {
    en: 'every control value is the same: its standard deviation is 0',
    zh: '对照组所有取值都相同：标准差为 0',
  },
  meansZeroSe: {
    en: 'every value of both arms is the same in each arm: the standard error is 0',
    zh: '两组内各自的取值都相同：标准误为 0',
  },
  srmUnweightedArms: {
    en: 'the allocation gives no weight to arm(s) {arms}',
    zh: '分配比例未给这些组设定权重：{arms}',
  },
  srmOneArm: { en: 'fewer than two arms', zh: '不足两组' },
  srmNoUnits: { en: 'no units', zh: '没有单元' },

  // Journey results (src/journeys/results.ts); the arms `treated` and `control` in the dashboard's words.
  journeyNoGoal: { en: 'the journey sets no goal: nothing converts', zh: '旅程未设置目标：没有可计算的转化' },
  treatedNoEntries: { en: 'treated has no entries', zh: '进入旅程的组尚无进入记录' },
  controlNoEntries: { en: 'control has no entries', zh: '对照组尚无进入记录' },
  armNoEntries: { en: '{arm} has no entries', zh: '分支 {arm} 尚无进入记录' },
  firstArmReference: { en: 'the first arm is the reference', zh: '第一个分支是比较的基准' },
  latestVersionNoGoal: { en: 'the latest version sets no goal', zh: '最新版本未设置目标' },

  // Campaign results (src/campaigns/results/compute.ts).
  campaignNoConversion: { en: 'the campaign sets no conversion event', zh: '营销活动未设置转化事件' },
  runNoControl: { en: 'the run has no control group', zh: '本批次没有对照组' },
  runTargetedNobody: { en: 'the run targeted no customer', zh: '本批次没有计划触达的客户' },

  // OGSM subjects and measurements (src/ogsm/subjects.ts, activity-subject.ts, metrics.ts) and scenes (scenes.ts).
  campaignNoRun: { en: 'campaign {id} has not started a run yet', zh: '营销活动 {id} 尚未开始执行批次' },
  journeyNotPublished: { en: 'journey {id} is not published yet', zh: '客户旅程 {id} 尚未发布' },
  journeyNoControlEntries: { en: 'the journey has no control entries', zh: '旅程没有对照组进入记录' },
  noEntriesYet: { en: 'no entries yet', zh: '尚无进入记录' },
  activityNotStarted: { en: 'activity {id} has not started yet', zh: '线下活动 {id} 尚未开始' },
  activityNoControl: { en: 'the activity holds no control group', zh: '线下活动没有对照组' },
  nobodyInvitedYet: { en: 'nobody invited yet', zh: '尚未邀约任何客户' },
  notStarted: { en: 'not started', zh: '尚未开始' },
  nobodyTreatedYet: { en: 'nobody treated yet', zh: '尚无触达客户' },
  nobodyTreated: { en: 'nobody treated', zh: '没有触达客户' },
  noControlGroup: { en: 'no control group', zh: '没有对照组' },
  reachNoControl: { en: 'reach has no control to compare with', zh: '触达人数没有可比较的对照组' },
  leadsOnlyActivity: { en: 'only an activity has leads', zh: '只有线下活动有线索数' },
  attendeesOnlyActivity: { en: 'only an activity has attendees', zh: '只有线下活动有签到人数' },
  leadsNoControl: { en: 'leads have no control group to compare with', zh: '线索数没有可比较的对照组' },
  attendeesNoControl: {
    en: 'attendees have no control group to compare with',
    zh: '签到人数没有可比较的对照组',
  },
  noAumBefore: { en: 'no daily AUM on or before {day}', zh: '{day} 及之前没有每日 AUM' },
  noAumAfter: { en: 'no daily AUM after {day} yet', zh: '{day} 之后尚无每日 AUM' },
  noStageMeasured: {
    en: 'no lifecycle stage measured N days after the contact yet',
    zh: '尚未测得触达 N 天后的生命周期阶段',
  },
  // Key factors' regression (src/analytics/drivers/regression.ts).
  driversTooFewOutcomes: {
    en: 'the training split needs at least 5 customers with and 5 without the outcome (has {with} and {without})',
    zh: '训练集至少需要 5 位有该结果和 5 位没有该结果的客户（现有 {with} 位和 {without} 位）',
  },
  driversNoFeature: { en: 'no feature varies in the population', zh: '人群中没有取值有变化的特征' },
  driversTooFewCustomers: {
    en: '{n} training customers are too few for {p} coefficients',
    zh: '{n} 位训练客户不足以估计 {p} 个系数',
  },
} as const satisfies Record<string, { readonly en: string; readonly zh: string }>;

/** A reason's key in the catalogue. */
export type ReasonKey = keyof typeof REASONS;

/** The names of the `{name}` placeholders of a template. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a reason's template needs: none, or one per placeholder. */
export type ReasonParams<K extends ReasonKey> = [Placeholders<(typeof REASONS)[K]['en']>] extends [never]
  ? []
  : [Readonly<Record<Placeholders<(typeof REASONS)[K]['en']>, string | number>>];

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** The English sentence of a reason, as the API answers it. */
export function reasonText<K extends ReasonKey>(key: K, ...params: ReasonParams<K>): string {
  return fill(REASONS[key].en, params[0] ?? {});
}

interface Matcher {
  readonly key: ReasonKey;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  /** Characters of the template outside its placeholders: the more, the more specific. */
  readonly literal: number;
}

let matchers: readonly Matcher[] | null = null;

/** One anchored pattern per template, a placeholder matching any text. */
function compile(): readonly Matcher[] {
  return (Object.keys(REASONS) as ReasonKey[]).map((key) => {
    const en: string = REASONS[key].en;
    const names: string[] = [];
    let source = '';
    let literal = 0;
    let last = 0;
    for (const m of en.matchAll(PLACEHOLDER)) {
      const text = en.slice(last, m.index);
      source += escape(text);
      literal += text.length;
      names.push(m[1]!);
      source += '([\\s\\S]*?)';
      last = m.index + m[0].length;
    }
    source += escape(en.slice(last));
    literal += en.length - last;
    return { key, pattern: new RegExp(`^${source}$`), names, literal };
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A reason the server gave (English) in `lang`: for 'zh-CN' the Chinese of the template it came from, with the same
 * values; the text unchanged in 'en-US', or when no template matches (a reason this catalogue does not know).
 */
export function translateReason(text: string, lang: ReasonLang): string {
  if (lang === 'en-US') return text;
  matchers ??= compile();
  let best: { matcher: Matcher; groups: string[] } | null = null;
  for (const matcher of matchers) {
    if (best && best.matcher.literal >= matcher.literal) continue;
    const m = matcher.pattern.exec(text);
    if (m) best = { matcher, groups: m.slice(1) };
  }
  if (!best) return text;
  const { matcher, groups } = best;
  const values: Record<string, string> = {};
  matcher.names.forEach((name, i) => (values[name] = groups[i] ?? ''));
  return fill(REASONS[matcher.key].zh, values);
}
