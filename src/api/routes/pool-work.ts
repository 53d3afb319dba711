import { z } from 'zod';
import { contactRestrictions } from '../../campaigns/policy/restrictions.ts';
import { contactCoverage } from '../../pool/coverage.ts';
import { listCustomers } from '../../pool/customers.ts';
import { logInteractions } from '../../pool/interactions.ts';
import { listReminders } from '../../pool/reminder-list.ts';
import { closeReminder, generateReminders, undoDismissal } from '../../pool/reminders.ts';
import { staffInScope, type DataScope } from '../../pool/scope.ts';
import { createTask, getTask, listTasks, updateTask } from '../../pool/tasks.ts';
import { myDay, poolKpis } from '../../pool/workbench.ts';
import type { Principal } from '../../auth/principal.ts';
import { daySchema } from '../../shared/day.ts';
import { AppError } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import { raise, type RouteContext, type ZodApi } from '../http.ts';
import { countBy, errors, scoped, withTags } from './pool-common.ts';
import { parseTiers } from './pool-customers.ts';
import * as p from './pool-schemas.ts';
import * as w from './work-schemas.ts';

/** Interactions, tasks, reminders, the workbench (my day, my pool, KPIs) and contact coverage. */
export function registerPoolWorkRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };
  const today = () => ctx.clock.today();

  /** The staff member a workbench view is about: the caller's own, or one in their scope (404 otherwise). */
  const staffFor = async (principal: Principal, scope: DataScope, asked?: string) => {
    const staffId = asked ?? principal.staffId;
    if (!staffId) throw new AppError('validation_failed', 'staffId: required (your account has no staff id)');
    if (!(await staffInScope(db, scope, staffId))) throw new AppError('not_found', `no staff ${staffId}`);
    return staffId;
  };

  api.post(
    '/v1/interactions',
    {
      schema: {
        tags: ['pool'],
        summary: 'Log one contact, or a batch ({items}, at most 1,000) with a verdict per row',
        body: w.interactionBody,
        response: { 200: w.interactionResponse, 201: w.interactionResult, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope, actor } = await scoped(req, ctx, 'customers.write');
      const batch = 'items' in req.body;
      const items = 'items' in req.body ? req.body.items : [req.body];
      const results = await logInteractions(
        { ...deps, restrictions: contactRestrictions },
        { actor, scope, staffId: principal.staffId, ownContactsOnly: principal.role === 'account_manager' },
        items,
      );
      if (batch) return { results, counts: countBy(results) };
      const one = results[0]!;
      if (one.status === 'rejected') {
        const { warning, ...error } = one.error;
        raise({
          ...error,
          details: { field: error.field, ...(warning ? { reason: 'consent_withdrawn', warning } : {}) },
        });
      }
      return reply.code(one.status === 'created' ? 201 : 200).send(one);
    },
  );

  api.get(
    '/v1/pool/coverage',
    {
      schema: {
        tags: ['pool'],
        summary:
          "Share of each manager's pool contacted in the window, and the response to outbound contacts",
        querystring: z.object({
          asOf: daySchema.optional(),
          days: z.coerce.number().int().min(1).max(366).default(30),
        }),
        response: { 200: w.coverage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      return contactCoverage(db, scope, {
        asOf: req.query.asOf ?? today(),
        days: req.query.days,
        calendar: ctx.clock,
      });
    },
  );

  api.get(
    '/v1/workbench/my-day',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Open tasks due by today and reminders due within 7 days (overdue included), filtered and paged',
        querystring: w.myDayQuery,
        response: { 200: w.myDay, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = await scoped(req, ctx, 'customers.read');
      const { staffId: asked, asOf, ...filters } = req.query;
      const staffId = await staffFor(principal, scope, asked);
      return myDay(deps, scope, { ...filters, staffId, asOf: asOf ?? today() });
    },
  );

  api.get(
    '/v1/workbench/my-pool',
    {
      schema: {
        tags: ['pool'],
        summary: "A manager's own customers with filters, sorting and paging (names masked)",
        querystring: p.customerListQuery.omit({ managerId: true }).extend({ staffId: text().optional() }),
        response: { 200: p.customerPage, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = await scoped(req, ctx, 'customers.read');
      const { staffId: asked, tier, ...rest } = req.query;
      const staffId = await staffFor(principal, scope, asked);
      return withTags(
        ctx,
        await listCustomers(db, scope, { ...rest, tiers: parseTiers(tier), managerId: staffId }),
      );
    },
  );

  api.get(
    '/v1/workbench/kpis',
    {
      schema: {
        tags: ['pool'],
        summary:
          "Pool KPIs: customers, AUM and its 30-day change, tier mix, contacted rate (a manager's pool, else the scope)",
        querystring: w.staffQuery,
        response: { 200: w.kpis, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = await scoped(req, ctx, 'customers.read');
      // An account manager's KPIs default to their own pool; a branch head's (who owns no pool) to their branch.
      const own = principal.role === 'account_manager' ? principal.staffId : null;
      const managerId = req.query.staffId || own ? await staffFor(principal, scope, req.query.staffId) : null;
      const kpis = await poolKpis({ db, events: ctx.stores.events }, scope, {
        asOf: req.query.asOf ?? today(),
        managerId,
        calendar: ctx.clock,
      });
      // Which population the figures are of, so the dashboard labels them (a pool, a branch, the whole bank).
      return { ...kpis, scope: scope.kind };
    },
  );

  api.get(
    '/v1/tasks',
    {
      schema: {
        tags: ['pool'],
        querystring: w.taskQuery,
        response: { 200: z.object({ total: z.number().int(), items: z.array(w.task) }), ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      return listTasks(db, scope, req.query);
    },
  );

  api.get(
    '/v1/tasks/:id',
    { schema: { tags: ['pool'], params: w.taskId, response: { 200: w.task, ...errors } } },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const task = await getTask(db, scope, req.params.id);
      if (!task) throw new AppError('not_found', `no task ${req.params.id}`);
      return task;
    },
  );

  api.post(
    '/v1/tasks',
    { schema: { tags: ['pool'], body: w.taskInput, response: { 201: w.task, ...errors } } },
    async (req, reply) => {
      const { principal, scope, actor } = await scoped(req, ctx, 'customers.write');
      const result = await createTask(deps, { actor, scope, staffId: principal.staffId }, req.body);
      return result.ok ? reply.code(201).send(result.value) : raise(result.error);
    },
  );

  api.patch(
    '/v1/tasks/:id',
    { schema: { tags: ['pool'], params: w.taskId, body: w.taskPatch, response: { 200: w.task, ...errors } } },
    async (req) => {
      const { principal, scope, actor } = await scoped(req, ctx, 'customers.write');
      const result = await updateTask(
        deps,
        { actor, scope, staffId: principal.staffId },
        req.params.id,
        req.body,
      );
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.delete(
    '/v1/tasks/:id',
    {
      schema: {
        tags: ['pool'],
        summary: 'Cancel a task (kept, with status cancelled: nothing is lost)',
        params: w.taskId,
        response: { 200: w.task, ...errors },
      },
    },
    async (req) => {
      const { principal, scope, actor } = await scoped(req, ctx, 'customers.write');
      const result = await updateTask(deps, { actor, scope, staffId: principal.staffId }, req.params.id, {
        status: 'cancelled',
      });
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.post(
    '/v1/reminders/generate',
    {
      schema: {
        tags: ['pool'],
        summary: 'Generate service reminders (idempotent per customer, kind and due date); per-kind results',
        body: w.reminderGenerate,
        response: { 200: w.reminderResults, ...errors },
      },
    },
    async (req) => {
      const { actor } = await scoped(req, ctx, 'pool.manage');
      const asOf = req.body.asOf ?? today();
      const results = await generateReminders({ db, events: ctx.stores.events, clock: ctx.clock }, actor, {
        ...req.body,
        asOf,
      });
      return { asOf, results };
    },
  );

  api.get(
    '/v1/reminders',
    {
      schema: {
        tags: ['pool'],
        summary: 'Service reminders in your scope, filtered by kind, status, due and closing day; paged',
        querystring: w.reminderQuery,
        response: { 200: w.reminderPage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const { staffId, ...query } = req.query;
      return listReminders(deps, scope, { ...query, assigneeId: staffId });
    },
  );

  api.post(
    '/v1/reminders/:id/undo',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Reopen a dismissed reminder: on the business day it was dismissed only (409 undo_expired after)',
        params: w.taskId,
        response: { 200: z.object({ id: z.number().int(), status: z.literal('open') }), ...errors },
      },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'customers.write');
      const result = await undoDismissal(deps, who, req.params.id);
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.patch(
    '/v1/reminders/:id',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Mark a reminder done, or dismiss it with a reason (audited; undoable the same business day)',
        params: w.taskId,
        body: w.reminderPatch,
        response: {
          200: z.object({ id: z.number().int(), status: z.enum(['done', 'dismissed']) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'customers.write');
      const result = await closeReminder(deps, who, req.params.id, req.body.status, req.body.reason ?? null);
      return result.ok ? result.value : raise(result.error);
    },
  );
}
