// Financial-marketing compliance: words a bank may not use to promote products (guaranteed principal, risk-free,
// sure profit…). The list is the bank's (stored, editable by admins); these defaults ship with the product.

/** The default sensitive words for Chinese financial marketing. */
export const DEFAULT_SENSITIVE_WORDS: readonly string[] = Object.freeze([
  '保本',
  '保收益',
  '稳赚',
  '稳赚不赔',
  '零风险',
  '无风险',
  '高收益',
  '刚性兑付',
  '100%安全',
  '绝对安全',
  '最高收益',
  '收益最高',
  'guaranteed return',
  'risk-free',
  'no risk',
]);

/** One sensitive word found in one text: where (path, 1-based line and column) and which. */
export interface SensitiveWordHit {
  readonly path: (string | number)[];
  readonly word: string;
  readonly line: number;
  readonly column: number;
}

/** Normalises for matching: case-folded, full-width ASCII to half-width, spaces removed ("保 本" is still 保本). */
function fold(value: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    const ch = String.fromCharCode(c);
    if (/\s/.test(ch)) continue;
    folded += ch.toLowerCase();
    origin.push(i);
  }
  return { folded, origin };
}

/** Every sensitive word in `texts`, located. */
export function findSensitiveWords(
  texts: readonly { path: (string | number)[]; text: string }[],
  words: readonly string[],
): SensitiveWordHit[] {
  const needles = words.map((w) => ({ word: w, folded: fold(w).folded })).filter((w) => w.folded.length > 0);
  const hits: SensitiveWordHit[] = [];
  for (const { path, text } of texts) {
    const { folded, origin } = fold(text);
    for (const needle of needles) {
      for (let at = folded.indexOf(needle.folded); at >= 0; at = folded.indexOf(needle.folded, at + 1)) {
        const offset = origin[at]!;
        const before = text.slice(0, offset);
        const line = before.split('\n').length;
        hits.push({ path, word: needle.word, line, column: offset - before.lastIndexOf('\n') });
      }
    }
  }
  return hits;
}
