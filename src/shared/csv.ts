import { CsvSplitter, type CsvItem } from './csv-splitter.ts';

// CSV in and out, one way each: every file the platform reads (imports, manual tag values, the dashboard's list and
// handover uploads) goes through CsvSplitter, every file it writes (exports, error files, the dashboard's downloads)
// through csvField / csvValue.

export { CsvSplitter, type CsvItem };

/** The records of a whole CSV text (no header skipped); the delimiter is a tab when the text has tabs and no commas. */
export function parseCsvText(text: string, options: { delimiter?: string } = {}): CsvItem[] {
  const delimiter = options.delimiter ?? (text.includes('\t') && !text.includes(',') ? '\t' : ',');
  return new CsvSplitter(delimiter, { header: false }).push(text, true);
}

/** A CSV field, quoted when it holds a separator, quote or line break (RFC 4180); formula starts are neutralised. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV field of any value: empty for null and undefined, a number as it is (a minus sign is no formula). */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return csvField(typeof value === 'string' ? value : String(value));
}
