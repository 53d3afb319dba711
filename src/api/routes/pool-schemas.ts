import { z } from 'zod';
import { Bilingual, limit, page, Tier } from '../../contracts/common.ts';
import { daySchema } from '../../shared/day.ts';
import { text } from '../../shared/text.ts';

// Request and response shapes of the customer-pool routes (pool-*.ts). Responses are declared in full: the
// serializer drops any field not listed, so no unlisted (possibly personal) field can leave by accident. Request
// strings are `text()` and days `daySchema` (src/shared), so input the store cannot hold is refused with its field.

export const tier = Tier;
const staffRole = z.enum(['account_manager', 'branch_head', 'analyst', 'admin', 'other']);
const ts = z.string().nullable().describe('ISO timestamp');

export const orgNode: z.ZodType<OrgNodeShape> = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['head_office', 'branch', 'sub_branch']),
    parentId: z.string().nullable(),
    children: z.array(orgNode),
  }),
);
interface OrgNodeShape {
  id: string;
  name: string;
  kind: 'head_office' | 'branch' | 'sub_branch';
  parentId: string | null;
  children: OrgNodeShape[];
}

export const staffMember = z.object({
  id: z.string(),
  name: z.string(),
  orgUnitId: z.string(),
  role: staffRole,
  status: z.enum(['active', 'departed']),
  poolCapacity: z.number().int(),
  poolSize: z.number().int(),
  phone: z.string().nullable().describe('masked unless the caller holds pool.manage'),
  email: z.string().nullable().describe('masked unless the caller holds pool.manage'),
  joinedOn: z.string().nullable(),
  departedOn: z.string().nullable(),
});
export const staffId = z.object({ id: text().min(1).max(64) });
export const staffInput = z.object({
  id: text().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'id: 1-64 letters, digits, _ . -'),
  name: text().min(1).max(100),
  orgUnitId: text().min(1),
  role: staffRole,
  poolCapacity: z.number().int().min(0).max(1_000_000).optional(),
  phone: text().max(32).nullable().optional(),
  email: text().max(200).nullable().optional(),
  joinedOn: daySchema.nullable().optional(),
});
export const staffPatch = z.object({
  name: text().min(1).max(100).optional(),
  orgUnitId: text().min(1).optional(),
  role: staffRole.optional(),
  status: z.enum(['active', 'departed']).optional(),
  poolCapacity: z.number().int().min(0).max(1_000_000).optional(),
  phone: text().max(32).nullable().optional(),
  email: text().max(200).nullable().optional(),
  departedOn: daySchema.nullable().optional(),
});

export const customerNoParam = z.object({ customerNo: text().min(1).max(64) });
export const customerListQuery = z.object({
  managerId: text().optional(),
  tier: text().optional().describe('comma-separated tiers, e.g. gold,platinum'),
  orgUnitId: text().optional().describe('this unit and the units below it'),
  q: text().max(64).optional().describe('customer number (exact or prefix) or a masked name (张** or 张)'),
  sort: z.enum(['aum', 'customer_no', 'last_contact', 'owner_since']).default('aum'),
  order: z.enum(['asc', 'desc']).optional(),
  ...page,
});
export const customerItem = z.object({
  customerNo: z.string(),
  name: z.string().nullable().describe('masked'),
  tier: tier.nullable(),
  aum: z.number(),
  orgUnitId: z.string().nullable(),
  managerId: z.string().nullable(),
  ownerSince: ts,
  handoverStatus: z.enum(['waiting', 'done', 'refused', 'taker_at_limit']).nullable(),
  lastContactAt: ts,
  wecomFriend: z.boolean(),
  tags: z
    .array(
      z.object({
        key: z.string(),
        name: Bilingual,
        category: z.string(),
        value: z.string(),
        label: Bilingual,
      }),
    )
    .describe("the customer's tag values on the latest snapshot day, in catalogue order"),
});
export const customerPage = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(customerItem),
});

