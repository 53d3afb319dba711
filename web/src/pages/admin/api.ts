import type { z } from 'zod';
import type * as s from '../../../../src/api/routes/accounts-schemas.ts';
import { request } from '../../api.ts';
import { qs } from '../../api/pool.ts';

// The account routes (src/api/routes/accounts.ts, auth.ts, audit.ts) as the Admin area sees them. The types come from
// the routes' zod schemas (type-only imports, erased from the bundle).

export type UserAccount = z.output<typeof s.userAccount>;
export type UserList = z.output<typeof s.userList>;
export type UserQuery = z.output<typeof s.userQuery>;
export type UserPatch = z.input<typeof s.userPatch>;
export type UserCreated = z.output<typeof s.userCreated>;
export type Role = UserAccount['role'];
export type Grantable = UserAccount['grants'][number];
export type ApiKey = z.output<typeof s.apiKeyView>;
export type ApiKeyList = z.output<typeof s.apiKeyList>;
export type ApiKeyCreated = z.output<typeof s.apiKeyCreated>;
export type AuditFilters = z.input<typeof s.auditFilters>;
export type AuditPage = z.output<typeof s.auditPage>;
export type AuditRecord = AuditPage['items'][number];

export const ROLES: readonly Role[] = ['admin', 'analyst', 'branch_head', 'account_manager'];

/** A new user: without a password one is generated, shown once, and must be changed at first sign-in. */
export interface NewUser {
  username: string;
  role: Role;
  password?: string;
  displayName?: string;
  orgUnitId?: string;
  staffId?: string;
}

/** The CSV export's address for these filters (a plain link: the session cookie authenticates it). */
export const auditExportUrl = (filters: AuditFilters) => `/v1/audit/export${qs({ ...filters })}`;

export const adminApi = {
  users: (query: UserQuery, signal?: AbortSignal) =>
    request<UserList>('GET', `/v1/users${qs({ ...query })}`, undefined, signal),
  createUser: (input: NewUser) => request<UserCreated>('POST', '/v1/users', input),
  updateUser: (id: number, patch: UserPatch) => request<UserAccount>('PATCH', `/v1/users/${id}`, patch),
  apiKeys: (signal?: AbortSignal) => request<ApiKeyList>('GET', '/v1/api-keys?limit=500', undefined, signal),
  createApiKey: (input: { name: string; role: Role; orgUnitId?: string }) =>
    request<ApiKeyCreated>('POST', '/v1/api-keys', input),
  revokeApiKey: (id: number) => request<void>('DELETE', `/v1/api-keys/${id}`),
  audit: (filters: AuditFilters, page: { limit: number; before?: number }, signal?: AbortSignal) =>
    request<AuditPage>('GET', `/v1/audit${qs({ ...filters, ...page })}`, undefined, signal),
};
