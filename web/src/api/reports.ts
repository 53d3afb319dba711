import { client, ok } from './client.ts';
import type { Answer, Body } from './types.ts';

// Saved reports and dashboards (src/api/routes/reports.ts).

export type Report = Answer<'get', '/v1/reports/{id}'>;
export type ReportKind = Report['kind'];
export type ReportInput = Body<'post', '/v1/reports'>;
export type Dashboard = Answer<'get', '/v1/dashboards/{id}'>;
export type DashboardSummary = Answer<'get', '/v1/dashboards'>['dashboards'][number];
export type DashboardInput = Body<'post', '/v1/dashboards'>;
export type DashboardCard = Dashboard['cards'][number];
export type CardSize = DashboardCard['size'];

const path = (id: number) => ({ params: { path: { id } } });

export const reportsApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/reports', { signal })),
  get: (id: number, signal?: AbortSignal) => ok(client.GET('/v1/reports/{id}', { ...path(id), signal })),
  create: (body: ReportInput) => ok(client.POST('/v1/reports', { body })),
  update: (id: number, body: ReportInput) => ok(client.PUT('/v1/reports/{id}', { ...path(id), body })),
  remove: (id: number) => ok(client.DELETE('/v1/reports/{id}', path(id))),
  dashboards: (signal?: AbortSignal) => ok(client.GET('/v1/dashboards', { signal })),
  dashboard: (id: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/dashboards/{id}', { ...path(id), signal })),
  createDashboard: (body: DashboardInput) => ok(client.POST('/v1/dashboards', { body })),
  updateDashboard: (id: number, body: DashboardInput) =>
    ok(client.PUT('/v1/dashboards/{id}', { ...path(id), body })),
  removeDashboard: (id: number) => ok(client.DELETE('/v1/dashboards/{id}', path(id))),
};
