import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError, err, ok, type Result } from '../shared/errors.ts';
import { NUL_REASON } from '../shared/text.ts';
import { CsvSplitter, type CsvItem } from '../shared/csv.ts';

// Reads an import file as a stream of located rows in constant memory: CSV (any of , ; tab |, quoted fields, BOM)
// or NDJSON. Bytes are checked as UTF-8 chunk by chunk, so a bad byte is reported with its line.

/** Where a row came from: 1-based data row (header excluded) and the file line it starts on. */
export interface Located {
  readonly row: number;
  readonly line: number;
}

/** One item of a source: a row's values, or a row that could not even be split into values. */
export type SourceItem =
  | (Located & {
      readonly kind: 'record';
      readonly values: readonly string[] | Readonly<Record<string, unknown>>;
    })
  | (Located & { readonly kind: 'problem'; readonly reason: string; readonly raw: string });

/** An opened import file. */
export interface Source {
  readonly format: 'csv' | 'ndjson';
  /** The delimiter used (CSV). */
  readonly delimiter: string | null;
  /** Column names from the header line (CSV), or null (NDJSON). */
  readonly header: readonly string[] | null;
  /** The data rows in file order, a chunk at a time; throws AppError('validation_failed') for file-level faults (bad UTF-8). */
  items(): AsyncIterable<SourceItem[]>;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The file format from the mapping, or else the extension (.ndjson/.jsonl), or else CSV. */
export function detectFormat(path: string, declared: 'csv' | 'ndjson' | undefined): 'csv' | 'ndjson' {
  if (declared) return declared;
  const ext = extname(path).toLowerCase();
  return ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : 'csv';
}

/** The delimiter of a header line: whichever candidate occurs most often outside quotes (comma on a tie). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Opens a source file; an empty file or a missing one is an error before any row is read. */
export async function openSource(
  path: string,
  options: { format?: 'csv' | 'ndjson' | undefined; delimiter?: string | undefined },
): Promise<Result<Source, { code: 'validation_failed' | 'not_found'; message: string }>> {
  let first: string;
  try {
    first = await readFirstLine(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err({ code: 'not_found', message: `file not found: ${path}` });
    if (error instanceof AppError) return err({ code: 'validation_failed', message: error.message });
    throw error;
  }
  if (first.trim() === '') {
    const empty = await isBlankFile(path);
    if (empty) return err({ code: 'validation_failed', message: `${path}: file is empty` });
  }
  const format = detectFormat(path, options.format);
  if (format === 'ndjson') {
    return ok({ format, delimiter: null, header: null, items: () => ndjsonItems(path) });
  }
  const delimiter = options.delimiter ?? detectDelimiter(first);
  const header = parseHeader(first, delimiter);
  if (header.length === 0 || header.every((h) => h === '')) {
    return err({ code: 'validation_failed', message: `${path}: line 1: the header line is empty` });
  }
  const blank = header.findIndex((h) => h.trim() === '');
  if (blank >= 0)
    return err({
      code: 'validation_failed',
      message: `${path}: line 1: header column ${blank + 1} has no name`,
    });
  return ok({ format, delimiter, header, items: () => csvItems(path, delimiter, header.length) });
}

function parseHeader(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}

/** The first line (BOM and CR stripped), reading at most 1 MiB. */
async function readFirstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, bytesRead);
    const nl = bytes.indexOf(10);
    if (nl >= 0) bytes = bytes.subarray(0, nl);
    const bad = firstInvalidUtf8(bytes, nl < 0 && bytesRead === buf.length);
    if (bad >= 0)
      throw new AppError(
        'validation_failed',
        `${path}: line 1: invalid UTF-8 byte sequence at byte ${bad + 1}`,
      );
    return bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\r$/, '');
  } finally {
    await handle.close();
  }
}

async function isBlankFile(path: string): Promise<boolean> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    for (const b of chunk)
      if (b !== 10 && b !== 13 && b !== 32 && b !== 9 && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  }
  return true;
}

/** Decodes UTF-8 strictly chunk by chunk; an invalid sequence fails the stream with the line it is on. */
class Utf8Decoder extends Transform {
  readonly #path: string;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #lines = 0;
  #carry: Buffer = Buffer.alloc(0);

