import { z } from 'zod';
import { daySchema } from '../../shared/day.ts';
import { text } from '../../shared/text.ts';
import { rowId } from '../http.ts';
import { offset } from '../../contracts/common.ts';

// Request and response shapes of the work routes (pool-work.ts): interactions, tasks, reminders, workbench, coverage.

export const interactionInput = z.object({
  customerNo: text().min(1),
  channel: z.enum(['wecom_chat', 'call', 'visit', 'sms', 'email', 'event_attendance']),
  direction: z.enum(['in', 'out']),
  summary: text().max(2000).nullable().optional(),
  outcome: z.enum(['positive', 'neutral', 'negative', 'no_response']).nullable().optional(),
  nextStep: text().max(500).nullable().optional(),
  at: z.iso.datetime({ offset: true }).optional().describe('when it happened; default now'),
  staffId: text().nullable().optional().describe("who had the contact; default the caller's staff id"),
  externalId: text().max(200).nullable().optional().describe('makes re-sending the row a no-op'),
  followUpOn: daySchema.nullable().optional().describe('creates a follow-up task due that day'),
  acknowledgedConsentWarning: z
    .boolean()
    .optional()
    .describe(
      'the user saw that the customer withdrew consent on this touchpoint (or is on the do-not-contact list) and logs the contact anyway; without it such an outbound contact is refused (409)',
    ),
});
export const consentWarning = z.object({
  touchpoint: z.enum(['sms', 'email', 'phone', 'wecom', 'app_push']).nullable(),
  revokedPurposes: z.array(z.enum(['marketing', 'service'])),
  doNotContact: z.boolean(),
});
export const interactionBody = z.union([
  z.object({ items: z.array(interactionInput).min(1).max(1000) }),
  interactionInput,
]);
export const interactionResult = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'duplicate', 'rejected']),
  id: z.number().int().optional(),
  taskId: z.number().int().nullable().optional(),
  error: z
    .object({ code: z.string(), field: z.string(), message: z.string(), warning: consentWarning.optional() })
    .optional(),
});
export const interactionResponse = z.object({
  results: z.array(interactionResult),
  counts: z.record(z.string(), z.number().int()),
});

