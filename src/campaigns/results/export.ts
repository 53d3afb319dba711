import type { CampaignResults, ResultGroup, StageCounts } from './model.ts';

// Results as CSV for a spreadsheet: one row for the whole run, then one per tier and per lifecycle stage, with the
// conversion rates of both arms. Headers in the reader's language.

const HEADERS = {
  zh: [
    '维度',
    '分组',
    '客群',
    '计划触达',
    '已发送',
    '已送达',
    '已打开',
    '已点击',
    '已转化',
    '转化率',
    '对照组',
    '对照组转化',
    '对照组转化率',
  ],
  en: [
    'breakdown',
    'group',
    'audience',
    'targeted',
    'sent',
    'delivered',
    'opened',
    'clicked',
    'converted',
    'conversion rate',
    'control',
    'control converted',
    'control conversion rate',
  ],
} as const;

const BREAKDOWN = {
  zh: { total: '合计', tier: '客户等级', stage: '生命周期阶段' },
  en: { total: 'total', tier: 'tier', stage: 'lifecycle stage' },
} as const;

const rate = (num: number, den: number) => (den > 0 ? (num / den).toFixed(4) : '');

function cell(value: string | number): string {
  const s = String(value);
  // A leading = + - @ would be read as a formula by a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function line(kind: string, group: string, c: StageCounts): string {
  return [
    kind,
    group,
    c.audience,
    c.targeted,
    c.sent,
    c.delivered,
    c.opened,
    c.clicked,
    c.converted,
    rate(c.converted, c.targeted),
    c.control,
    c.controlConverted,
    rate(c.controlConverted, c.control),
  ]
    .map(cell)
    .join(',');
}

/** The results as CSV text (UTF-8 with a BOM so that spreadsheet programs read the Chinese headers). */
export function resultsCsv(results: CampaignResults, lang: 'zh' | 'en' = 'zh'): string {
  const names = BREAKDOWN[lang];
  const groups = (kind: string, rows: readonly ResultGroup[]) => rows.map((g) => line(kind, g.key, g));
  return (
    '\uFEFF' +
    [
      HEADERS[lang].map(cell).join(','),
      line(names.total, '', results.totals),
      ...groups(names.tier, results.byTier),
      ...groups(names.stage, results.byLifecycleStage),
    ].join('\r\n') +
    '\r\n'
  );
}
