import type { Dictionary } from '../../../dictionary/useDictionary.tsx';
import type { Lang } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import type { DriversFeature, DriversLevel } from './api.ts';

/**
 * The name a user reads for a feature id (`attr:job`, `tag:activity`, or a bare attribute name): the data
 * dictionary's display name, else the title the analysis gave (a tag's name), else the key.
 */
export function featureLabel(
  id: string,
  lang: Lang,
  dictionary: Dictionary,
  title?: { zh: string; en: string },
): string {
  const colon = id.indexOf(':');
  const prefix = colon < 0 ? 'attr' : id.slice(0, colon);
  const key = colon < 0 ? id : id.slice(colon + 1);
  return dictionary.nameOr(prefix === 'tag' ? 'tag' : 'attribute', key, title, lang);
}

/** The name a user reads for a feature of an analysis. */
export function featureName(
  f: Pick<DriversFeature, 'id' | 'title'>,
  lang: Lang,
  dictionary: Dictionary,
): string {
  return featureLabel(f.id, lang, dictionary, f.title);
}

/** The text a user reads for a level: a tag value's label, or the value. */
export function levelName(l: Pick<DriversLevel, 'label' | 'value'>, lang: Lang): string {
  return l.label ? pick(l.label, lang) || l.value : l.value;
}
