import type { TagCategory, TagKind } from '../../api/tags.ts';
import { enUS, type MessageKey } from '../../i18n/en-US.ts';
import type { Translate } from '../../i18n/i18n.tsx';

// Categories and kinds the server may add later show their raw key instead of failing.
function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(enUS, key);
}

export function categoryLabel(category: TagCategory | string, t: Translate): string {
  const key = `tagCategory.${category}`;
  return known(key) ? t(key) : category;
}

export function kindLabel(kind: TagKind | string, t: Translate): string {
  const key = `tagKind.${kind}`;
  return known(key) ? t(key) : kind;
}

export const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  demographics: 'geekblue',
  value: 'gold',
  behaviour: 'cyan',
  product: 'purple',
  loyalty: 'magenta',
  cash_flow: 'green',
  reachability: 'blue',
  lifecycle: 'volcano',
  custom: 'default',
};
