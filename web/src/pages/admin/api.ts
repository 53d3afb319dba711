import { client, ok, withQuery } from '../../api/client.ts';
import { every, type Answer, type Body, type Query } from '../../api/types.ts';

// The account routes (src/api/routes/accounts.ts, auth.ts, audit.ts) as the Admin area sees them, typed by the
// server's OpenAPI document.

export type UserList = Answer<'get', '/v1/users'>;
export type UserAccount = UserList['items'][number];
export type UserQuery = Query<'get', '/v1/users'>;
export type UserPatch = Body<'patch', '/v1/users/{id}'>;
export type UserCreated = Answer<'post', '/v1/users'>;
/** A new user: without a password one is generated, shown once, and must be changed at first sign-in. */
export type NewUser = Body<'post', '/v1/users'>;
export type Role = UserAccount['role'];
export type Grantable = UserAccount['grants'][number];
export type ApiKeyList = Answer<'get', '/v1/api-keys'>;
export type ApiKey = ApiKeyList['items'][number];
export type ApiKeyCreated = Answer<'post', '/v1/api-keys'>;
export type AuditFilters = Query<'get', '/v1/audit/export'>;
export type AuditPage = Answer<'get', '/v1/audit'>;
export type AuditRecord = AuditPage['items'][number];

export const ROLES = every<Role>()(['admin', 'analyst', 'branch_head', 'account_manager']);

/** The CSV export's address for these filters (a plain link: the session cookie authenticates it). */
export const auditExportUrl = (filters: AuditFilters) => withQuery('/v1/audit/export', filters);

export const adminApi = {
  users: (query: UserQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/users', { params: { query }, signal })),
  createUser: (input: NewUser) => ok(client.POST('/v1/users', { body: input })),
  updateUser: (id: number, patch: UserPatch) =>
    ok(client.PATCH('/v1/users/{id}', { params: { path: { id } }, body: patch })),
  apiKeys: (signal?: AbortSignal) =>
    ok(client.GET('/v1/api-keys', { params: { query: { limit: 500 } }, signal })),
  createApiKey: (input: Body<'post', '/v1/api-keys'>) => ok(client.POST('/v1/api-keys', { body: input })),
  revokeApiKey: (id: number) => ok(client.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })),
  audit: (filters: AuditFilters, page: { limit: number; before?: number }, signal?: AbortSignal) =>
    ok(client.GET('/v1/audit', { params: { query: { ...filters, ...page } }, signal })),
};
