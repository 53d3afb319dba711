import { enUS, type MessageKey } from '../../../i18n/en-US.ts';
import type { Translate } from '../../../i18n/i18n.tsx';

function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(enUS, key);
}

/** A customer attribute's name in the UI language, with its column name when there is no translation. */
export function attrLabel(name: string, t: Translate): string {
  const key = `attr.${name}`;
  return known(key) ? `${t(key)} (${name})` : name;
}

/** A product category's name in the UI language. */
export function holdingLabel(category: string, t: Translate): string {
  const key = `holding.${category}`;
  return known(key) ? t(key) : category;
}

/** A behaviour event's name in the UI language, with its raw name. */
export function eventLabel(name: string, t: Translate): string {
  const key = `event.${name}`;
  return known(key) ? `${t(key)} (${name})` : name;
}
