// Checks on the text of SQL tags, shared by definition validation and execution.

/** Text without SQL comments (`-- …` and `/* … *\/`), string literals kept. */
export function stripComments(text: string): string {
  return text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

/** True when a `;` appears outside quotes and comments. */
export function hasStatementSeparator(text: string): boolean {
  const s = stripComments(text);
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === ';') return true;
  }
  return false;
}
