import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { client, ok } from '../api/client.ts';
import type { Answer } from '../api/types.ts';
import { useI18n, type Lang } from '../i18n/i18n.tsx';

// The data dictionary (GET /v1/dictionary), loaded once after sign-in: every picker, chart, table and timeline that
// shows an event, an event property, a customer attribute or a tag key asks it for the display name in the user's
// language. A key the dictionary does not name (or before it has loaded) shows as it is.

export type DictionaryView = Answer<'get', '/v1/dictionary'>;
export type DictionaryEntry = DictionaryView['entries'][number];
export type DictionaryKind = DictionaryEntry['kind'];

/** What pages use: display names and units by kind and key, the entries, and a reload after an edit. */
export interface Dictionary {
  readonly entries: readonly DictionaryEntry[];
  readonly version: string | null;
  /** The display name in `lang` (the user's by default); the other language's, then the key, when missing. */
  displayName(kind: DictionaryKind, key: string, lang?: Lang): string;
  /**
   * The display name when the dictionary has an entry (an administrator's edit wins), else `own` (e.g. the name a tag
   * definition carries) in `lang`, else the key.
   */
  nameOr(kind: DictionaryKind, key: string, own?: { zh: string; en: string }, lang?: Lang): string;
  /** The unit ('' when none). */
  unit(kind: DictionaryKind, key: string): string;
  /** The entry, when the dictionary has one. */
  entry(kind: DictionaryKind, key: string): DictionaryEntry | undefined;
  reload(): void;
}

const id = (kind: string, key: string) => `${kind}:${key}`;

/** The display name of an entry in a language, falling back to the other language, then to the key. */
export function nameOf(entry: DictionaryEntry | undefined, key: string, lang: Lang): string {
  if (!entry) return key;
  const [first, second] = lang === 'zh-CN' ? [entry.name.zh, entry.name.en] : [entry.name.en, entry.name.zh];
  return first || second || key;
}

function makeDictionary(view: DictionaryView | null, lang: Lang, reload: () => void): Dictionary {
  const byId = new Map((view?.entries ?? []).map((e) => [id(e.kind, e.key), e]));
  return {
    entries: view?.entries ?? [],
    version: view?.version ?? null,
    displayName: (kind, key, l = lang) => nameOf(byId.get(id(kind, key)), key, l),
    nameOr: (kind, key, own, l = lang) => {
      const entry = byId.get(id(kind, key));
      if (entry || !own) return nameOf(entry, key, l);
      return (l === 'zh-CN' ? own.zh || own.en : own.en || own.zh) || key;
    },
    unit: (kind, key) => byId.get(id(kind, key))?.unit ?? '',
    entry: (kind, key) => byId.get(id(kind, key)),
    reload,
  };
}

const Context = createContext<Dictionary | null>(null);

/** Loads the dictionary once (and again on reload) for everything under it. */
export function DictionaryProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [view, setView] = useState<DictionaryView | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    const controller = new AbortController();
    ok(client.GET('/v1/dictionary', { signal: controller.signal }))
      .then(setView)
      // Without the dictionary, keys show as they are; the pages still work.
      .catch(() => undefined);
    return () => controller.abort();
  }, [generation]);
  const value = useMemo(() => makeDictionary(view, lang, reload), [view, lang, reload]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

const EMPTY = makeDictionary(null, 'en-US', () => undefined);

/** The dictionary of the signed-in session (keys as they are outside a provider, e.g. in isolated tests). */
export function useDictionary(): Dictionary {
  return useContext(Context) ?? EMPTY;
}
