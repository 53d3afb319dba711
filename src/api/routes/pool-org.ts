import { z } from 'zod';
import { maskEmail, maskPhone } from '../../pool/mask.ts';
import { orgTree } from '../../pool/org.ts';
import { deleteRule, listRules, saveRule } from '../../pool/rules.ts';
import { staffInScope } from '../../pool/scope.ts';
import {
  createStaff,
  deleteStaff,
  getStaff,
  listStaff,
  updateStaff,
  type StaffMember,
} from '../../pool/staff.ts';
import { AppError } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import { raise, rowId, type RouteContext, type ZodApi } from '../http.ts';
import { errors, scoped } from './pool-common.ts';
import * as s from './pool-schemas.ts';

/** /v1/org/units, /v1/staff and /v1/pool/rules: the organisation, staff administration, assignment rules. */
export function registerPoolOrgRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };
  // Staff contact details are internal but personal: shown in full to administrators only.
  const present = (member: StaffMember, full: boolean): StaffMember =>
    full ? member : { ...member, phone: maskPhone(member.phone), email: maskEmail(member.email) };

  api.get(
    '/v1/org/units',
    {
      schema: {
        tags: ['pool'],
        summary: "The org tree (a branch head's subtree for branch heads)",
        response: { 200: z.object({ units: z.array(s.orgNode) }), ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      if (scope.kind === 'subtree') return { units: await orgTree(db, scope.orgUnitId) };
      return { units: scope.kind === 'none' ? [] : await orgTree(db) };
    },
  );

  api.get(
    '/v1/staff',
    {
      schema: {
        tags: ['pool'],
        querystring: z.object({
          role: z.enum(['account_manager', 'branch_head', 'analyst', 'admin', 'other']).optional(),
          status: z.enum(['active', 'departed']).optional(),
          orgUnitId: text().optional(),
        }),
        response: { 200: z.object({ staff: z.array(s.staffMember) }), ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = await scoped(req, ctx, 'customers.read');
      const full = principal.permissions.has('pool.manage');
      return { staff: (await listStaff(db, scope, req.query)).map((m) => present(m, full)) };
    },
  );

  api.get(
    '/v1/staff/:id',
    { schema: { tags: ['pool'], params: s.staffId, response: { 200: s.staffMember, ...errors } } },
    async (req) => {
      const { principal, scope } = await scoped(req, ctx, 'customers.read');
      const member = (await staffInScope(db, scope, req.params.id))
        ? await getStaff(db, req.params.id)
        : undefined;
      if (!member) throw new AppError('not_found', `no staff ${req.params.id}`);
      return present(member, principal.permissions.has('pool.manage'));
    },
  );

  api.post(
    '/v1/staff',
    { schema: { tags: ['pool'], body: s.staffInput, response: { 201: s.staffMember, ...errors } } },
    async (req, reply) => {
      const { actor } = await scoped(req, ctx, 'pool.manage');
      const result = await createStaff(deps, actor, req.body);
      return result.ok ? reply.code(201).send(result.value) : raise(result.error);
    },
  );

  api.patch(
    '/v1/staff/:id',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Change a staff member: unit, role, pool capacity, status (departed sets departedOn to today)',
        params: s.staffId,
        body: s.staffPatch,
        response: { 200: s.staffMember, ...errors },
      },
    },
    async (req) => {
      const { actor } = await scoped(req, ctx, 'pool.manage');
      const result = await updateStaff(deps, actor, req.params.id, req.body);
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.delete(
    '/v1/staff/:id',
    {
      schema: {
        tags: ['pool'],
        summary: 'Delete a staff member who never served anyone (409 otherwise: set status departed)',
        params: s.staffId,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = await scoped(req, ctx, 'pool.manage');
      const result = await deleteStaff(deps, actor, req.params.id);
      return result.ok ? reply.code(204).send(null) : raise(result.error);
    },
  );

  api.get(
    '/v1/pool/rules',
    { schema: { tags: ['pool'], response: { 200: z.object({ rules: z.array(s.rule) }), ...errors } } },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'pool.assign');
      return { rules: await listRules(db, scope) };
    },
  );

  api.post(
    '/v1/pool/rules',
    {
      schema: {
        tags: ['pool'],
        summary: 'Create or replace the assignment rule of (org unit, tier): round-robin over the managers',
        body: s.ruleInput,
        response: { 200: s.rule, ...errors },
      },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'pool.assign');
      const result = await saveRule(deps, who, req.body);
      return result.ok ? result.value : raise(result.error);
    },
  );

  api.delete(
    '/v1/pool/rules/:id',
    {
      schema: {
        tags: ['pool'],
        params: z.object({ id: rowId }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const who = await scoped(req, ctx, 'pool.assign');
      if (!(await deleteRule(deps, who, req.params.id)))
        throw new AppError('not_found', `no rule ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
}
