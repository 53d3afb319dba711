import { err, ok, type Result } from '../../shared/errors.ts';
import type { EventStore } from '../../store/events/store.ts';
import { EventStoreError } from '../../store/events/store.ts';
import {
  ALLOWED_AST_NODES,
  ALLOWED_CATEGORIES,
  ALLOWED_EXTRA_FUNCTIONS,
  ALLOWED_TABLE_FUNCTIONS,
  EVENT_TABLES,
} from './ch-rules.ts';
import type { SandboxIssue } from './issues.ts';
import { bindPlaceholders, withStandIns, type SqlTagDay } from './placeholders.ts';

// The event-store half of the SQL-tag sandbox. ClickHouse itself proves there is one statement (formatQuery parses
// exactly one and refuses "multi-statements"), and its parse tree (EXPLAIN AST: parsing only, nothing evaluated) is
// walked against allow-lists: no SETTINGS anywhere, no table functions, no database-qualified names, only functions
// whose category computes on its arguments. What runs is the engine's own re-print of the statement it parsed.

// Same length as `{as_of}`, so a syntax error's position is still the user's.
const AS_OF_STAND_IN = '(NULL )';

/** What the engine knows about names, read once per store: function categories, databases, tables. */
interface Catalogue {
  readonly functions: ReadonlyMap<string, string>;
  readonly caseInsensitive: ReadonlyMap<string, string>;
  readonly combinators: readonly string[];
  readonly databases: ReadonlySet<string>;
  readonly localTables: ReadonlySet<string>;
}

const catalogues = new WeakMap<EventStore, Promise<Catalogue>>();

function catalogueOf(events: EventStore): Promise<Catalogue> {
  let found = catalogues.get(events);
  if (!found) {
    found = readCatalogue(events);
    found.catch(() => catalogues.delete(events));
    catalogues.set(events, found);
  }
  return found;
}

async function readCatalogue(events: EventStore): Promise<Catalogue> {
  const [fns, combinators, databases, tables] = await Promise.all([
    events.query<{ name: string; category: string; ci: number }>(
      `SELECT f.name AS name, if(f.alias_to = '', f.categories, coalesce(t.categories, '')) AS category,
              f.case_insensitive AS ci
         FROM system.functions AS f LEFT JOIN system.functions AS t ON t.name = f.alias_to`,
    ),
    events.query<{ name: string }>('SELECT name FROM system.aggregate_function_combinators'),
    events.query<{ name: string }>('SELECT name FROM system.databases'),
    events.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()'),
  ]);
  const caseInsensitive = new Map<string, string>();
  for (const f of fns) if (f.ci) caseInsensitive.set(f.name.toLowerCase(), f.category);
  return {
    functions: new Map(fns.map((f) => [f.name, f.category])),
    caseInsensitive,
    combinators: combinators.map((c) => c.name).sort((a, b) => b.length - a.length),
    databases: new Set(databases.map((d) => d.name)),
    localTables: new Set(tables.map((t) => t.name)),
  };
}

/**
 * Checks an event-store SQL tag with `{as_of}` bound to the day and `{tz}` to the bank's zone; returns the statement
 * the engine re-printed.
 */
