import { z } from 'zod';
import { daySchema } from '../shared/day.ts';
import type { ValidationIssue as Issue } from '../shared/errors.ts';

// Small shapes every room's requests and answers share: the bank's days, customer tiers, bilingual labels, pages and
// the error body. Each is declared here once; routes, CLI commands and the dashboard's types take them from here.

/** A business day 'YYYY-MM-DD' (branded `Day`, validated: src/shared/day.ts). */
export const Day = daySchema;

/** A day a request may leave out; `what` says what the day is and what the default is. */
export const optionalDay = (what: string) => Day.optional().describe(what);

/** Customer tiers, lowest first (core banking's `customers.tier`). */
export const TIERS = ['mass', 'gold', 'platinum', 'diamond', 'private'] as const;
export type Tier = (typeof TIERS)[number];
export const Tier = z.enum(TIERS);

/** A label in both languages of the dashboard. */
export const Bilingual = z.object({ en: z.string(), zh: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;

/** A page size with its default, at most `max`. */
export const limit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
// Beyond a billion rows there is nothing to page to; the bound keeps the value a valid SQL OFFSET.
/** Rows skipped before a page. */
export const offset = z.coerce.number().int().min(0).max(1_000_000_000).default(0);
/** Offset pagination of a list request: `limit` (default 50, at most 500) and `offset`. */
export const page = { limit: limit(500, 50), offset };

/** One problem of a 400 validation_failed (OpenAPI component `ValidationIssue`; built by `validationFailed`). */
// Strict objects: the request and answer forms of a component are then the same (one component in the document).
export const ValidationIssue = z
  .strictObject({
    path: z.string().describe('where in the request, a JSON pointer (RFC 6901): "/variants/sms/text"'),
    message: z.string(),
    line: z.number().int().optional().describe('1-based line inside the template text at `path`'),
    column: z.number().int().optional().describe('1-based column inside the template text at `path`'),
    code: z
      .string()
      .optional()
      .describe('a stable sub-code: template_syntax, unknown_variable, sensitive_word'),
  })
  .meta({
    id: 'ValidationIssue',
    description: 'One located problem of a request; `details` of validation_failed is a list of them',
    examples: [
      {
        path: '/variants/sms/text',
        message: '{{ customer.phone }}: customer has name, surname, salutation, tier, city, branch',
        line: 1,
        column: 4,
        code: 'unknown_variable',
      },
    ],
  }) satisfies z.ZodType<Issue>; // the domain's shape (src/shared/errors.ts): the two cannot drift apart

/** The error body every failing route answers with (OpenAPI component `ErrorBody`; src/shared/errors.ts: the codes). */
export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      details: z
        .union([z.array(ValidationIssue), z.record(z.string(), z.unknown())])
        .optional()
        .describe(
          'validation_failed: a list of ValidationIssue; invalid_rule and invalid_tag: { issues }; ' +
            'other codes: their particulars, such as { reason }',
        ),
    }),
  })
  .meta({ id: 'ErrorBody' });
