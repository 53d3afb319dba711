import { findSensitiveWords } from './compliance.ts';
import { templateTexts, type ContentDraft } from './model.ts';
import { checkTemplate, type TemplateIssue } from './template.ts';

/** One reason a content version cannot be saved, located in the draft (path, line, column) with its sub-code. */
export interface ContentIssue {
  readonly code: TemplateIssue['code'] | 'sensitive_word';
  readonly path: (string | number)[];
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** What content is checked against: the tag keys its templates may read and the bank's sensitive words. */
export interface ContentRules {
  readonly tagKeys: ReadonlySet<string>;
  readonly sensitiveWords: readonly string[];
}

/** Every problem of a draft: template syntax, unknown variables, sensitive words — all of them, located. */
export function checkContent(draft: ContentDraft, rules: ContentRules): ContentIssue[] {
  const texts = [{ path: ['title'], text: draft.title }, ...templateTexts(draft.variants)];
  const issues: ContentIssue[] = [];
  for (const { path, text } of texts.slice(1))
    issues.push(...checkTemplate(path, text, rules.tagKeys).issues);
  for (const hit of findSensitiveWords(texts, rules.sensitiveWords))
    issues.push({
      code: 'sensitive_word',
      path: hit.path,
      line: hit.line,
      column: hit.column,
      message: `"${hit.word}" may not be used in financial marketing`,
    });
  return issues;
}
