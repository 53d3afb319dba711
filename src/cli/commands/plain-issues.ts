import type { z } from 'zod';

// A definition assembled from options (and maybe a --definition file) is checked by the API's own schema; its
// problems are said here in the command line's words: the option that sets the field, "is required" rather than
// "expected string, received undefined".

/** The option that sets each top-level field of a definition, e.g. `{ from: '--from <YYYY-MM-DD>' }`. */
export type OptionNames = Readonly<Record<string, string>>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One schema problem of a definition, in plain words and named by its option where one sets it. */
export function plainIssue(issue: z.core.$ZodIssue, definition: unknown, options: OptionNames): string {
  const field = issue.path.map(String).join('.');
  const option = options[String(issue.path[0] ?? '')];
  const where = option ?? (field || 'the definition');
  const inFile = field ? ` (or "${field}" in the --definition file)` : '';
  const missing =
    (issue.code === 'invalid_type' || issue.code === 'invalid_union') &&
    valueAt(definition, issue.path) === undefined;
  if (missing) return `${where} is required${option ? inFile : ''}`;
  // zod's messages start "Invalid input: …" for type problems; the rest of the sentence is the plain part.
  const message = issue.message.replace(/^Invalid input:\s*/i, '');
  return `${where}: ${message}${option && issue.path.length > 1 ? ` (at ${field})` : ''}`;
}

/** Parses a definition with the API's schema; every problem is one plain line naming its option. */
export function checkedDefinition<T>(
  schema: z.ZodType<T>,
  definition: unknown,
  options: OptionNames,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  const parsed = schema.safeParse(definition);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = [...new Set(parsed.error.issues.map((i) => plainIssue(i, definition, options)))];
  return { ok: false, problems };
}
