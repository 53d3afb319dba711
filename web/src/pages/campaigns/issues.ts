import { ApiError, errorText } from '../../api/client.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { fieldKey, variantKey } from './labels.ts';

// The located problems of a content draft as the server reports them: the domain's `details.issues` (path, line,
// column) or, for a body the route's schema refused, `details` as `{ path: '/variants/sms/text', message }`.

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

/** The problems an API error carries, or one unlocated problem with its message. */
export function problemsOf(error: unknown, t: Translate): Problem[] {
  if (!(error instanceof ApiError)) return [{ where: '', line: 0, column: 0, message: errorText(error) }];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  const list = Array.isArray(issues) ? issues : Array.isArray(error.details) ? error.details : [];
  if (list.length === 0) return [{ where: '', line: 0, column: 0, message: error.message }];
  return list.map((raw) => {
    const i = raw as { path?: unknown; line?: number; column?: number; message?: string };
    const path = Array.isArray(i.path)
      ? (i.path as (string | number)[])
      : String(i.path ?? '')
          .split('/')
          .filter((p) => p !== '');
    return { where: placeOf(path, t), line: i.line ?? 0, column: i.column ?? 0, message: i.message ?? '' };
  });
}
