import { bankDay } from '../../format.ts';
import { enUS, type MessageKey } from '../../i18n/en-US.ts';
import type { Translate } from '../../i18n/i18n.tsx';

// Enumerations the server may extend later show their raw value instead of failing.
function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(enUS, key);
}

/** The label of `value` under `prefix` (`tier` + `gold` → 'tier.gold'), else the value itself. */
export function label(t: Translate, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const key = `${prefix}.${value}`;
  return known(key) ? t(key) : value;
}

export const TIER_TAG_COLORS: Readonly<Record<string, string>> = {
  mass: 'default',
  gold: 'gold',
  platinum: 'cyan',
  diamond: 'blue',
  private: 'purple',
};

export const ITEM_STATUS_COLORS: Readonly<Record<string, string>> = {
  pending: 'default',
  moved: 'green',
  refused: 'red',
  skipped: 'orange',
};

/** Today as YYYY-MM-DD: the bank's business day in its time zone (`Me.timeZone`), as the server counts days. */
export function today(timeZone: string): string {
  return bankDay(timeZone);
}
