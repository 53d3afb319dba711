import type { Lang } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import type { DriversFeature, DriversLevel } from './api.ts';

/** The name a user reads for a feature: a tag's name, or the attribute's. */
export function featureName(f: Pick<DriversFeature, 'title' | 'name'>, lang: Lang): string {
  return f.title ? pick(f.title, lang) || f.name : f.name;
}

/** The text a user reads for a level: a tag value's label, or the value. */
export function levelName(l: Pick<DriversLevel, 'label' | 'value'>, lang: Lang): string {
  return l.label ? pick(l.label, lang) || l.value : l.value;
}
