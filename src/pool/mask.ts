// Personal-data masking. Every customer field that identifies a person leaves the platform masked unless the caller
// holds `customers.reveal_pii` AND asked for that field explicitly (`?reveal=phone,id_number`); each reveal is
// audited by the caller (see revealAudit). Masks are shaped so a person recognises the value (a manager sees
// "138****1234" and knows which number it is) but cannot recover it:
//
// - phone: first 3 and last 4 digits (`138****1234`), the convention of Chinese banks' apps and SMS.
// - ID number: first 4 and last 4 characters (`3301**********123X`): the province and city code stay, the
//   district, the birth date and most of the sequence are hidden, as JR/T 0171-2020 asks of displayed ID numbers.
// - name: the first character (a Chinese surname, or a Latin initial), each other letter as `*` (`张**`, `J*** *****`).
// - email: the first character of the mailbox and the whole domain, with a fixed `***` (`z***@example.com`), so
//   the length of the mailbox does not show.
// - birth date: the year only (`1985-**-**`).

/** Fields that can be revealed on request. */
export const PII_FIELDS = ['name', 'phone', 'id_number', 'email', 'birth_date'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/** Masks a phone number: first 3 and last 4 digits, the rest `*` (short numbers keep only their last 2). */
export function maskPhone(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (v.length >= 8) return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
  if (v.length <= 2) return '*'.repeat(v.length);
  return '*'.repeat(v.length - 2) + v.slice(-2);
}

/** Masks an ID number: first 4 and last 4 characters (short documents: the last 2). */
export function maskIdNumber(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (v.length >= 12) return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
  if (v.length <= 2) return '*'.repeat(v.length);
  return '*'.repeat(v.length - 2) + v.slice(-2);
}

/** Masks a name: keeps the first character, stars every other letter or digit, keeps spaces and punctuation. */
export function maskName(value: string | null): string | null {
  if (value === null) return null;
  const chars = [...value.trim()];
  if (chars.length === 0) return '';
  return (
    chars[0] +
    chars
      .slice(1)
      .map((c) => (/[\p{L}\p{N}]/u.test(c) ? '*' : c))
      .join('')
  );
}

/** Masks an email: first character of the mailbox, `***`, the domain. */
export function maskEmail(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  const at = v.lastIndexOf('@');
  if (at <= 0) return v.length > 0 ? `${[...v][0]}***` : '';
  return `${[...v][0]}***${v.slice(at)}`;
}

/** Masks a birth date 'YYYY-MM-DD' to its year. */
export function maskBirthDate(value: string | null): string | null {
  if (value === null) return null;
  return `${value.slice(0, 4)}-**-**`;
}

const MASKERS: Record<PiiField, (v: string | null) => string | null> = {
  name: maskName,
  phone: maskPhone,
  id_number: maskIdNumber,
  email: maskEmail,
  birth_date: maskBirthDate,
};

/** The personal fields of a customer row. */
export type PiiValues = { readonly [K in PiiField]: string | null };

/** The personal fields with every field masked except those in `revealed`. */
export function maskPii(values: PiiValues, revealed: ReadonlySet<PiiField> = new Set()): PiiValues {
  const out = {} as Record<PiiField, string | null>;
  for (const field of PII_FIELDS)
    out[field] = revealed.has(field) ? values[field] : MASKERS[field](values[field]);
  return out;
}

/** Parses `?reveal=phone,id_number`; unknown field names are returned separately so the caller can refuse them. */
export function parseReveal(text: string | undefined): { fields: Set<PiiField>; unknown: string[] } {
  const fields = new Set<PiiField>();
  const unknown: string[] = [];
  for (const part of (text ?? '').split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if ((PII_FIELDS as readonly string[]).includes(name)) fields.add(name as PiiField);
    else unknown.push(name);
  }
  return { fields, unknown };
}