export async function checkEventStatement(
  events: EventStore,
  source: string,
  day: SqlTagDay,
): Promise<Result<{ text: string }, SandboxIssue[]>> {
  // First with same-length stand-ins, so that a syntax error points into the text as written.
  const located = await format(events, withStandIns(source, AS_OF_STAND_IN));
  if (!located.ok) return located;
  const formatted = await format(
    events,
    bindPlaceholders(source, day, (asOf) => `toDate('${asOf}')`),
  );
  if (!formatted.ok) return formatted;
  const text = formatted.value;
  if (!/^(SELECT|WITH)\b/i.test(text) && !/^\(/.test(text))
    return err([
      { message: `the statement must be a SELECT (or WITH … SELECT); found ${text.split(/\s/)[0]}` },
    ]);
  const ast = await events.query<{ explain: string }>(`EXPLAIN AST ${text}`).catch((error: unknown) => {
    throw error instanceof EventStoreError ? error : new EventStoreError(String(error), {});
  });
  const issues = walkAst(
    ast.map((r) => r.explain),
    await catalogueOf(events),
  );
  return issues.length > 0 ? err(issues) : ok({ text });
}

async function format(events: EventStore, text: string): Promise<Result<string, SandboxIssue[]>> {
  try {
    const rows = await events.query<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q: text });
    return ok(rows[0]?.f ?? '');
  } catch (error) {
    if (!(error instanceof EventStoreError)) throw error;
    // The engine's words only: not our store's prefix, nor the formatQuery call the text was wrapped in.
    const message = error.message
      .replace(/^event store:\s*/, '')
      .replace(/^.*?Exception:\s*/s, '')
      .replace(/(: In scope SELECT formatQuery| \(SYNTAX_ERROR| — in: ).*$/s, '');
    const position = /failed at position (\d+)/.exec(message)?.[1];
    const before = position === undefined ? undefined : text.slice(0, Number(position) - 1).split('\n');
    return err([
      {
        message: `does not parse: ${message}`,
        ...(before ? { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 } : {}),
      },
    ]);
  }
}

interface AstLine {
  readonly depth: number;
  readonly kind: string;
  readonly name: string | undefined;
}

function parseLine(line: string): AstLine {
  const depth = line.length - line.trimStart().length;
  const [kind = '', name] = line.trim().split(/\s+/);
  return { depth, kind, name: name?.startsWith('(') ? undefined : name };
}

function walkAst(lines: readonly string[], catalogue: Catalogue): SandboxIssue[] {
  const issues: SandboxIssue[] = [];
  const parents: AstLine[] = [];
  for (const raw of lines) {
    const node = parseLine(raw);
    while (parents.length > 0 && parents[parents.length - 1]!.depth >= node.depth) parents.pop();
    const parent = parents[parents.length - 1];
    parents.push(node);
    if (!ALLOWED_AST_NODES.has(node.kind)) {
      issues.push({
        message:
          node.kind === 'Set'
            ? 'a SETTINGS clause is not allowed in SQL tags'
            : `${node.kind} is not allowed in SQL tags`,
      });
      continue;
    }
    const name = node.name ?? '';
    if (node.kind === 'Function') {
      if (parent?.kind === 'TableExpression' && !ALLOWED_TABLE_FUNCTIONS.has(name))
        issues.push({
          message: `table function ${name} is not allowed in SQL tags; read ${[...EVENT_TABLES].join(', ')}`,
        });
      else if (parent?.kind !== 'TableExpression' && !functionAllowed(name, catalogue))
        issues.push({ message: `function ${name} is not allowed in SQL tags` });
    } else if (node.kind === 'TableIdentifier' || node.kind === 'Identifier') {
      const parts = name.split('.');
      if (parts.length > 1 && catalogue.databases.has(parts[0]!))
        issues.push({
          message: `${name} cannot be read by SQL tags; they read ${[...EVENT_TABLES].join(', ')}`,
        });
      else if (node.kind === 'TableIdentifier' && parts.length > 1)
        issues.push({ message: `${name}: name tables without a database` });
      else if (catalogue.localTables.has(name) && !EVENT_TABLES.has(name))
        issues.push({
          message: `${name} cannot be read by SQL tags; they read ${[...EVENT_TABLES].join(', ')}`,
        });
    }
  }
  return issues;
}

function functionAllowed(name: string, catalogue: Catalogue): boolean {
  if (ALLOWED_EXTRA_FUNCTIONS.has(name)) return true;
  const category = catalogue.functions.get(name) ?? catalogue.caseInsensitive.get(name.toLowerCase());
  if (category !== undefined) return ALLOWED_CATEGORIES.has(category);
  // An aggregate with combinators (countIf, uniqExactState, sumArrayIf…): strip them and check the aggregate.
  for (const combinator of catalogue.combinators) {
    if (name.length > combinator.length && name.endsWith(combinator))
      return functionAllowed(name.slice(0, -combinator.length), catalogue);
  }
  return false;
}
