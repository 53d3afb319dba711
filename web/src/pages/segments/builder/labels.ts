import { enUS, type MessageKey } from '../../../i18n/en-US.ts';
import type { Translate } from '../../../i18n/i18n.tsx';
import type { Dictionary } from '../../../dictionary/useDictionary.tsx';

function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(enUS, key);
}

/**
 * A customer attribute's display name from the data dictionary; the i18n label when the dictionary does not name it
 * (pickers show the column name only as a raw hint, see keyedPicker).
 */
export function attrLabel(name: string, t: Translate, dictionary?: Dictionary): string {
  const shown = dictionary?.displayName('attribute', name) ?? name;
  if (shown !== name) return shown;
  const key = `attr.${name}`;
  return known(key) ? t(key) : name;
}

/** A product category's name in the UI language. */
export function holdingLabel(category: string, t: Translate): string {
  const key = `holding.${category}`;
  return known(key) ? t(key) : category;
}

/** A behaviour event's display name from the data dictionary; the i18n label when the dictionary does not name it. */
export function eventLabel(name: string, t: Translate, dictionary?: Dictionary): string {
  const shown = dictionary?.displayName('event', name) ?? name;
  if (shown !== name) return shown;
  const key = `event.${name}`;
  return known(key) ? t(key) : name;
}
