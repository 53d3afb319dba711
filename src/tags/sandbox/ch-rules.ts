// What an event-store SQL tag may contain, checked on ClickHouse's own parse tree (ch-check.ts).

/** Parse-tree nodes (EXPLAIN AST) a SELECT may be built from; `Set` (a SETTINGS clause) is missing on purpose:
 * a subquery's SETTINGS readonly = 0 would lift the statement's read-only setting. */
export const ALLOWED_AST_NODES: ReadonlySet<string> = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'ExpressionList',
  'SelectQuery',
  'WithElement',
  'Subquery',
  'Literal',
  'Identifier',
  'Function',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'WindowDefinition',
  'WindowListElement',
  'OrderByElement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'SampleRatio',
]);

/** Function categories (system.functions) that only compute on their arguments. */
export const ALLOWED_CATEGORIES: ReadonlySet<string> = new Set([
  'Aggregate Functions',
  'Type Conversion',
  'Dates and Times',
  'Arrays',
  'String',
  'String Search',
  'String Splitting',
  'String Replacement',
  'Hash',
  'JSON',
  'Mathematical',
  'Arithmetic',
  'Comparison',
  'Tuple',
  'Map',
  'Conditional',
  'Logical',
  'Rounding',
  'Null',
  'Bitmap',
  'Bit',
  'Encoding',
  'UUID',
  'Financial',
  'URL',
  'IP Address',
  'Geo',
  'Geo Polygon',
  'Distance',
  'Time Window',
  'Time Series',
]);

/**
 * Functions outside those categories that are plain computation. Everything else in "Other", "Introspection",
 * "Internal", "Dictionary", "Machine Learning", "Random Number", "Encryption" and "AI" is refused: `file` reads any
 * file the process can, `joinGet`/`dictGet` read other tables, `sleep` stalls, `AIGenerate` calls out.
 */
export const ALLOWED_EXTRA_FUNCTIONS: ReadonlySet<string> = new Set([
  'lambda',
  'exists',
  'caseWithExpression',
  'transform',
  'toTypeName',
  'materialize',
  'formatReadableSize',
  'formatReadableQuantity',
  'runningDifference',
]);

/** Table functions that only generate numbers (their time is bounded by max_execution_time like any read). */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['numbers', 'zeros']);

/** Tables a tag reads (unqualified; anything named with a database, e.g. system.users, is refused). */
export const EVENT_TABLES: ReadonlySet<string> = new Set([
  'events_dedup',
  'transactions_dedup',
  'customer_daily_dedup',
  'events',
  'transactions',
  'customer_daily',
]);
