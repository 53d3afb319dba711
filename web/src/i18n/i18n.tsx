import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { enUS, type MessageKey, type Messages } from './en-US.ts';
import { zhCN } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en-US';
export const LANGS: readonly { lang: Lang; label: string }[] = [
  { lang: 'zh-CN', label: '简体中文' },
  { lang: 'en-US', label: 'English' },
];

const DICTIONARIES: Record<Lang, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };
const STORAGE_KEY = 'flywheel.lang';

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

interface I18n {
  readonly lang: Lang;
  readonly setLang: (lang: Lang) => void;
  readonly t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

/** The remembered language, else Chinese for a Chinese browser, else English. */
export function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en-US') return saved;
  } catch {
    // Storage can be unavailable (privacy mode); fall through to the browser language.
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return preferred.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en-US';
}

function format(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; the switch still applies to this page.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = DICTIONARIES[lang];
    document.documentElement.lang = lang;
    return { lang, setLang, t: (key, params) => format(messages[key], params) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
