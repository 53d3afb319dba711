import type { Lang } from './i18n.tsx';

// The API states each figure's definition in English. Chinese renderings are keyed by the exact English text,
// so a definition that changes on the server shows its new (English) wording instead of a stale translation.
const zh: Readonly<Record<string, string>> = {
  'Sum of AUM (current assets under management, CNY) at request time':
    '请求时客户管理资产（AUM，人民币）的合计',
  'Sum of AUM (current assets under management, CNY)': '客户管理资产（AUM，人民币）的合计',
  'Tier as loaded from core banking: mass < 50k, gold ≥ 50k, platinum ≥ 500k, diamond ≥ 1M, private ≥ 6M CNY':
    '按核心系统导入的客户等级：大众 < 5 万，黄金 ≥ 5 万，白金 ≥ 50 万，钻石 ≥ 100 万，私人银行 ≥ 600 万元',
  'Customers ranked by AUM, richest first, in 100 equal-count buckets; cumulative AUM share':
    '客户按 AUM 从高到低排序，等分为 100 组，计算累计 AUM 占比',
  'Customers by the date the bank relationship began': '按与本行建立关系的日期统计客户数',
  "Behaviour events by the bank's business day (see timeZone), duplicate event ids counted once":
    '按本行营业日统计行为事件（时区见统计窗口），相同事件 ID 只计一次',
};

/** The definition in the user's language when a reviewed translation of exactly this text exists. */
export function localiseDefinition(text: string | undefined, lang: Lang): string {
  if (text === undefined) return '';
  return lang === 'zh-CN' ? (zh[text] ?? text) : text;
}
