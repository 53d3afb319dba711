// Just enough CSV for customer lists and manual tag values: commas or tabs, optional quotes, a header row or not.

/** The rows of a CSV text, each a list of trimmed cells; blank lines are dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const delimiter = text.includes('\t') && !text.includes(',') ? '\t' : ',';
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell.trim());
    cell = '';
  };
  const endRow = () => {
    endCell();
    if (row.some((c) => c !== '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) endCell();
    else if (ch === '\n') endRow();
    else if (ch !== '\r' && ch !== '\ufeff') cell += ch;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
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

/** One CSV cell: quoted when it holds a delimiter, quote or line break; formula-leading text is defused for Excel. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (/^[=+\-@]/.test(text) && typeof value !== 'number') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV text (UTF-8 BOM for Excel, CRLF rows) of `rows` under a header of column titles. */
export function toCsv<Row>(
  columns: readonly { title: string; value: (row: Row) => unknown }[],
  rows: readonly Row[],
): string {
  const lines = [columns.map((c) => csvCell(c.title)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
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
