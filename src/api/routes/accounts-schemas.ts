import { z } from 'zod';
import { limit, offset } from '../../contracts/common.ts';
import { FIRST_DAY, isDay, LAST_DAY } from '../../shared/day.ts';
import { text } from '../../shared/text.ts';
import { PASSWORD_MIN_LENGTH } from '../../auth/passwords.ts';
import { GRANTABLE_PERMISSIONS, USER_ROLES } from '../../auth/principal.ts';

// Request and response shapes of the account routes (accounts.ts: users, API keys, password change) and the audit
// log (audit.ts). The dashboard's Admin area takes its types from here (type-only imports).

const ts = z.string().describe('ISO timestamp');

export const userRole = z.enum(USER_ROLES);
export const grantablePermission = z.enum(GRANTABLE_PERMISSIONS);
export const numericId = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const userAccount = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: userRole,
  orgUnitId: z.string().nullable(),
  staffId: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  grants: z.array(grantablePermission).describe('permissions granted beyond the role'),
  createdAt: ts,
  updatedAt: ts,
});

export const userCreated = z.object({
  id: z.number(),
  username: z.string(),
  password: z.string().describe('the password given, or the generated one: shown this once'),
});

export const userQuery = z.object({
  q: text().max(64).optional().describe('part of the username or display name'),
  role: userRole.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  limit: limit(500, 50),
  offset,
});

export const userList = z.object({
  total: z.number().int(),
  items: z.array(userAccount),
  grantable: z.array(grantablePermission).describe('the permissions an administrator may grant'),
});

const reference = text().min(1).max(64);
export const userPatch = z
  .object({
    displayName: text().max(128).nullable().optional(),
    role: userRole.optional(),
    orgUnitId: reference.nullable().optional().describe('org unit bounding a branch head; null clears it'),
    staffId: reference
      .nullable()
      .optional()
      .describe("staff id (an account manager's own pool); null clears it"),
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .describe('disabled: signed out at once, cannot sign in'),
    grants: z
      .array(grantablePermission)
      .max(GRANTABLE_PERMISSIONS.length)
      .optional()
      .describe('the complete set of granted permissions after the change'),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'nothing to change' });

export const passwordChange = z.object({
  currentPassword: text().min(1).max(256),
  newPassword: text()
    .min(1)
    .max(256)
    .describe(
      `at least ${PASSWORD_MIN_LENGTH} characters, not the username, not the current password; other sessions end`,
    ),
});
export const passwordChanged = z.object({ sessionsRevoked: z.number().int() });

export const apiKeyView = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z
    .string()
    .describe('the first characters of the key, to recognise it; the secret is never shown again'),
  role: userRole,
  orgUnitId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: ts,
  lastUsedAt: ts.nullable().describe('to the minute'),
  revokedAt: ts.nullable(),
});
export const apiKeyCreated = z.object({
  id: z.number(),
  key: z.string().describe('the secret, shown this once: send it as Authorization: Bearer KEY'),
});
export const apiKeyQuery = z.object({
  status: z.enum(['active', 'revoked']).optional(),
  limit: limit(500, 100),
  offset,
});
export const apiKeyList = z.object({ total: z.number().int(), items: z.array(apiKeyView) });

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
// A day, or an instant on one of the days Flywheel keeps (src/shared/day.ts): 9999-12-31 is refused, not a 500.
const instantOrDay = text().refine(
  (v) => (DAY.test(v) || INSTANT.test(v)) && isDay(v.slice(0, 10)) && !Number.isNaN(Date.parse(v)),
  {
    message: `expected a day (YYYY-MM-DD, a business day of the bank) or an ISO instant with its offset, from ${FIRST_DAY} to ${LAST_DAY}`,
  },
);

export const auditFilters = z.object({
  actor: text()
    .min(1)
    .max(200)
    .optional()
    .describe('e.g. user:li.na, apikey:3:etl; a bare name means user:<name>'),
  action: text()
    .min(1)
    .max(100)
    .optional()
    .describe('an action or its start, e.g. user. or customer.reveal_pii'),
  customer: text().min(1).max(64).optional().describe('customer number'),
  from: instantOrDay
    .optional()
    .describe('from this instant, or the start of this business day (FLYWHEEL_TIMEZONE), inclusive'),
  to: instantOrDay
    .optional()
    .describe('until this instant (exclusive), or the end of this business day (FLYWHEEL_TIMEZONE)'),
});
export const auditQuery = auditFilters.extend({
  limit: limit(500, 50),
  before: z.coerce.number().int().positive().optional().describe('the `next` of the previous page'),
});
export const auditRecord = z.object({
  id: z.number().int(),
  at: ts,
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const auditPage = z.object({
  items: z.array(auditRecord).describe('newest first'),
  next: z.number().int().nullable().describe('pass as `before` for the next page; null at the end'),
});
