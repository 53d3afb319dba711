import { z } from 'zod';
import { campaignDraftSchema } from '../../campaigns/model.ts';
import { SUPPRESS_REASONS } from '../../campaigns/policy/decide.ts';
import { optionalDay, page } from '../../contracts/common.ts';
import { ProductRole } from '../../contracts/product.ts';
import { rowId } from '../http.ts';
import { comparison } from './analytics-experiments-schemas.ts';

// Request and response shapes of the campaign routes (campaigns.ts, campaign-runs.ts). A campaign version's body is
// the domain's own schema (src/campaigns/model.ts): its population the Population contract, so a bad rule is a 400
// invalid_rule locating each problem; what the domain checks beyond (approved content, channels carrying a variant the
// content has) is a 400 validation_failed whose `details` list `{ path, message }`, path a JSON pointer ("/channels/1").

export const campaignId = z.object({ id: rowId });
export const campaignVersionId = z.object({ id: rowId, version: rowId });

export const campaignDraft = campaignDraftSchema;

const campaignStatus = z.enum([
  'draft',
  'pending',
  'approved',
  'running',
  'paused',
  'cancelled',
  'completed',
]);

export const campaign = z.object({
  id: z.number().int(),
  name: z.string(),
  purpose: z.enum(['marketing', 'service']),
  status: campaignStatus,
  latestVersion: z.number().int(),
  approvedVersion: z.number().int().nullable(),
  createdBy: z.string(),
  updatedAt: z.string(),
});

export const campaignVersion = z.object({
  version: z.number().int(),
  status: z.enum(['draft', 'pending', 'approved', 'rejected']),
  draft: campaignDraftSchema,
  author: z.string(),
  createdAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});

export const campaignDetail = z.object({ campaign, versions: z.array(campaignVersion) });

/** A review decision's optional note (the content library's shape). */
export { decision } from './content-schemas.ts';

const count = z.number().int();
export const waterfall = z.object({
  audience: count,
  excluded: z.object(
    Object.fromEntries(SUPPRESS_REASONS.map((r) => [r, count])) as Record<
      (typeof SUPPRESS_REASONS)[number],
      typeof count
    >,
  ),
  toSend: count,
  deferred: count.describe('of those to send, held until quiet hours end'),
  deferredUntil: z.string().nullable(),
  byChannel: z.record(z.string(), count).describe('to send, by the channel each customer gets'),
});

export const previewQuery = z.object({
  campaignId: rowId
    .optional()
    .describe(
      "the saved campaign this draft is a version of: its control group is the campaign's own sample",
    ),
});

export const previewAnswer = waterfall.extend({
  asOf: z.string().describe('the business day of the audience'),
});

const statusCounts = z
  .record(z.string(), count)
  .describe('deliveries by status: queued, sending, sent, delivered, failed, dead, suppressed, cancelled');

export const runs = z.object({
  runs: z.array(
    z.object({
      id: z.number().int(),
      version: z.number().int(),
      slot: z.string(),
      status: z.enum(['preparing', 'sending', 'paused', 'cancelled', 'completed', 'failed']),
      asOf: z.string().nullable(),
      waterfall: waterfall.nullable(),
      error: z.string().nullable(),
      createdAt: z.string(),
      preparedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      deliveries: statusCounts,
      byChannel: z.record(z.string(), statusCounts),
    }),
  ),
});

export const outboxQuery = z.object({ ...page, runId: rowId.optional() });

export const outboxPage = z.object({
  total: count,
  items: z.array(
    z.object({
      runId: z.number().int(),
      customerNo: z.string(),
      channel: z.string(),
      variant: z.string(),
      to: z.string().nullable().describe('masked'),
      fields: z.record(z.string(), z.string()).describe('the message as sent, personal values masked'),
      createdAt: z.string(),
    }),
  ),
});

const stageCounts = {
  audience: count,
  targeted: count,
  sent: count,
  delivered: count,
  opened: count,
  clicked: count,
  converted: count,
  control: count,
  controlConverted: count,
};
const bilingual = z.object({ zh: z.string(), en: z.string() });

export const resultsQuery = z.object({
  run: rowId.optional().describe('a run of the campaign (default: the latest that started)'),
});
export const resultsCsvQuery = resultsQuery.extend({ lang: z.enum(['zh', 'en']).optional() });

export const results = z.object({
  campaignId: count,
  campaignName: z.string(),
  run: z.object({
    id: count,
    version: count,
    status: z.string(),
    slot: z.string(),
    preparedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    asOf: z.string().nullable(),
  }),
  product: z
    .object({ id: z.string(), name: z.string(), role: ProductRole.nullable() })
    .nullable()
    .describe("the product of the run's content with its role now; null when the content names none"),
  conversion: z
    .object({
      event: z.string(),
      windowDays: count,
      from: z.string(),
      until: z.string(),
      open: z.boolean(),
    })
    .nullable(),
  funnel: z.array(
    z.object({
      stage: z.enum(['audience', 'targeted', 'sent', 'delivered', 'opened', 'clicked', 'converted']),
      customers: count,
    }),
  ),
  totals: z.object(stageCounts),
  byTier: z.array(z.object({ key: z.string(), ...stageCounts })),
  byLifecycleStage: z.array(z.object({ key: z.string(), ...stageCounts })),
  lift: comparison.nullable(),
  liftReason: z.string().nullable(),
  cost: z
    .object({
      perMessage: z.number(),
      total: z.number(),
      perConversion: z.number().nullable(),
      perIncrementalConversion: z.number().nullable(),
    })
    .nullable(),
  definitions: z.record(z.string(), bilingual),
  freshness: z.object({ eventsThrough: z.string().nullable(), computedAt: z.string() }),
});

export const byProductRoleQuery = z
  .object({
    from: optionalDay('first business day of the range, YYYY-MM-DD (default: 89 days before `to`)'),
    to: optionalDay('last business day of the range, YYYY-MM-DD (default: today)'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['from'],
    message: 'the range starts after it ends',
  });

export const byProductRole = z.object({
  from: z.string(),
  to: z.string(),
  roles: z.array(
    z.object({
      role: z.union([ProductRole, z.literal('none')]),
      campaigns: count,
      runs: count,
      targeted: count,
      sent: count,
      clicked: count,
      converted: count,
      conversionRate: z.number().nullable(),
    }),
  ),
  definitions: z.record(z.string(), bilingual),
  freshness: z.object({ eventsThrough: z.string().nullable(), computedAt: z.string() }),
});
