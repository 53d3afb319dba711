import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvField } from '../shared/csv.ts';

/** One rejected row: where it is, which field, why, and the raw value. */
export interface Rejection {
  /** 1-based data row (header excluded). */
  readonly row: number;
  /** File line the row starts on. */
  readonly line: number;
  /** Target field or source column; empty when the whole row is at fault. */
  readonly field: string;
  readonly reason: string;
  readonly value: unknown;
}

/** Keeps the first rejections in memory for the report and streams all of them to a CSV error file. */
export class RejectionLog {
  readonly path: string;
  readonly first: Rejection[] = [];
  /** Rows rejected (a row with several bad fields counts once). */
  rows = 0;
  #out: WriteStream | undefined;
  readonly #keep: number;

  constructor(path: string, keep = 20) {
    this.path = path;
    this.#keep = keep;
  }

  /** Records a rejected row with one or more problems. */
  async add(problems: readonly Rejection[]): Promise<void> {
    if (problems.length === 0) return;
    this.rows++;
    if (!this.#out) {
      this.#out = createWriteStream(this.path);
      this.#out.write('row,line,field,reason,value\n');
    }
    for (const p of problems) {
      if (this.first.length < this.#keep) this.first.push(p);
      const ok = this.#out.write(
        `${p.row},${p.line},${csvField(p.field)},${csvField(p.reason)},${csvField(show(p.value))}\n`,
      );
      if (!ok) await once(this.#out, 'drain');
    }
  }

  /** Whether an error file was written. */
  get written(): boolean {
    return this.#out !== undefined;
  }

  /** Flushes and closes the error file (again: nothing). */
  async close(): Promise<void> {
    if (!this.#out || this.#out.writableEnded) return;
    const out = this.#out;
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A one-line description of a rejection, for terminals and logs. */
export function describeRejection(r: Rejection): string {
  const value = show(r.value);
  return `row ${r.row} (line ${r.line})${r.field ? `, ${r.field}` : ''}: ${r.reason}${value ? ` — got ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)}` : ''}`;
}
