import { z } from 'zod';
import { Bilingual as bilingual, optionalDay } from '../../contracts/common.ts';
import { Population, SegmentId } from '../../contracts/population.ts';
import { RuleSchema } from '../../contracts/rule.ts';
import { text } from '../../shared/text.ts';

// Request and response shapes of the segment routes (segments.ts). Rules are the Rule contract (src/contracts): each
// is parsed before validation, problems located by JSON path (400 invalid_rule), then checked against the catalogue
// by the segment service.

/** A business day of the segment index (default: today). */
export const asOfDay = optionalDay('business day of the segment index (default: today)');

export const segmentId = z.object({ id: SegmentId });

export const segmentItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  rule: z.unknown(),
  version: z.number().int(),
  status: z.enum(['active', 'archived']),
  members: z
    .number()
    .int()
    .nullable()
    .describe('members in the latest snapshot, null when never materialised'),
  asOf: z.string().nullable().describe('the day of that snapshot'),
  updated_by: z.string(),
  updated_at: z.string(),
});

export const segmentInput = z.object({
  id: text()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: 1-64 letters, digits, _ or -')
    .optional(),
  name: text().min(1).max(200),
  description: text().max(2000).nullable().optional(),
  rule: RuleSchema,
});

export const versionItem = z.object({
  version: z.number().int(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  rule: z.unknown(),
  status: z.enum(['active', 'archived']).nullable(),
  change: z.enum(['create', 'update', 'archive']).nullable(),
  changed_by: z.string(),
  changed_at: z.string(),
});

export const catalogue = z.object({
  asOf: z.string(),
  tagsAsOf: z.string().nullable(),
  customers: z.number().int(),
  tags: z.array(
    z.object({
      key: z.string(),
      name: bilingual,
      values: z.array(z.object({ value: z.string(), label: bilingual })),
    }),
  ),
  attributes: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['number', 'date', 'string', 'boolean']),
      values: z.array(z.string()).optional(),
    }),
  ),
  holdings: z.array(z.string()),
  events: z.array(z.object({ name: z.string(), properties: z.array(z.string()) })),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  lists: z.array(z.object({ id: z.string(), name: z.string(), members: z.number().int() })),
});

export const materialized = z.object({
  segmentId: z.string(),
  asOf: z.string(),
  version: z.number().int(),
  members: z.number().int(),
  aum: z.number(),
  elapsedMs: z.number(),
});

export const materializeRun = z.object({
  asOf: z.string(),
  results: z.array(
    z.union([
      materialized.extend({ ok: z.literal(true) }),
      z.object({
        ok: z.literal(false),
        segmentId: z.string(),
        error: z.object({ code: z.string(), message: z.string() }),
      }),
    ]),
  ),
});

const share = z.number().describe('0..1');
export const analysis = z.object({
  asOf: z.string(),
  members: z.number().int(),
  shareOfCustomers: share,
  aum: z.number(),
  shareOfAum: share,
  growth: z.object({
    points: z.array(z.object({ asOf: z.string(), members: z.number().int(), aum: z.number() })),
    entered: z.number().int().nullable(),
    left: z.number().int().nullable(),
  }),
  reach: z.object({ wecomFriend: share, smsConsent: share, appPush: share, withManager: share }),
  stickiness: z.object({
    active30dRate: share.nullable(),
    retention90dRate: share.nullable(),
    avgTenureYears: z.number().nullable(),
  }),
  portrait: z.array(
    z.object({
      tag: z.string(),
      value: z.string(),
      name: bilingual,
      label: bilingual,
      groupShare: share,
      baseShare: share,
      tgi: z.number(),
    }),
  ),
  concentration: z.object({
    pareto: z.array(z.object({ customerShare: share, aumShare: share })),
    gini: z.number(),
    top20AumShare: share,
  }),
  elapsedMs: z.number(),
});

export const analysisInput = z.object({
  population: Population,
  asOf: asOfDay,
  minSupport: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('members a tag value needs to enter the portrait (default max(10, 1% of the group))'),
});

export const listInput = z.object({
  id: text()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: 1-64 letters, digits, _ or -')
    .optional(),
  name: text().min(1).max(200),
  customerNos: z.array(text().max(64)).min(1).max(1_000_000),
  allowUnknown: z
    .boolean()
    .optional()
    .describe('store the known customers when some numbers are unknown (default: refuse the upload)'),
});

export const listItem = z.object({
  id: z.string(),
  name: z.string(),
  members: z.number().int(),
  unknownCount: z.number().int(),
  created_by: z.string(),
  created_at: z.string(),
});
