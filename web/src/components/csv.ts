// CSV for customer lists, manual tag values and downloads, read and written by the server's one CSV module.
import { csvValue, parseCsvText } from '../../../src/shared/csv.ts';

/**
 * The rows of a CSV text, each a list of trimmed cells; blank rows are dropped. The server's parser
 * (src/shared/csv.ts): commas, or tabs when the text has tabs and no commas; a record it cannot split (an unclosed
 * quote) comes back whole as one cell, so it is shown and refused rather than lost.
 */
export function parseCsv(text: string): string[][] {
  return parseCsvText(text)
    .map((r) => (r.kind === 'record' ? r.values.map((c) => c.trim()) : [r.raw.trim()]))
    .filter((cells) => cells.some((c) => c !== ''));
}

/** Drops a first row that names its columns (e.g. `customer_no,value`) rather than holding data. */
export function withoutHeader(rows: string[][], looksLikeData: (first: string) => boolean): string[][] {
  const first = rows[0]?.[0];
  return first !== undefined && !looksLikeData(first) ? rows.slice(1) : rows;
}

/** The text of a file the user picked. */
export function readFileText(file: File): Promise<string> {
  return file.text();
}

/** A CSV text (UTF-8 BOM for Excel, CRLF rows) of `rows` under a header of column titles. */
export function toCsv<Row>(
  columns: readonly { title: string; value: (row: Row) => unknown }[],
  rows: readonly Row[],
): string {
  const lines = [columns.map((c) => csvValue(c.title)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvValue(c.value(row))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Has the browser save `text` as `fileName`. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
