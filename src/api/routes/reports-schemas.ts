import { z } from 'zod';
import { analysisInput } from './segment-schemas.ts';
import { driversInput } from './analytics-drivers-schemas.ts';
import { concentrationBody, rangeBody } from './analytics-lifecycle-schemas.ts';
import { USER_ROLES } from '../../auth/principal.ts';
import { funnelDefinitionSchema } from '../../analytics/funnels/definition.ts';
import { churnDefinitionSchema, retentionDefinitionSchema } from '../../analytics/retention/definition.ts';
import { CARD_SIZES, REPORT_KINDS, type DefinitionSchemas } from '../../reports/model.ts';
import { jsonObject, text } from '../../shared/text.ts';

// Saved reports and dashboards (src/reports). A report's definition is the request body of its kind's analysis
// route, checked with that route's own schema (DEFINITIONS) when it is saved.

/** Each kind's analysis request schema: the very schemas the analysis routes validate their bodies with. */
export const DEFINITIONS: DefinitionSchemas = {
  funnel: funnelDefinitionSchema,
  retention: retentionDefinitionSchema,
  churn: churnDefinitionSchema,
  lifecycle: rangeBody,
  drivers: driversInput,
  group: analysisInput,
  concentration: concentrationBody,
};

const role = z.enum(USER_ROLES);
const name = text().trim().min(1).max(200);
const sharedRoles = z
  .array(role)
  .max(USER_ROLES.length * 2)
  .default([])
  .describe('roles that may see it besides its owner (administrators see everything)');

export const reportKind = z
  .enum(REPORT_KINDS)
  .describe(
    'the analysis: funnel (/v1/analytics/funnel), retention, churn, lifecycle (/v1/analytics/lifecycle/*), drivers, ' +
      'group (/v1/segments/analysis), concentration',
  );

export const reportInput = z.object({
  name,
  kind: reportKind,
  definition: jsonObject().describe("the analysis route's request body (checked with that route's schema)"),
  sharedRoles,
});

export const report = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: reportKind,
  definition: z.unknown(),
  owner: z.string(),
  sharedRoles: z.array(role),
  createdAt: z.string(),
  updatedAt: z.string(),
  editable: z.boolean().describe('whether the caller may change or delete it (owner or administrator)'),
});

export const dashboardInput = z.object({
  name,
  sharedRoles,
  cards: z
    .array(
      z.strictObject({ reportId: z.number().int().positive().max(2_147_483_647), size: z.enum(CARD_SIZES) }),
    )
    .max(40)
    .describe('the cards in order, each a saved report the caller may see'),
});

const dashboardFields = {
  id: z.number().int(),
  name: z.string(),
  owner: z.string(),
  sharedRoles: z.array(role),
  createdAt: z.string(),
  updatedAt: z.string(),
  editable: z.boolean(),
};

export const dashboardSummary = z.object({ ...dashboardFields, cardCount: z.number().int() });

export const dashboard = z.object({
  ...dashboardFields,
  cards: z.array(
    z.object({
      reportId: z.number().int(),
      size: z.enum(CARD_SIZES),
      report: report.nullable().describe('null: the report is not shared with the caller'),
    }),
  ),
});
