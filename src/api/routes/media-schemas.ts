import { z } from 'zod';
import { DIMENSIONS, METRICS, type MetricKey } from '../../media/definitions.ts';
import { daySchema } from '../../shared/day.ts';
import { jsonObject, text } from '../../shared/text.ts';
import { importCounts, rowRejection } from './import-schemas.ts';

// Request and response shapes of the media routes (media.ts).

const definition = z.object({ en: z.string(), zh: z.string() });
const metricKey = z.enum(Object.keys(METRICS) as [MetricKey, ...MetricKey[]]);
const dimension = z.enum(DIMENSIONS);

export const channel = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(['social', 'video', 'search', 'feed', 'display', 'other']),
  aliases: z.array(z.string()),
});

export const channelList = z.object({ items: z.array(channel) });

export const channelBody = channel.extend({
  key: text().min(1).max(64),
  name: text().min(1).max(100),
  nameEn: text().min(1).max(100),
  aliases: z.array(text().min(1).max(64)).max(50),
});

export const uploadBody = z.union([
  z.object({
    csv: z.string().min(1).describe('the CSV file (header line first)'),
    mapping: jsonObject()
      .optional()
      .describe('the mapping (default: the header names the target fields: channel, campaign, day, …)'),
    allowPartial: z.boolean().optional().describe('commit the valid rows even when some are rejected'),
  }),
  z.string().describe('text/csv: the file itself; a mapping, if any, goes in the query string'),
]);

export const uploadQuery = z.object({
  mapping: text().optional().describe('text/csv uploads: the mapping JSON'),
  allowPartial: z.enum(['true', 'false']).optional(),
});

const rejection = rowRejection.extend({ path: z.string().describe('/rows/<n>/<field>') });

export const importResult = z.object({
  runId: z.number().int(),
  ...importCounts,
  firstErrors: z.array(rejection).describe('the first rejected rows'),
});

export const attributionBody = z.object({
  windowDays: z.number().int().min(1).max(365).optional().describe('attribution window in days (default 30)'),
});

export const attributionRun = z.object({
  windowDays: z.number().int(),
  computedAt: z.string(),
  dataThrough: z.string().nullable(),
  lifecycleAsOf: z.string().nullable(),
  customers: z.number().int(),
  attributed: z.number().int(),
  elapsedMs: z.number(),
});

export const comparisonQuery = z.object({
  from: daySchema.optional().describe('first customer_since / report day (default: to − 89)'),
  to: daySchema.optional().describe("last day (default: the attribution's data day)"),
  window: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe('attribution window in days (default 30)'),
});

export const comparison = z.object({
  from: z.string(),
  to: z.string(),
  windowDays: z.number().int(),
  timeZone: z.string(),
  freshness: z.object({
    attributionComputedAt: z.string(),
    dataThrough: z.string().nullable(),
    lifecycleAsOf: z.string().nullable(),
    spendThrough: z.string().nullable(),
    brandThrough: z.string().nullable(),
  }),
  dimensions: z.array(z.object({ key: dimension, definition })),
  metrics: z.array(z.object({ key: metricKey, dimension, definition })),
  channels: z.array(
    z.object({
      channel,
      metrics: z.record(metricKey, z.number().nullable()),
      scores: z.record(dimension, z.number().nullable()),
    }),
  ),
  organicNewCustomers: z.number().int(),
  elapsedMs: z.number(),
});

/** The comparison, or — no attribution computed for the window yet — what to run. */
export const comparisonOrPending = z.union([
  comparison,
  z.object({
    windowDays: z.number().int(),
    attribution: z
      .null()
      .describe('no attribution computed for this window yet: POST /v1/media/attribution/run'),
    message: z.string(),
  }),
]);
