import { loadModule, parseSync } from 'libpg-query';
import { err, ok, type Result } from '../../shared/errors.ts';
import { ALLOWED_FUNCTIONS, ALLOWED_NODES, SANDBOX_VIEWS } from './pg-rules.ts';
import { locate, type SandboxIssue } from './issues.ts';
import { withStandIns } from './placeholders.ts';

// The operational-store half of the SQL-tag sandbox: the statement is parsed by PostgreSQL's own parser (libpg-query
// is the server's parser compiled to WebAssembly) and its tree is walked against allow-lists of node types,
// relations and functions. Reading the SQL text with regular expressions is what let `'--'` hide a `;` before; a
// parse tree has no comments or quotes left to confuse.

// `{as_of}` and `{tz}` are not SQL: while checking, they stand in as expressions of the same length, so locations
// stay true (placeholders.ts).
const AS_OF_STAND_IN = '(null )';

let loaded: Promise<void> | undefined;

/** Loads the parser (WebAssembly) once per process; every check awaits it. */
export function loadPgParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** A statement that passed: the exact text of its one SELECT (comments, trailing `;` gone), placeholders kept. */
export interface CheckedStatement {
  readonly text: string;
}

interface PgNodeLocation {
  location?: number;
}

/** Checks an SQL tag's operational statement: exactly one SELECT over the sandbox views and allowed functions. */
export async function checkOperationalStatement(
  source: string,
): Promise<Result<CheckedStatement, SandboxIssue[]>> {
  await loadPgParser();
  const text = withStandIns(source, AS_OF_STAND_IN);
  let tree: { stmts?: { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseSync(text) as typeof tree;
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    return err([
      {
        message: `does not parse: ${details?.message ?? (error as Error).message}`,
        ...locate(source, details?.cursorPosition),
      },
    ]);
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length !== 1)
    return err([{ message: `exactly one statement is allowed; this text holds ${stmts.length}` }]);
  const [only] = stmts;
  const select = only?.stmt?.['SelectStmt'];
  if (!select) {
    const kind = Object.keys(only?.stmt ?? {})[0] ?? 'nothing';
    return err([{ message: `the statement must be a SELECT (or WITH … SELECT); found ${kind}` }]);
  }
  const issues: SandboxIssue[] = [];
  const ctes = new Set<string>();
  collectCteNames(select, ctes);
  for (const name of ctes) {
    if (name.startsWith('pg_'))
      issues.push({
        message: `a WITH name may not start with pg_ (${name}): it would shadow a system catalogue`,
      });
  }
  walk(only!.stmt, source, ctes, issues);
  if (issues.length > 0) return err(issues);
  // The statement's own range: PostgreSQL reports where it starts and how long it is (0 = to the end).
  const bytes = Buffer.from(source, 'utf8');
  const start = only?.stmt_location ?? 0;
  const end = only?.stmt_len ? start + only.stmt_len : bytes.length;
  return ok({ text: bytes.subarray(start, end).toString('utf8').trim() });
}

function collectCteNames(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectCteNames(item, into);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'CommonTableExpr') {
      const name = (value as { ctename?: string }).ctename;
      if (name) into.add(name);
    }
    collectCteNames(value, into);
  }
}

function walk(node: unknown, source: string, ctes: ReadonlySet<string>, issues: SandboxIssue[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, source, ctes, issues);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const at = (value as PgNodeLocation | null)?.location;
    // Typed fields (not wrapped in a node-type key) that would make a SELECT do more than read.
    if (key === 'intoClause') issues.push({ message: 'SELECT … INTO is not allowed', ...locate(source, at) });
    else if (key === 'withClause' && (value as { recursive?: boolean }).recursive)
      issues.push({
        message: 'WITH RECURSIVE is not allowed: it can run without bound',
        ...locate(source, at),
      });
    else if (key === 'typeName')
      checkQualified((value as { names?: unknown }).names, 'type', source, at, issues);
    else if (/^[A-Z]/.test(key)) checkNode(key, value, source, ctes, issues);
    walk(value, source, ctes, issues);
  }
}

function checkNode(
  type: string,
  value: unknown,
  source: string,
  ctes: ReadonlySet<string>,
  issues: SandboxIssue[],
): void {
  const at = (value as PgNodeLocation | null)?.location;
  if (!ALLOWED_NODES.has(type)) {
    issues.push({ message: `${describeNode(type)} is not allowed in an SQL tag`, ...locate(source, at) });
    return;
  }
  if (type === 'RangeVar') {
    const v = value as { relname?: string; schemaname?: string; catalogname?: string };
    const name = v.relname ?? '';
    const qualified =
      v.catalogname !== undefined || (v.schemaname !== undefined && v.schemaname !== 'sql_tag');
    const known = SANDBOX_VIEWS.has(name) || (v.schemaname === undefined && ctes.has(name));
    if (qualified || !known)
      issues.push({
        message: `${[v.catalogname, v.schemaname, name].filter(Boolean).join('.')} cannot be read by SQL tags; they read ${[...SANDBOX_VIEWS].join(', ')}`,
        ...locate(source, at),
      });
  } else if (type === 'FuncCall') {
    const names = stringsOf((value as { funcname?: unknown }).funcname);
    const fn = names.at(-1)?.toLowerCase() ?? '';
    const schemaOk = names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog');
    if (!schemaOk || !ALLOWED_FUNCTIONS.has(fn))
      issues.push({
        message: `function ${names.join('.')} is not allowed in SQL tags`,
        ...locate(source, at),
      });
  } else if (type === 'A_Expr') {
    checkQualified((value as { name?: unknown }).name, 'operator', source, at, issues);
  }
}

/** Types and operators may be named with pg_catalog at most: nothing else exists that a tag could want. */
function checkQualified(
  names: unknown,
  what: string,
  source: string,
  at: number | undefined,
  issues: SandboxIssue[],
): void {
  const parts = stringsOf(names);
  if (parts.length > 1 && !(parts.length === 2 && parts[0] === 'pg_catalog'))
    issues.push({ message: `${what} ${parts.join('.')} is not allowed in SQL tags`, ...locate(source, at) });
}

function stringsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => String((item as { String?: { sval?: string } }).String?.sval ?? ''));
}

const NODE_WORDS: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  LockingClause: 'FOR UPDATE / FOR SHARE',
  ParamRef: 'a parameter ($n)',
  RangeTableSample: 'TABLESAMPLE',
};

function describeNode(type: string): string {
  return NODE_WORDS[type] ?? type;
}
