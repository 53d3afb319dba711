import { expect } from 'vitest';

// Analyses answer null only with a reason beside it, and never a non-finite number (issue #5, "never NaN").

/** Every null in the answer has a reason beside it: `<key>Reason` or the object's `reason`. */
export function expectNullsExplained(value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectNullsExplained(v, `${path}[${i}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    if (v === null && !key.endsWith('Reason') && key !== 'reason') {
      const why = obj[`${key}Reason`] ?? obj['reason'];
      expect(typeof why === 'string' && why.length > 0, `${path}.${key} is null without a reason`).toBe(true);
    }
    if (typeof v === 'number') expect(Number.isFinite(v), `${path}.${key} = ${v}`).toBe(true);
    expectNullsExplained(v, `${path}.${key}`);
  }
}
