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
