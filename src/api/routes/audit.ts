import { Readable } from 'node:stream';
import type { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { AUDIT_EXPORT_MAX_ROWS, exportAuditCsv, searchAudit, type AuditFilter } from '../../audit/search.ts';
import type { BusinessCalendar } from '../../shared/clock.ts';
import { addDays, isDay } from '../../shared/day.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, requirePermission, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './accounts-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

/** The audit-log viewer and its CSV export (audit.read). */
export function registerAuditRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;

  api.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit records, newest first, filtered by actor, action, customer and period',
        querystring: s.auditQuery,
        response: { 200: s.auditPage, ...errors },
      },
    },
    async (req) => {
      requirePermission(req, 'audit.read');
      const { limit, before, ...filters } = req.query;
      const page = await searchAudit(db, auditFilter(filters, ctx.clock), {
        limit,
        ...(before ? { before } : {}),
      });
      return { items: page.items.map((r) => ({ ...r, at: r.at.toISOString() })), next: page.next };
    },
  );

  api.get(
    '/v1/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: `The filtered audit log as CSV, newest first (at most ${AUDIT_EXPORT_MAX_ROWS} rows); itself audited`,
        querystring: s.auditFilters,
        response: errors,
      },
    },
    async (req, reply) => {
      const principal = requirePermission(req, 'audit.read');
      const result = await exportAuditCsv(db, auditFilter(req.query, ctx.clock));
      if ('tooMany' in result)
        throw new AppError(
          'bad_request',
          `more than ${AUDIT_EXPORT_MAX_ROWS} records match: narrow the period or the filters`,
          { reason: 'too_many_rows', limit: AUDIT_EXPORT_MAX_ROWS },
        );
      // Recorded before any line leaves, so even an interrupted download is on record.
      await recordAudit(db, {
        actor: principal.actor,
        action: 'audit.export',
        entityType: 'audit_log',
        details: { filters: req.query, rows: result.rows },
        at: ctx.clock.now(),
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .header('x-rows', String(result.rows))
        .send(Readable.from(result.csv) as never); // a stream is piped as it is: no schema applies to it
    },
  );
}

/**
 * The filter of a query: a day as `from` starts at the start of that business day (the bank's midnight), a day as
 * `to` includes the whole business day; an instant is taken as it is.
 */
function auditFilter(query: z.output<typeof s.auditFilters>, calendar: BusinessCalendar): AuditFilter {
  const from = query.from
    ? isDay(query.from)
      ? calendar.startOf(query.from)
      : new Date(query.from)
    : undefined;
  const to = query.to
    ? isDay(query.to)
      ? calendar.startOf(addDays(query.to, 1))
      : new Date(query.to)
    : undefined;
  if (from && to && from >= to)
    throw new AppError('validation_failed', 'invalid querystring: /to must be after /from', [
      { path: '/to', message: 'must be after from' },
    ]);
  return {
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.customer ? { customer: query.customer } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}
