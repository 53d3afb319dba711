import { z } from 'zod';
import { getHandoverJob } from '../../pool/handover/jobs.ts';
import { AppError } from '../../shared/errors.ts';
import { listTransfers } from '../../wecom/transfer-list.ts';
import { retryTransfer } from '../../wecom/transfer-retry.ts';
import { rowId, type RouteContext, type ZodApi } from '../http.ts';
import { errors, scoped } from './pool-common.ts';
import { page } from '../../contracts/common.ts';

const TRANSFER_STATES = [
  'planned',
  'requested',
  'waiting',
  'done',
  'refused',
  'taker_at_limit',
  'failed',
] as const;
const transferState = z.enum(TRANSFER_STATES);

const transfer = z.object({
  customerNo: z.string(),
  name: z.string().nullable().describe('masked'),
  giverId: z.string(),
  takerId: z.string(),
  takerName: z.string().nullable(),
  state: transferState,
  reason: z.string().nullable().describe('why it ended without success, in the bank’s words'),
  errcode: z.number().int().nullable().describe("WeCom's per-customer errcode of the last request"),
  attempts: z.number().int(),
  retriedFrom: z.string().nullable().describe('the taker before a retry'),
  requestedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const RETRY_ERRORS = {
  not_found: ['not_found', 'no WeCom transfer of that customer in this job'],
  not_retryable: ['conflict', 'only a refused, failed or taker-at-limit transfer can be retried'],
  taker_not_found: ['not_found', 'no such account manager in your scope'],
  taker_departed: ['conflict', 'that account manager has left'],
  taker_at_limit: ['conflict', "that account manager's pool is full"],
  same_taker: ['conflict', 'choose a taker other than the giver and the current taker'],
} as const;

/** /v1/handovers/{id}/wecom: a handover's WeCom transfers, and the retry of a refused customer with another taker. */
export function registerHandoverWecomRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;

  api.get(
    '/v1/handovers/:id/wecom',
    {
      schema: {
        tags: ['pool', 'wecom'],
        summary:
          "A handover's WeCom transfers: customers per state and a page of them, those needing a person first",
        params: z.object({ id: rowId }),
        querystring: z.object({ state: transferState.optional(), ...page }),
        response: {
          200: z.object({
            states: z.partialRecord(transferState, z.number().int()),
            total: z.number().int(),
            items: z.array(transfer),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'handover.run');
      const job = await getHandoverJob(db, scope, req.params.id);
      if (!job) throw new AppError('not_found', `no handover job ${req.params.id}`);
      return listTransfers(db, job.id, {
        state: req.query.state,
        limit: req.query.limit,
        offset: req.query.offset,
      });
    },
  );

  api.post(
    '/v1/handovers/:id/wecom/retry',
    {
      schema: {
        tags: ['pool', 'wecom'],
        summary:
          'Gives a customer whose WeCom transfer was refused (or failed) to another taker and plans the transfer again',
        params: z.object({ id: rowId }),
        body: z.strictObject({
          customerNo: z.string().min(1).max(64),
          takerId: z.string().min(1).max(64),
        }),
        response: {
          200: z.object({ customerNo: z.string(), from: z.string(), to: z.string() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'handover.run');
      const job = await getHandoverJob(db, who.scope, req.params.id);
      if (!job) throw new AppError('not_found', `no handover job ${req.params.id}`);
      const result = await retryTransfer({ db, clock: ctx.clock }, who, {
        jobId: job.id,
        customerNo: req.body.customerNo,
        takerId: req.body.takerId,
      });
      if (result.ok) return result.value;
      const [code, message] = RETRY_ERRORS[result.error];
      throw new AppError(code, message, { reason: result.error });
    },
  );
}
