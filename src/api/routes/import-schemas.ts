import { z } from 'zod';

// The answer shapes of an import run over HTTP (ingest's runner: src/ingest/run.ts), shared by the routes that take a
// file in the request body (experiments, media reports).

/** A rejected row as an import run reports it. */
export const rowRejection = z.object({
  row: z.number().int(),
  line: z.number().int(),
  field: z.string(),
  reason: z.string(),
  value: z.unknown(),
});

/** What an import run did: its status and row counts (`firstErrors` is each route's, with its rejection shape). */
export const importCounts = {
  status: z.enum(['committed', 'rejected']),
  read: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  elapsedMs: z.number(),
};
