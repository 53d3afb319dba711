import type { Translate } from '../../i18n/i18n.tsx';
import type { Channel } from './api.ts';
import { kindKey, reachesKey } from './labels.ts';

/** A channel as users call it: how it travels and whom it reaches ("SMS gateway · mobile"), never its key. */
export function channelNamer(channels: readonly Channel[] | null, t: Translate): (key: string) => string {
  return (key) => {
    const c = channels?.find((ch) => ch.key === key);
    if (!c) return t('cmp.none');
    const same = channels!.filter((o) => o.kind === c.kind && o.reaches === c.reaches);
    const base = `${t(kindKey(c.kind))} · ${t(reachesKey(c.reaches))}`;
    return same.length > 1 ? `${base} ${same.indexOf(c) + 1}` : base;
  };
}
