import { ApiError, errorText } from '../../api/client.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { fieldKey, variantKey } from './labels.ts';

// The located problems of a content or campaign draft as the server reports them: validation_failed's `details`, a
// list of `{ path: '/variants/sms/text', message, line?, column? }` (path a JSON pointer into the draft).

/** One problem, located for a reader: where (a channel's field, the title…), line and column when known, why. */
export interface Problem {
  readonly where: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A path into the draft in the reader's words: ['variants', 'sms', 'text'] → "SMS · Text". */
export function placeOf(path: readonly (string | number)[], t: Translate): string {
  const [root, kind, field] = path.map(String);
  if (root === 'variants' && kind)
    return field ? `${t(variantKey(kind))} · ${t(fieldKey(field))}` : t(variantKey(kind));
  if (root === 'title') return t('content.form.title');
  if (root === 'productId') return t('content.form.product');
  if (root === 'mediaKind') return t('content.form.mediaKind');
  return path.join('.');
}

/** The keys of a JSON pointer: "/variants/sms/text" → ['variants', 'sms', 'text'] (RFC 6901: ~1 is '/', ~0 '~'). */
export function pointerKeys(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The problems an API error carries, or one unlocated problem with its message. */
export function problemsOf(error: unknown, t: Translate): Problem[] {
  if (!(error instanceof ApiError)) return [{ where: '', line: 0, column: 0, message: errorText(error) }];
  const list = error.validationIssues;
  if (list.length === 0) return [{ where: '', line: 0, column: 0, message: error.message }];
  return list.map((i) => ({
    where: placeOf(pointerKeys(i.path), t),
    line: i.line ?? 0,
    column: i.column ?? 0,
    message: i.message,
  }));
}
