import { z } from 'zod';
import { DashboardService } from '../../reports/dashboards.ts';
import type { Viewer } from '../../reports/model.ts';
import { ReportService } from '../../reports/reports.ts';
import { errorBody, requirePermission, rowId, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import type { FastifyRequest } from 'fastify';
import type { Permission } from '../../auth/principal.ts';
import * as s from './reports-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const idParams = z.object({ id: rowId });

// Reading a report or a dashboard needs only a role that may read customers (every role): what is shown is what its
// owner shared with the role. Running a card calls its analysis route, which applies that route's own permission and
// scope. Saving needs `analytics.read`.

function viewer(req: FastifyRequest, permission: Permission): Viewer {
  const principal = requirePermission(req, permission);
  return { actor: principal.actor, role: principal.role };
}

/** /v1/reports and /v1/dashboards: saved analyses and the dashboards (看板) composed of them. */
export function registerReportRoutes(api: ZodApi, ctx: RouteContext): void {
  const reports = new ReportService(ctx.stores.operational.db, s.DEFINITIONS);
  const dashboards = new DashboardService(ctx.stores.operational.db);
  const tags = ['reports'];

  api.get(
    '/v1/reports',
    {
      schema: {
        tags,
        summary:
          'Saved reports the caller may see (own, shared with their role), most recently changed first',
        response: { 200: z.object({ reports: z.array(s.report) }), ...errors },
      },
    },
    async (req) => ({ reports: await reports.list(viewer(req, 'customers.read')) }),
  );

  api.post(
    '/v1/reports',
    {
      schema: {
        tags,
        summary:
          "Saves an analysis's definition as a report (400 validation_failed locating a definition that would not run)",
        body: s.reportInput,
        response: { 200: s.report, ...errors },
      },
    },
    async (req) => unwrap(await reports.create(viewer(req, 'analytics.read'), req.body)),
  );

  api.get(
    '/v1/reports/:id',
    {
      schema: {
        tags,
        summary: 'One saved report (404 when it is not shared with the caller)',
        params: idParams,
        response: { 200: s.report, ...errors },
      },
    },
    async (req) => unwrap(await reports.get(viewer(req, 'customers.read'), req.params.id)),
  );

  api.put(
    '/v1/reports/:id',
    {
      schema: {
        tags,
        summary: "Replaces a report's name, definition and sharing (its owner or an administrator)",
        params: idParams,
        body: s.reportInput,
        response: { 200: s.report, ...errors },
      },
    },
    async (req) => unwrap(await reports.update(viewer(req, 'analytics.read'), req.params.id, req.body)),
  );

  api.delete(
    '/v1/reports/:id',
    {
      schema: {
        tags,
        summary: 'Deletes a report; its cards leave every dashboard',
        params: idParams,
        response: { 200: z.object({ id: z.number().int() }), ...errors },
      },
    },
    async (req) => unwrap(await reports.delete(viewer(req, 'analytics.read'), req.params.id)),
  );

  api.get(
    '/v1/dashboards',
    {
      schema: {
        tags,
        summary: 'Dashboards the caller may see, most recently changed first',
        response: { 200: z.object({ dashboards: z.array(s.dashboardSummary) }), ...errors },
      },
    },
    async (req) => ({ dashboards: await dashboards.list(viewer(req, 'customers.read')) }),
  );

  api.post(
    '/v1/dashboards',
    {
      schema: {
        tags,
        summary: 'Creates a dashboard of saved reports as cards',
        body: s.dashboardInput,
        response: { 200: s.dashboard, ...errors },
      },
    },
    async (req) => unwrap(await dashboards.create(viewer(req, 'analytics.read'), req.body)),
  );

  api.get(
    '/v1/dashboards/:id',
    {
      schema: {
        tags,
        summary:
          "A dashboard with its cards in order (a card's report is null when not shared with the caller)",
        params: idParams,
        response: { 200: s.dashboard, ...errors },
      },
    },
    async (req) => unwrap(await dashboards.get(viewer(req, 'customers.read'), req.params.id)),
  );

  api.put(
    '/v1/dashboards/:id',
    {
      schema: {
        tags,
        summary: "Replaces a dashboard's name, sharing and cards (its owner or an administrator)",
        params: idParams,
        body: s.dashboardInput,
        response: { 200: s.dashboard, ...errors },
      },
    },
    async (req) => unwrap(await dashboards.update(viewer(req, 'analytics.read'), req.params.id, req.body)),
  );

  api.delete(
    '/v1/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Deletes a dashboard (its reports stay)',
        params: idParams,
        response: { 200: z.object({ id: z.number().int() }), ...errors },
      },
    },
    async (req) => unwrap(await dashboards.delete(viewer(req, 'analytics.read'), req.params.id)),
  );
}