export const task = z.object({
  id: z.number().int(),
  customerNo: z.string(),
  customerName: z.string().nullable().describe('masked'),
  assigneeId: z.string(),
  title: z.string(),
  notes: z.string().nullable(),
  dueOn: z.string().nullable(),
  status: z.enum(['open', 'done', 'cancelled']),
  source: z.enum(['manual', 'interaction', 'reminder', 'campaign', 'journey', 'activity']),
  createdBy: z.string(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export const taskId = z.object({ id: rowId });
export const taskQuery = z.object({
  status: z.enum(['open', 'done', 'cancelled']).optional(),
  assigneeId: text().optional(),
  customerNo: text().optional(),
  dueFrom: daySchema.optional().describe('due on or after this day'),
  dueBy: daySchema.optional().describe('due on or before this day'),
  source: z.enum(['manual', 'interaction', 'reminder', 'campaign', 'journey', 'activity']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset,
});
export const taskInput = z.object({
  customerNo: text().min(1),
  title: text().min(1).max(200),
  notes: text().max(2000).nullable().optional(),
  dueOn: daySchema.nullable().optional(),
  assigneeId: text().optional(),
});
export const taskPatch = z.object({
  title: text().min(1).max(200).optional(),
  notes: text().max(2000).nullable().optional(),
  dueOn: daySchema.nullable().optional(),
  status: z.enum(['open', 'done', 'cancelled']).optional(),
  assigneeId: text().optional(),
});

const reminderKind = z.enum([
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
  'birthday',
  'dormant_high_value',
]);
export const reminderGenerate = z.object({
  asOf: daySchema.optional(),
  kinds: z.array(reminderKind).min(1).optional(),
  horizons: z.partialRecord(reminderKind, z.number().int().min(0).max(366)).optional(),
  dormantAum: z.number().min(0).optional(),
  dormantDays: z.number().int().min(1).max(3650).optional(),
});
export const reminderResults = z.object({
  asOf: z.string(),
  results: z.array(
    z.object({
      kind: reminderKind,
      ok: z.boolean(),
      candidates: z.number().int().optional(),
      created: z.number().int().optional(),
      error: z.string().optional(),
    }),
  ),
});
export const reminder = z.object({
  id: z.number().int(),
  kind: reminderKind,
  dueOn: z.string(),
  customerNo: z.string(),
  customerName: z.string().nullable().describe('masked'),
  details: z.record(z.string(), z.unknown()),
  amount: z
    .object({
      kind: z.enum(['maturing', 'policy_value', 'repayment', 'fund_holding', 'aum']),
      value: z.number(),
    })
    .nullable()
    .describe('what matters to the call: maturing balance, policy value, repayment due (CNY)'),
  status: z.enum(['open', 'done', 'dismissed']),
  closedAt: z.string().nullable(),
  dismissReason: z.string().nullable(),
  undoableUntil: z
    .string()
    .nullable()
    .describe('a dismissal: until when it can be undone (end of its business day)'),
});
const byKind = z.partialRecord(reminderKind, z.number().int());
export const reminderQuery = z.object({
  staffId: text().optional().describe('assigned to this staff member'),
  customerNo: text().optional(),
  kind: reminderKind.optional(),
  status: z.enum(['open', 'done', 'dismissed']).default('open'),
  dueFrom: daySchema.optional(),
  dueTo: daySchema.optional(),
  closedOn: daySchema.optional().describe("closed on this business day (e.g. today's dismissals, to undo)"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset,
});
export const reminderPage = z.object({ total: z.number().int(), items: z.array(reminder), byKind });
export const reminderPatch = z.object({
  status: z.enum(['done', 'dismissed']),
  reason: text().max(500).nullable().optional().describe('required when dismissing'),
});

export const staffQuery = z.object({
  staffId: text().optional().describe("default: the caller's staff id"),
  asOf: daySchema.optional(),
});
export const myDayQuery = staffQuery.extend({
  kind: reminderKind.optional().describe('reminders of this kind only'),
  dueFrom: daySchema.optional().describe('due on or after this day (both lists)'),
  dueTo: daySchema
    .optional()
    .describe(
      'due on or before this day (both lists; default: today for tasks, today + 7 days for reminders)',
    ),
  taskSource: z.enum(['manual', 'interaction', 'reminder', 'campaign', 'journey', 'activity']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(200).describe('page size of each list'),
  tasksOffset: offset,
  remindersOffset: offset,
});
export const myDay = z.object({
  asOf: z.string(),
  staffId: z.string(),
  tasks: z.array(task),
  tasksTotal: z.number().int(),
  reminders: z.array(reminder),
  remindersTotal: z.number().int(),
  remindersByKind: byKind,
});

const tierRow = z.object({ tier: z.string(), customers: z.number().int(), aum: z.number() });
export const kpis = z.object({
  asOf: z.string(),
  managerId: z.string().nullable(),
  scope: z
    .enum(['all', 'own', 'subtree', 'none'])
    .describe("the caller's data scope: without a manager the figures are of all of it"),
  customers: z.number().int(),
  aum: z.number(),
  tiers: z.array(tierRow),
  aumChange: z
    .object({
      from: z.object({ date: z.string(), aum: z.number() }),
      to: z.object({ date: z.string(), aum: z.number() }),
      change: z.number(),
      changeShare: z.number().nullable(),
    })
    .nullable(),
  contacted30d: z.number().int(),
  contactedRate: z.number(),
  definitions: z.record(z.string(), z.string()),
});

const coverageFigures = {
  poolSize: z.number().int(),
  contacted: z.number().int(),
  coverage: z.number(),
  outbound: z.number().int(),
  outboundPositive: z.number().int(),
  responseRate: z.number().nullable(),
};
export const coverage = z.object({
  asOf: z.string(),
  window: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  managers: z.array(
    z.object({
      managerId: z.string(),
      name: z.string(),
      orgUnitId: z.string(),
      branchId: z.string(),
      ...coverageFigures,
    }),
  ),
  branches: z.array(z.object({ branchId: z.string(), name: z.string(), ...coverageFigures })),
  definitions: z.record(z.string(), z.string()),
});
