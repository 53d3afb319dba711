import type { Lang } from './i18n/i18n.tsx';

const numberFormats = new Map<string, Intl.NumberFormat>();

function nf(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** A count with grouping separators: 100,000. */
export function formatInteger(value: number, lang: Lang): string {
  return nf(lang, { maximumFractionDigits: 0 }).format(value);
}

/** A share (0..1) as a percentage: 79.4%. */
export function formatPercent(share: number, lang: Lang, digits = 1): string {
  return nf(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    share,
  );
}

// Chinese amounts scale by 万 (1e4) and 亿 (1e8); English by thousand, million, billion, trillion.
const ZH_UNITS = [
  { size: 1e12, suffix: '万亿' },
  { size: 1e8, suffix: '亿' },
  { size: 1e4, suffix: '万' },
] as const;
const EN_UNITS = [
  { size: 1e12, suffix: 'T' },
  { size: 1e9, suffix: 'B' },
  { size: 1e6, suffix: 'M' },
  { size: 1e3, suffix: 'K' },
] as const;

/** A CNY amount in compact form: ¥1.23亿 (zh-CN), ¥123.4M (en-US). */
export function formatCnyCompact(value: number, lang: Lang): string {
  const units = lang === 'zh-CN' ? ZH_UNITS : EN_UNITS;
  const abs = Math.abs(value);
  const unit = units.find((u) => abs >= u.size);
  // The sign leads the currency: -¥67.61M, never ¥-67.61M.
  const sign = value < 0 ? '-' : '';
  if (!unit) return `${sign}¥${nf(lang, { maximumFractionDigits: 0 }).format(abs)}`;
  const scaled = abs / unit.size;
  const digits = scaled < 100 ? 2 : scaled < 10_000 ? 1 : 0;
  return `${sign}¥${nf(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(scaled)}${unit.suffix}`;
}

/** A CNY amount to the fen: ¥12,345,678.90 (-¥1.50 when negative). */
export function formatCnyFull(value: number, lang: Lang): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}¥${nf(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(value))}`;
}

/**
 * The bank's business day 'YYYY-MM-DD' of an instant (default now) in its time zone (`Me.timeZone`, the server's
 * FLYWHEEL_TIMEZONE): the days the server cuts, whatever the viewer's own zone.
 */
export function bankDay(timeZone: string, instant: Date | string = new Date()): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(d);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Adds days to a YYYY-MM-DD date (calendar arithmetic: no instant, no zone). */
export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The wall clock of an instant in a time zone, as `<input type="datetime-local">` reads it: 2027-01-09T14:00. */
export function zonedWallTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/**
 * The instant (ISO, UTC) at which a time zone's wall clock reads `local` ('YYYY-MM-DDTHH:mm'): the bank's time, not
 * the viewer's. The zone's offset is read at the guess and once more after moving by it (offset changes).
 */
export function zonedInstant(local: string, timeZone: string): string {
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc)) return local;
  const offset = (ms: number) =>
    Date.parse(`${zonedWallTime(new Date(ms).toISOString(), timeZone)}:00Z`) - ms;
  let guess = asUtc - offset(asUtc);
  guess = asUtc - offset(guess);
  return new Date(guess).toISOString();
}

/** A timestamp in a time zone (the bank's, `Me.timeZone`, for bank facts such as an activity's start): 2027-01-09 14:00. */
export function formatZonedDateTime(iso: string, timeZone: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso : zonedWallTime(iso, timeZone).replace('T', ' ');
}

/** A timestamp from the API (ISO, UTC) in the viewer's time zone: 2026-12-01 21:38. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An actor as the audit log writes it (`user:alice`, `apikey:3:etl`), shown without the `user:` prefix. */
export function actorName(actor: string): string {
  return actor.replace(/^user:/, '');
}
