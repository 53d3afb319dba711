import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { groupLift } from '../../analytics/experiments/groups.ts';
import { analyseExperiment } from '../../analytics/experiments/service.ts';
import { deleteExperiment, getExperiment, listExperiments } from '../../analytics/experiments/store.ts';
import { runImport } from '../../ingest/run.ts';
import { AppError } from '../../shared/errors.ts';
import { raise, errorBody, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import { segmentServiceOf } from './segment-service.ts';
import * as s from './analytics-experiments-schemas.ts';
import { experimentImportTarget } from '../../analytics/experiments/import.ts';

// Experiments and their lift (issue #5, src/analytics/experiments). Whole-bank figures: admin and analyst read
// (`analytics.read`); uploads and deletes change imported data (`ingest.write`) and are audited. Uploads run the same
// import as `flywheel import experiment` (mapping, validation, all-or-nothing, idempotent by unit key).

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

/** /v1/analytics/experiments…: list, get, lift, upload, delete; /v1/analytics/lift/groups. */
export function registerExperimentRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;

  api.get(
    '/v1/analytics/experiments',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Every imported experiment with its arms and unit counts, most recently changed first',
        response: { 200: z.object({ experiments: z.array(s.experimentItem) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { experiments: await listExperiments(db) };
    },
  );

  api.get(
    '/v1/analytics/experiments/:id',
    {
      schema: {
        tags: ['analytics'],
        summary: 'One experiment',
        params: s.experimentId,
        response: { 200: s.experimentItem, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const item = await getExperiment(db, req.params.id);
      if (!item) throw new AppError('not_found', `no experiment ${req.params.id}`);
      return item;
    },
  );

  api.get(
    '/v1/analytics/experiments/:id/lift',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Lift of each arm against the control per metric: rates (Wald and log-ratio CIs, z test) or means ' +
          '(Welch), MDE and power, sample-ratio check. 400 with details.reason one_arm / unknown_control_arm / unknown_metric',
        params: s.experimentId,
        querystring: s.liftQuery,
        response: { 200: s.liftAnalysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { metric, confidence, control } = req.query;
      const result = await analyseExperiment(db, req.params.id, {
        confidence,
        ...(metric ? { metric } : {}),
        ...(control ? { control } : {}),
      });
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.post(
    '/v1/analytics/lift/groups',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Lift between two customer groups (populations) on a binary outcome (a rule) or a numeric attribute (its mean); ' +
          '400 with details.reason invalid_rule / empty_group / unknown_attribute',
        body: s.groupLiftBody,
        response: { 200: s.groupLift, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { treatment, control, outcome, asOf, confidence } = req.body;
      const result = await groupLift(segmentServiceOf(ctx), {
        treatment,
        control,
        outcome,
        ...(asOf ? { asOf } : {}),
        ...(confidence ? { confidence } : {}),
      });
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.post(
    '/v1/analytics/experiments',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Import an experiment from CSV with a mapping: JSON { csv, mapping } or text/csv with ?mapping=<JSON>; ' +
          'all or nothing unless allowPartial (422 import_rejected with the first rejected rows); re-importing changes nothing',
        querystring: s.uploadQuery,
        body: s.uploadBody,
        response: { 201: s.importResult, ...errors, 413: errorBody, 422: errorBody },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'ingest.write');
      const upload = uploadOf(req.body, req.query);
      const dir = await mkdtemp(join(tmpdir(), 'flywheel-experiment-'));
      try {
        const file = join(dir, 'upload.csv');
        await writeFile(file, upload.csv);
        const result = await runImport(
          {
            kind: 'experiment',
            file,
            mapping: { value: upload.mapping },
            allowPartial: upload.allowPartial,
            errorsFile: join(dir, 'errors.csv'),
            actor: principal.actor,
            experiment: upload.overrides,
          },
          {
            operational: ctx.stores.operational,
            clock: ctx.clock,
            logger: ctx.logger,
            targets: { experiment: experimentImportTarget },
          },
        );
        if (!result.ok) return raise(result.error);
        const r = result.value;
        if (r.status === 'rejected' || !r.experiment)
          throw new AppError(
            'import_rejected',
            `${r.rejected} row(s) rejected, nothing was written (fix them, or upload with allowPartial)`,
            { rejected: r.rejected, read: r.read, firstErrors: r.firstErrors },
          );
        const {
          runId,
          status,
          read,
          inserted,
          updated,
          unchanged,
          rejected,
          skipped,
          firstErrors,
          elapsedMs,
        } = r;
        return reply.code(201).send({
          runId,
          status,
          experiment: r.experiment,
          read,
          inserted,
          updated,
          unchanged,
          rejected,
          skipped,
          firstErrors: [...firstErrors],
          elapsedMs,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  api.delete(
    '/v1/analytics/experiments/:id',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Delete an experiment and its units (audited)',
        params: s.experimentId,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'ingest.write');
      if (!(await deleteExperiment(db, req.params.id, principal.actor)))
        throw new AppError('not_found', `no experiment ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
}

/** The CSV, mapping and options of an upload, from a JSON body or a text/csv body with the mapping in the query. */
function uploadOf(
  body: z.infer<typeof s.uploadBody>,
  query: z.infer<typeof s.uploadQuery>,
): {
  csv: string;
  mapping: unknown;
  allowPartial: boolean;
  overrides: { id?: string; name?: string; control?: string };
} {
  const source = typeof body === 'string' ? query : body;
  const overrides = {
    ...(source.experimentId ? { id: source.experimentId } : {}),
    ...(source.experimentName ? { name: source.experimentName } : {}),
    ...(source.control ? { control: source.control } : {}),
  };
  if (typeof body !== 'string')
    return { csv: body.csv, mapping: body.mapping, allowPartial: body.allowPartial === true, overrides };
  if (!query.mapping)
    throw new AppError(
      'validation_failed',
      'a text/csv upload needs the mapping JSON in the query parameter "mapping"',
    );
  let mapping: unknown;
  try {
    mapping = JSON.parse(query.mapping);
  } catch (error) {
    throw new AppError('validation_failed', `mapping is not valid JSON: ${(error as Error).message}`);
  }
  return { csv: body, mapping, allowPartial: query.allowPartial === 'true', overrides };
}
