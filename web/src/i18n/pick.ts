import type { Lang } from './i18n.tsx';

/** The text for the UI language from an API's `{ en, zh }`; falls back to the other language when one is empty. */
export function pick(text: { en: string; zh: string } | null | undefined, lang: Lang): string {
  if (!text) return '';
  return lang === 'zh-CN' ? text.zh || text.en : text.en || text.zh;
}
