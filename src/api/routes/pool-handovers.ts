import { z } from 'zod';
import {
  cancelHandoverJob,
  createHandoverJob,
  getHandoverJob,
  handoverItems,
  listHandoverJobs,
  previewHandover,
} from '../../pool/handover/jobs.ts';
import { handoverSheetCsv } from '../../pool/handover/records.ts';
import type { HandoverRunner } from '../../pool/handover/runner.ts';
import { recordAudit } from '../../audit/audit.ts';
import { AppError } from '../../shared/errors.ts';
import { raise, rowId, type RouteContext, type ZodApi } from '../http.ts';
import * as h from './handover-schemas.ts';
import { errors, scoped } from './pool-common.ts';
import { page } from '../../contracts/common.ts';

const jobId = z.object({ id: rowId });

/** /v1/handovers: preview, start (a resumable background job), progress with per-customer results, cancel. */
export function registerHandoverRoutes(api: ZodApi, ctx: RouteContext, runner: HandoverRunner): void {
  const deps = { db: ctx.stores.operational.db, clock: ctx.clock };

  api.post(
    '/v1/handovers/preview',
    {
      schema: {
        tags: ['pool'],
        summary: 'What a handover would do now: customers and AUM per taker, refusals foreseen',
        body: h.handoverRequest,
        response: { 200: h.preview, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'handover.run');
      const result = await previewHandover(deps, scope, req.body);
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.post(
    '/v1/handovers',
    {
      schema: {
        tags: ['pool'],
        summary: 'Write the plan and start the handover job (runs in the background, resumes after a crash)',
        body: h.handoverRequest,
        response: { 201: z.object({ job: h.job, preview: h.preview }), ...errors },
      },
    },
    async (req, reply) => {
      const who = await scoped(req, ctx, 'handover.run');
      const result = await createHandoverJob(deps, who, req.body);
      if (!result.ok) raise(result.error);
      void runner.run(result.value.job.id);
      return reply.code(201).send(result.value);
    },
  );

  api.get(
    '/v1/handovers',
    {
      schema: {
        tags: ['pool'],
        querystring: z.object({ status: z.enum(['running', 'done', 'cancelled']).optional(), ...page }),
        response: { 200: z.object({ jobs: z.array(h.job) }), ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'handover.run');
      return { jobs: await listHandoverJobs(deps.db, scope, req.query) };
    },
  );

  api.get(
    '/v1/handovers/:id',
    {
      schema: {
        tags: ['pool'],
        summary: 'Progress, per-taker totals and a page of per-customer results',
        params: jobId,
        querystring: z.object({
          status: z.enum(['pending', 'moved', 'refused', 'skipped']).optional(),
          ...page,
        }),
        response: { 200: z.object({ job: h.jobDetail, items: h.jobItems }), ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'handover.run');
      const job = await getHandoverJob(deps.db, scope, req.params.id);
      if (!job) throw new AppError('not_found', `no handover job ${req.params.id}`);
      const items = await handoverItems(deps.db, job.id, req.query);
      return { job, items: { ...items, limit: req.query.limit, offset: req.query.offset } };
    },
  );

  api.get(
    '/v1/handovers/:id/export',
    {
      schema: {
        tags: ['pool'],
        summary:
          "A job's whole customer list as CSV for sign-off: rows numbered from 1, staff by name, names masked (audited)",
        params: jobId,
        querystring: z.object({ lang: z.enum(['en-US', 'zh-CN']).default('en-US') }),
        response: errors, // 200 is text/csv, outside the JSON schemas
      },
    },
    async (req, reply) => {
      const { scope, actor } = await scoped(req, ctx, 'handover.run');
      const job = await getHandoverJob(deps.db, scope, req.params.id);
      if (!job) throw new AppError('not_found', `no handover job ${req.params.id}`);
      const sheet = await handoverSheetCsv(deps.db, job, req.query.lang);
      await recordAudit(deps.db, {
        actor,
        action: 'handover.export',
        entityType: 'handover_job',
        entityId: String(job.id),
        details: { rows: sheet.rows, lang: req.query.lang },
      });
      return reply
        .header('content-disposition', `attachment; filename="handover-${job.id}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(sheet.csv as never); // text, not the JSON the error schemas describe
    },
  );

  api.post(
    '/v1/handovers/:id/cancel',
    {
      schema: { tags: ['pool'], params: jobId, response: { 200: h.job, ...errors } },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'handover.run');
      const result = await cancelHandoverJob(deps, who, req.params.id);
      return result.ok ? result.value : raise(result.error);
    },
  );
}