const pii = z.object({
  name: z.string().nullable(),
  phone: z.string().nullable(),
  id_number: z.string().nullable(),
  email: z.string().nullable(),
  birth_date: z.string().nullable(),
});
export const profile = z.object({
  customerNo: z.string(),
  pii: pii.describe('masked unless listed in revealed'),
  revealed: z.array(z.string()),
  gender: z.enum(['M', 'F', 'U']).nullable(),
  city: z.string().nullable(),
  occupation: z.string().nullable(),
  orgUnit: z.object({ id: z.string(), name: z.string() }).nullable(),
  riskLevel: z.number().nullable(),
  customerSince: z.string().nullable(),
  aum: z.number(),
  tier: tier.nullable(),
  payroll: z.boolean(),
  appUser: z.boolean(),
  wecomFriend: z.boolean(),
  lifecycleStage: z.string().nullable(),
  engagement: z.string().nullable(),
  owner: z
    .object({
      managerId: z.string(),
      name: z.string(),
      since: ts,
      source: z.string(),
      handoverStatus: z.string().nullable(),
    })
    .nullable(),
  assistants: z.array(z.object({ staffId: z.string(), name: z.string() })),
  holdings: z.array(
    z.object({
      accountNo: z.string().describe('masked: last 4 digits'),
      productId: z.string(),
      productName: z.string(),
      category: z.string(),
      balance: z.number(),
      openedOn: z.string(),
      maturityDate: z.string().nullable(),
      nextDueDate: z.string().nullable(),
      status: z.enum(['active', 'closed']),
    }),
  ),
  consents: z.array(
    z.object({
      channel: z.string(),
      purpose: z.enum(['marketing', 'service']),
      status: z.enum(['granted', 'revoked']),
      updatedAt: ts,
    }),
  ),
  openTasks: z.number().int(),
  openReminders: z.array(z.object({ id: z.number().int(), kind: z.string(), dueOn: z.string() })),
  lastContactAt: ts,
  ownershipHistory: z.array(
    z.object({
      kind: z.string(),
      from: z.string().nullable(),
      fromName: z.string().nullable().describe("the previous owner's name"),
      to: z.string().nullable(),
      toName: z.string().nullable().describe("the new owner's name"),
      reason: z.string().nullable(),
      reasonCode: z
        .enum(['adopted_from_attribute'])
        .nullable()
        .describe("a system reason: the owner was taken from the customer's account manager attribute"),
      jobId: z.number().int().nullable(),
      at: ts,
    }),
  ),
});

export const timelineQuery = z.object({
  limit: limit(200, 50),
  before: text().optional().describe('the nextCursor of the previous page'),
  sources: text()
    .optional()
    .describe('comma-separated: interaction,event,holding,ownership,consent,task,wecom'),
});
export const timelinePage = z.object({
  items: z.array(
    z.object({
      at: z.string(),
      source: z.string(),
      kind: z.string(),
      title: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
  sources: z.array(z.object({ source: z.string(), available: z.boolean() })),
});

export const assignBody = z.union([
  z.object({
    items: z
      .array(z.object({ customerNo: text().min(1), managerId: text().min(1).nullable() }))
      .min(1)
      .max(10_000),
    reason: text().max(500).nullable().optional(),
  }),
  z.object({ byRules: z.literal(true), limit: z.number().int().min(1).max(100_000).optional() }),
]);
export const assignResponse = z.object({
  results: z.array(
    z.object({
      customerNo: z.string(),
      status: z.string(),
      from: z.string().nullable().optional(),
      to: z.string().nullable().optional(),
      managerId: z.string().nullable().optional(),
      ruleId: z.number().int().nullable().optional(),
    }),
  ),
  counts: z.record(z.string(), z.number().int()),
});

export const unassignedPage = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(
    z.object({
      customerNo: z.string(),
      name: z.string().nullable(),
      tier: tier.nullable(),
      aum: z.number(),
      orgUnitId: z.string().nullable(),
      reason: z.enum(['no_owner', 'owner_departed']),
      formerManagerId: z.string().nullable(),
    }),
  ),
});

export const rule = z.object({
  id: z.number().int(),
  orgUnitId: z.string(),
  tier: tier.nullable(),
  managerIds: z.array(z.string()),
  nextIndex: z.number().int(),
});
export const ruleInput = z.object({
  orgUnitId: text().min(1),
  tier: tier.nullable().default(null),
  managerIds: z.array(text().min(1)).min(1).max(500),
});
