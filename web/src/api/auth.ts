import { client, ok } from './client.ts';
import type { Answer } from './types.ts';

// Sign-in, sign-out, the caller and their password (src/api/routes/auth.ts, accounts.ts).

/** The caller: who, their role and permissions, whether they must choose a password, the bank's time zone. */
export type Me = Answer<'get', '/v1/auth/me'>;
export type Role = Me['role'];
export type PasswordChanged = Answer<'post', '/v1/auth/password'>;

export const authApi = {
  me: () => ok(client.GET('/v1/auth/me')),
  login: (username: string, password: string) =>
    ok(client.POST('/v1/auth/login', { body: { username, password } })),
  logout: () => ok(client.POST('/v1/auth/logout')),
  changePassword: (currentPassword: string, newPassword: string) =>
    ok(client.POST('/v1/auth/password', { body: { currentPassword, newPassword } })),
};
