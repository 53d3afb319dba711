import { z } from 'zod';
import { daySchema } from '../shared/day.ts';

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

/** The error body every failing route answers with (src/shared/errors.ts lists the codes). */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
