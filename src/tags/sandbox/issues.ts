/** One reason an SQL tag's statement is refused, located in its text when the parser says where. */
export interface SandboxIssue {
  readonly message: string;
  /** 1-based line and column in the statement as the user wrote it. */
  readonly line?: number;
  readonly column?: number;
}

/** Line and column of a byte offset into `text` (parsers count bytes of UTF-8), or nothing when unknown. */
export function locate(text: string, byteOffset: number | undefined): { line?: number; column?: number } {
  if (byteOffset === undefined || byteOffset < 0) return {};
  const before = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** One line per issue, e.g. "line 1, column 19: function pg_sleep is not allowed in SQL tags". */
export function describeIssues(issues: readonly SandboxIssue[]): string {
  return issues
    .map((i) => (i.line === undefined ? i.message : `line ${i.line}, column ${i.column}: ${i.message}`))
    .join('; ');
}
