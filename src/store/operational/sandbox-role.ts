import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../../shared/errors.ts';

// On PostgreSQL, statements users write (SQL tags) run on connections that log in as a role of their own, which
// holds SELECT on the sql_tag views and nothing else. `SET ROLE` on the application's own connections would be no
// boundary: the session user stays the application's (owner of every table), and a statement can set the role back
// with set_config('role', …, true) and run more SQL through functions that execute queries at run time.
//
// The role is either given (FLYWHEEL_SQL_TAG_DATABASE_URL: an operator-provisioned login) or provisioned here, when
// the application's user may create roles: one role per database, its password generated once and kept in
// system_state (readable by the application's user only), its grants refreshed at every start so views added by
// later migrations are readable. Either way it is verified before use: not a superuser, cannot read users or
// customers, can read sql_tag.customers.

/** Role name for a database: names are cluster-wide, so one per database. */
export function sandboxRoleName(database: string): string {
  return `fw_sqltag_${createHash('sha256').update(database).digest('hex').slice(0, 16)}`;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Creates or refreshes the sandbox role with the application's connection; returns the URL to log in as it. */
export async function provisionSandboxRole(admin: pg.PoolClient, databaseUrl: string): Promise<string> {
  const who = await admin.query<{ db: string; can: boolean }>(
    `select current_database() as db, (rolsuper or rolcreaterole) as can from pg_roles where rolname = current_user`,
  );
  const database = who.rows[0]?.db ?? '';
  if (!who.rows[0]?.can) {
    throw new AppError(
      'forbidden',
      'SQL tags on PostgreSQL run as a confined login role, and the application user may not create roles: grant ' +
        'it CREATEROLE, or provision a role with SELECT on schema sql_tag only and set FLYWHEEL_SQL_TAG_DATABASE_URL',
    );
  }
  const role = sandboxRoleName(database);
  await admin.query('begin');
  try {
    // Serialises several processes provisioning the same database.
    await admin.query(`select pg_advisory_xact_lock(727275)`);
    const stored = await admin.query<{ value: { role: string; password: string } }>(
      `select value from system_state where key = 'sql_tag_role'`,
    );
    let password = stored.rows[0]?.value.role === role ? stored.rows[0].value.password : undefined;
    if (!password) {
      password = randomBytes(24).toString('base64url');
      await admin.query(
        `insert into system_state (key, value) values ('sql_tag_role', $1)
         on conflict (key) do update set value = excluded.value, updated_at = now()`,
        [JSON.stringify({ role, password })],
      );
    }
    const exists = await admin.query(`select 1 from pg_roles where rolname = $1`, [role]);
    const attributes = `login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls connection limit 8 password ${quoteLiteral(password)}`;
    await admin.query(`${exists.rowCount ? 'alter' : 'create'} role ${quoteIdent(role)} ${attributes}`);
    for (const setting of [
      `default_transaction_read_only = on`,
      `search_path = sql_tag`,
      `statement_timeout = '10min'`,
    ])
      await admin.query(`alter role ${quoteIdent(role)} in database ${quoteIdent(database)} set ${setting}`);
    await admin.query(`grant connect on database ${quoteIdent(database)} to ${quoteIdent(role)}`);
    await admin.query(`grant usage on schema sql_tag to ${quoteIdent(role)}`);
    await admin.query(`grant select on all tables in schema sql_tag to ${quoteIdent(role)}`);
    await admin.query('commit');
  } catch (error) {
    await admin.query('rollback').catch(() => undefined);
    throw error;
  }
  const url = new URL(databaseUrl);
  url.username = role;
  const stored = await admin.query<{ value: { password: string } }>(
    `select value from system_state where key = 'sql_tag_role'`,
  );
  url.password = stored.rows[0]?.value.password ?? '';
  return url.toString();
}

/** Refuses a sandbox login that can do more than read the sql_tag views. */
export async function verifySandboxRole(client: pg.PoolClient): Promise<void> {
  const check = await client.query<{
    who: string;
    superuser: boolean;
    users: boolean;
    customers: boolean;
    views: boolean;
  }>(`select current_user as who, r.rolsuper or r.rolcreaterole or r.rolbypassrls as superuser,
             has_table_privilege('public.users', 'select') as users,
             has_table_privilege('public.customers', 'select') as customers,
             has_table_privilege('sql_tag.customers', 'select') as views
        from pg_roles r where r.rolname = current_user`);
  const row = check.rows[0];
  const problems = [
    row?.superuser && 'it is a superuser or may create roles or bypass row security',
    row?.users && 'it can read users',
    row?.customers && 'it can read customers (with personal data)',
    !row?.views && 'it cannot read sql_tag.customers',
  ].filter(Boolean);
  if (!row || problems.length > 0)
    throw new AppError(
      'forbidden',
      `the SQL-tag login ${row?.who ?? '?'} is not confined: ${problems.join('; ')}; SQL tags refused`,
    );
}
