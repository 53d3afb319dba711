import { z } from 'zod';
import { page, Tier } from '../../contracts/common.ts';
import type { CustomerFilter } from '../../pool/customer-filter.ts';
import { daySchema } from '../../shared/day.ts';
import { err, ok, validationFailed, type Failure, type Result } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import { customerItem } from './pool-schemas.ts';

// The customers list's filter, page and bulk actions (src/pool/customer-list.ts, bulk.ts). The filter is one shape of
// query strings, taken by GET /v1/customers and its export as the query and by the bulk action as `target.filter`,
// so the dashboard sends back exactly the filter it shows.

const csv = (what: string) => text().max(2000).optional().describe(`comma-separated ${what}`);

/** The filter of the customers list, as query parameters. */
export const customerFilterQuery = z.object({
  q: text()
    .max(64)
    .optional()
    .describe(
      'customer number (exact or prefix), masked phone (138****1234 or its last 4 digits) or masked name (张** or 张)',
    ),
  tier: csv('tiers, e.g. gold,platinum'),
  stage: csv('lifecycle stages (values of the lifecycle_stage tag)'),
  managerId: text().max(64).optional().describe('owned by this account manager'),
  orgUnitId: text().max(64).optional().describe('this unit and the units below it'),
  tag: text().max(256).optional().describe('a tag key; with tagValue'),
  tagValue: csv('values of `tag` (any of them)'),
  segmentId: text().max(64).optional().describe('members of a saved customer group'),
  listId: text().max(64).optional().describe('members of a customer list'),
});
export type CustomerFilterQuery = z.infer<typeof customerFilterQuery>;

const sortQuery = {
  sort: z.enum(['aum', 'customer_no', 'last_contact', 'owner_since']).default('aum'),
  order: z.enum(['asc', 'desc']).optional(),
};
export const customerListQuery = customerFilterQuery.extend({ ...sortQuery, ...page });
export const customerExportQuery = customerFilterQuery.extend(sortQuery).extend({
  lang: z
    .enum(['zh', 'en'])
    .optional()
    .describe('header row by display name in this language; column keys without it'),
});

function split(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length > 0 ? parts : undefined;
}

/** The query's filter, or a located refusal (an unknown tier, a tag without values or values without a tag). */
export function parseFilter(
  query: CustomerFilterQuery,
  at: readonly string[] = [],
): Result<CustomerFilter, Failure> {
  const tiers = split(query.tier);
  const bad = tiers?.filter((t) => !Tier.options.includes(t as Tier)) ?? [];
  if (bad.length > 0)
    return err(
      validationFailed(`tier: unknown tier ${bad.join(', ')}`, [
        {
          path: [...at, 'tier'],
          message: `unknown tier: ${bad.join(', ')} (known: ${Tier.options.join(', ')})`,
        },
      ]),
    );
  const values = split(query.tagValue);
  if ((query.tag === undefined) !== (values === undefined)) {
    const field = query.tag === undefined ? 'tag' : 'tagValue';
    return err(
      validationFailed(`${field}: tag and tagValue go together`, [
        { path: [...at, field], message: 'a tag filter needs both the tag and at least one value' },
      ]),
    );
  }
  const stages = split(query.stage);
  return ok({
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(tiers ? { tiers: tiers as Tier[] } : {}),
    ...(stages ? { stages } : {}),
    ...(query.managerId !== undefined ? { managerId: query.managerId } : {}),
    ...(query.orgUnitId !== undefined ? { orgUnitId: query.orgUnitId } : {}),
    ...(query.tag !== undefined && values ? { tag: { key: query.tag, values } } : {}),
    ...(query.segmentId !== undefined ? { segmentId: query.segmentId } : {}),
    ...(query.listId !== undefined ? { listId: query.listId } : {}),
  });
}

export const browseItem = customerItem.extend({
  phone: z.string().nullable().describe('masked: 138****1234'),
  managerName: z.string().nullable(),
  orgUnitName: z.string().nullable(),
});
export const browsePage = z.object({
  total: z.number().int().describe('exact: every customer the filter selects in your scope'),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(browseItem),
});

export const bulkBody = z.object({
  target: z.union([
    z.strictObject({
      customerNos: z.array(text().min(1).max(64)).min(1).max(10_000).describe('picked rows'),
    }),
    z.strictObject({ filter: customerFilterQuery.describe('everyone the filter selects in your scope') }),
  ]),
  action: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('assign'),
      managerId: text().min(1).max(64).nullable().describe('null unassigns'),
      reason: text().max(500).nullable().optional(),
    }),
    z.strictObject({
      kind: z.literal('task'),
      title: text().min(1).max(200),
      notes: text().max(2000).nullable().optional(),
      dueOn: daySchema.nullable().optional(),
      assigneeId: text().min(1).max(64).optional().describe('default: yourself, else each customer’s owner'),
    }),
    z.strictObject({ kind: z.literal('list'), name: text().min(1).max(200) }),
  ]),
});
export const bulkOutcome = z.object({
  action: z.enum(['assign', 'task', 'list']),
  matched: z.number().int(),
  done: z.number().int(),
  refused: z.number().int(),
  reasons: z.record(z.string(), z.number().int()).describe('refusals by reason'),
  refusedCustomers: z
    .array(z.object({ customerNo: z.string(), reason: z.string() }))
    .describe('the first 100 refused'),
  listId: z.string().optional().describe('the list a `list` action created'),
});
