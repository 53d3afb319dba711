import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import {
  DICTIONARY_CSV_COLUMNS,
  DICTIONARY_KINDS,
  DictionaryEntryInput,
  DictionaryKey,
  type DictionaryEntry,
  type DictionaryImportReport,
  type DictionaryKind,
} from '../contracts/dictionary.ts';
import { csvField, parseCsvText } from '../shared/csv.ts';
import { err, ok, validationFailed, type LocatedIssue, type Result } from '../shared/errors.ts';
import { DICTIONARY_LOCK, dictionaryVersion, writeEntries, type DictionaryDeps } from './service.ts';

// The dictionary as a CSV file: exported with the columns of DICTIONARY_CSV_COLUMNS, imported from the same columns.
// An import applies every row or none: each bad row is answered with its row, line, field and reason.

type Column = (typeof DICTIONARY_CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['kind', 'key', 'name_zh', 'name_en'];

/** The dictionary's entries as CSV text (header first), in the import's columns. */
export function dictionaryCsv(entries: readonly DictionaryEntry[]): string {
  const lines = [DICTIONARY_CSV_COLUMNS.join(',')];
  for (const e of entries)
    lines.push(
      [e.kind, e.key, e.name.zh, e.name.en, e.description.zh, e.description.en, e.unit]
        .map(csvField)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

/** A validated import row. */
interface ImportRow {
  readonly kind: DictionaryKind;
  readonly key: string;
  readonly input: DictionaryEntryInput;
}

/** Parses and checks a dictionary CSV: every row, or the located problems of the bad ones (row, line, field). */
export function parseDictionaryCsv(text: string): Result<ImportRow[]> {
  const records = parseCsvText(text.replace(/^\uFEFF/, ''), { delimiter: ',' });
  const problems: LocatedIssue[] = [];
  const header = records[0];
  if (!header || header.kind !== 'record')
    return err(
      validationFailed('the file has no header row', [
        { path: ['csv'], message: `expected the header ${DICTIONARY_CSV_COLUMNS.join(',')}`, line: 1 },
      ]),
    );
  const names = header.values.map((v) => v.trim());
  const at = new Map<string, number>();
  names.forEach((n, i) => {
    if (!(DICTIONARY_CSV_COLUMNS as readonly string[]).includes(n))
      problems.push({
        path: ['header', i],
        message: `unknown column "${n}" (expected ${DICTIONARY_CSV_COLUMNS.join(', ')})`,
        line: 1,
      });
    else if (at.has(n))
      problems.push({ path: ['header', i], message: `column "${n}" appears twice`, line: 1 });
    else at.set(n, i);
  });
  for (const c of REQUIRED)
    if (!at.has(c)) problems.push({ path: ['header'], message: `missing column "${c}"`, line: 1 });
  if (problems.length) return err(validationFailed("the header row is not the dictionary's", problems));

  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  const data = records.slice(1);
  if (data.length === 0)
    return err(
      validationFailed('the file has a header but no rows', [{ path: ['csv'], message: 'no rows', line: 2 }]),
    );
  for (const record of data) {
    // Rows are counted from the first data row (the header is line 1, not a row).
    const row = record.row - 1;
    if (record.kind === 'problem') {
      problems.push({ path: ['rows', row], message: record.reason, line: record.line });
      continue;
    }
    const value = (c: Column) => {
      const i = at.get(c);
      return i === undefined ? '' : (record.values[i] ?? '');
    };
    if (record.values.length !== names.length)
      problems.push({
        path: ['rows', row],
        message: `${record.values.length} fields, the header has ${names.length}`,
        line: record.line,
      });
    const kind = value('kind').trim();
    if (!(DICTIONARY_KINDS as readonly string[]).includes(kind))
      problems.push({
        path: ['rows', row, 'kind'],
        message: `"${kind}" is not a kind (expected ${DICTIONARY_KINDS.join(', ')})`,
        line: record.line,
      });
    const key = DictionaryKey.safeParse(value('key'));
    if (!key.success)
      problems.push({
        path: ['rows', row, 'key'],
        message: key.error.issues[0]?.message ?? 'invalid key',
        line: record.line,
      });
    const input = DictionaryEntryInput.safeParse({
      name: { zh: value('name_zh'), en: value('name_en') },
      description: { zh: value('description_zh'), en: value('description_en') },
      unit: value('unit'),
    });
    if (!input.success)
      for (const issue of input.error.issues)
        problems.push({
          path: ['rows', row, columnOf(issue.path)],
          message: issue.message,
          line: record.line,
        });
    if (!key.success || !input.success || !(DICTIONARY_KINDS as readonly string[]).includes(kind)) continue;
    const dup = `${kind}\u0000${key.data}`;
    const first = seen.get(dup);
    if (first !== undefined) {
      problems.push({
        path: ['rows', row, 'key'],
        message: `${kind} "${key.data}" already given in row ${first}`,
        line: record.line,
      });
      continue;
    }
    seen.set(dup, row);
    rows.push({ kind: kind as DictionaryKind, key: key.data, input: input.data });
  }
  if (problems.length)
    return err(
      validationFailed(
        `${new Set(problems.map((p) => p.path[1])).size} row(s) refused; nothing was imported`,
        problems,
      ),
    );
  return ok(rows);
}

/** The CSV column an input issue is about: ['name', 'zh'] → name_zh. */
function columnOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('_');
}

/** Imports a dictionary CSV in one transaction (every row or none), audited with its counts. */
export async function importDictionary(
  deps: DictionaryDeps,
  actor: string,
  text: string,
  source: string,
): Promise<Result<DictionaryImportReport>> {
  const parsed = parseDictionaryCsv(text);
  if (!parsed.ok) return parsed;
  return deps.db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${DICTIONARY_LOCK})`.execute(tx);
    const at = deps.clock.now();
    const { created, updated, unchanged } = await writeEntries(tx, actor, at, 'import', parsed.value);
    const report = { rows: parsed.value.length, created, updated, unchanged };
    await recordAudit(tx, {
      actor,
      action: 'dictionary.import',
      entityType: 'dictionary',
      details: { source, ...report },
      at,
    });
    return ok({ ...report, version: await dictionaryVersion(tx) });
  });
}
