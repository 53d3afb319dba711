import { z } from 'zod';
import { text } from '../../shared/text.ts';

// Request and response shapes of the handover routes (pool-handovers.ts).

export const handoverRequest = z.object({
  fromManagerId: text().min(1),
  takerIds: z
    .array(text().min(1))
    .min(1)
    .max(50)
    .optional()
    .describe('default for split mapping: its takers'),
  split: z.enum(['even', 'aum', 'mapping']),
  mapping: z.record(text(), text()).optional().describe('customer_no → taker id (split mapping)'),
  customerNos: z.array(text().min(1)).max(100_000).optional().describe('default: the whole pool'),
  reason: text().max(500).nullable().optional().describe('required while the manager is still employed'),
});

const reasons = z.record(z.string(), z.number().int());
export const preview = z.object({
  kind: z.enum(['departed', 'in_service']),
  fromManager: z.object({ id: z.string(), name: z.string(), status: z.enum(['active', 'departed']) }),
  split: z.enum(['even', 'aum', 'mapping']),
  total: z.number().int(),
  totalAum: z.number(),
  takers: z.array(
    z.object({
      takerId: z.string(),
      name: z.string(),
      poolSize: z.number().int(),
      capacity: z.number().int(),
      planned: z.number().int(),
      plannedAum: z.number(),
      willMove: z.number().int(),
      willMoveAum: z.number(),
      refused: z.number().int(),
    }),
  ),
  foreseen: z.object({
    moved: z.number().int(),
    refused: z.number().int(),
    skipped: z.number().int(),
    byReason: reasons,
  }),
  refusals: z.array(z.object({ customerNo: z.string(), takerId: z.string(), reason: z.string() })),
});

export const job = z.object({
  id: z.number().int(),
  kind: z.enum(['departed', 'in_service']),
  fromManagerId: z.string(),
  fromManagerName: z.string(),
  takerIds: z.array(z.string()),
  takerStaff: z.array(z.object({ id: z.string(), name: z.string() })).describe('the takers by name'),
  split: z.enum(['even', 'aum', 'mapping']),
  reason: z.string().nullable(),
  status: z.enum(['running', 'done', 'cancelled']),
  total: z.number().int(),
  moved: z.number().int(),
  refused: z.number().int(),
  skipped: z.number().int(),
  pending: z.number().int(),
  tasksMoved: z.number().int(),
  chunks: z.number().int(),
  lastError: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const jobDetail = job.extend({
  takers: z.array(
    z.object({
      takerId: z.string(),
      name: z.string(),
      planned: z.number().int(),
      moved: z.number().int(),
      movedAum: z.number(),
      refused: z.number().int(),
      skipped: z.number().int(),
    }),
  ),
});

export const jobItems = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(
    z.object({
      seq: z.number().int(),
      customerNo: z.string(),
      name: z.string().nullable().describe('masked'),
      aum: z.number(),
      takerId: z.string(),
      takerName: z.string(),
      status: z.enum(['pending', 'moved', 'refused', 'skipped']),
      reason: z.string().nullable(),
      processedAt: z.string().nullable(),
      handoverStatus: z.enum(['waiting', 'done', 'refused', 'taker_at_limit']).nullable(),
    }),
  ),
});
