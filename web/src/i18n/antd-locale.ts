import type { Locale } from 'antd/es/locale/index.js';
import enUSModule from 'antd/locale/en_US.js';
import zhCNModule from 'antd/locale/zh_CN.js';
import type { Lang } from './i18n.tsx';

// antd ships its locales as CommonJS. The bundler hands us the locale object; TypeScript (NodeNext) types the
// default import as the module record `{ default: Locale }`. Accept both shapes.
function unwrap(m: Locale | { default: Locale }): Locale {
  return 'default' in m ? m.default : m;
}

const LOCALES: Record<Lang, Locale> = { 'zh-CN': unwrap(zhCNModule), 'en-US': unwrap(enUSModule) };

/** The antd component locale (pagination, empty states, pickers) for a UI language. */
export function antdLocale(lang: Lang): Locale {
  return LOCALES[lang];
}