  constructor(path: string) {
    // Strings flow out in object mode, so they are not re-encoded between here and the parser.
    super({ readableObjectMode: true, decodeStrings: true });
    this.#path = path;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      done(this.#locate(chunk, false));
      return;
    }
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.#lines++;
    // Keep a sequence cut at the chunk boundary: it is checked together with the next chunk.
    this.#carry = chunk.subarray(incompleteTail(chunk));
    done(null, text === '' ? undefined : text);
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = this.#decoder.decode();
      done(null, rest === '' ? undefined : rest);
    } catch {
      done(this.#locate(Buffer.alloc(0), true));
    }
  }

  #locate(chunk: Buffer, atEnd: boolean): AppError {
    const bytes = Buffer.concat([this.#carry, chunk]);
    let bad = firstInvalidUtf8(bytes, atEnd || chunk.length === 0);
    if (bad < 0) bad = bytes.length - 1;
    let line = this.#lines + 1;
    // Newlines in the carried bytes were already counted with the previous chunk.
    for (let i = this.#carry.length; i < bad; i++) if (bytes[i] === 10) line++;
    return new AppError(
      'validation_failed',
      `${this.#path}: line ${line}: invalid UTF-8 byte sequence (the file must be UTF-8)`,
      {
        line,
      },
    );
  }
}

/** Where a multi-byte sequence cut off by the end of `chunk` starts (chunk.length when none is). */
export function incompleteTail(chunk: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, chunk.length); k++) {
    const b = chunk[chunk.length - k]!;
    if (b < 0x80) return chunk.length;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return length > k ? chunk.length - k : chunk.length;
    }
  }
  return chunk.length;
}

/**
 * Index of the first byte that starts an invalid UTF-8 sequence, or -1. A sequence cut off by the end of the
 * buffer counts as invalid only when `complete` (nothing follows).
 */
export function firstInvalidUtf8(bytes: Uint8Array, complete: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Continuation bytes needed and the smallest code point allowed for that length (no overlong forms).
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return complete ? i : -1;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

async function* csvItems(path: string, delimiter: string, columns: number): AsyncIterable<SourceItem[]> {
  const splitter = new CsvSplitter(delimiter);
  let carriesNul = false;
  const check = (items: CsvItem[], nul: boolean): SourceItem[] =>
    items.map((item) => {
      if (item.kind !== 'record') return item;
      const raw = () => item.values.join(delimiter);
      if (item.values.length !== columns) {
        const reason = `expected ${columns} fields (as in the header), found ${item.values.length}`;
        return { kind: 'problem', row: item.row, line: item.line, reason, raw: raw() };
      }
      if (nul && item.values.some((v) => v.includes('\u0000'))) {
        return {
          kind: 'problem',
          row: item.row,
          line: item.line,
          reason: NUL_REASON,
          raw: raw().replaceAll('\u0000', '\\0'),
        };
      }
      return item;
    });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }).pipe(
    new Utf8Decoder(path),
  ) as AsyncIterable<string>) {
    const items = splitter.push(chunk, false);
    // NUL characters are rare: rows are searched for them only when their chunk has one (a record can span two).
    const nul = chunk.includes('\u0000') || carriesNul;
    carriesNul = chunk.includes('\u0000');
    if (items.length) yield check(items, nul);
  }
  const rest = splitter.push('', true);
  if (rest.length) yield check(rest, carriesNul);
}

async function* ndjsonItems(path: string): AsyncIterable<SourceItem[]> {
  const decoded = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(new Utf8Decoder(path));
  let rest = '';
  let line = 0;
  let row = 0;
  const lineItem = (text: string): SourceItem | null => {
    line++;
    const body = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (body === '') return null;
    row++;
    if (body.includes('\u0000') || body.includes('\\u0000'))
      return { kind: 'problem', row, line, reason: NUL_REASON, raw: '' };
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      return {
        kind: 'problem',
        row,
        line,
        reason: `invalid JSON: ${(error as Error).message}`,
        raw: body.slice(0, 200),
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { kind: 'problem', row, line, reason: 'not a JSON object', raw: body.slice(0, 200) };
    }
    return { kind: 'record', row, line, values: value as Record<string, unknown> };
  };
  for await (const chunk of decoded as AsyncIterable<string>) {
    const text = rest + chunk;
    const items: SourceItem[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const item = lineItem(text.slice(start, nl));
      if (item) items.push(item);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (items.length) yield items;
  }
  if (rest !== '') {
    const item = lineItem(rest);
    if (item) yield [item];
  }
}
