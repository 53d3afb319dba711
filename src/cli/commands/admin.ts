import type { Command } from 'commander';
import { Option } from 'commander';
import { USER_ROLES, type UserRole } from '../../auth/principal.ts';
import { AuthService } from '../../auth/service.ts';
import { migrate } from '../../store/operational/migrate.ts';
import { openOperationalStore } from '../../store/operational/open.ts';
import { configOrExit } from '../main.ts';
import { withStores } from '../stores.ts';

/** Actor name for changes made from the command line on this machine. */
export function cliActor(): string {
  return `cli:${process.env['USER'] ?? 'unknown'}`;
}

/** `migrate`, `user …` and `apikey …`. */
export function registerAdminCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending operational-store migrations (the event store schema is applied on open)')
    .action(async () => {
      const config = configOrExit();
      const store = await openOperationalStore(
        config.databaseUrl
          ? { kind: 'postgres', url: config.databaseUrl, sandboxUrl: config.tags.sqlTagDatabaseUrl }
          : { kind: 'pglite', dataDir: config.dataDir },
      );
      try {
        const report = await migrate(store);
        console.log(
          report.applied.length
            ? `applied ${report.applied.join(', ')}`
            : `nothing to apply (${report.alreadyApplied} migrations already applied)`,
        );
      } finally {
        await store.close();
      }
    });

  const roleOption = () => new Option('--role <role>', 'role').choices(USER_ROLES).makeOptionMandatory();
  const user = program.command('user').description('manage dashboard users');
  user
    .command('create')
    .description('create a user; prints a generated password unless --password is given')
    .requiredOption('--username <name>', 'login name')
    .addOption(roleOption())
    .option('--password <password>', 'initial password (at least 10 characters, not the username)')
    .option('--staff <staffId>', 'staff id (account managers: their own pool)')
    .option('--org-unit <orgUnitId>', 'org unit bounding a branch head')
    .action(
      async (opts: {
        username: string;
        role: UserRole;
        password?: string;
        staff?: string;
        orgUnit?: string;
      }) => {
        const config = configOrExit();
        await withStores(config, async (stores, clock) => {
          const auth = new AuthService({
            db: stores.operational.db,
            clock,
            sessionTtlHours: config.sessionTtlHours,
            passwordCost: config.passwordCost,
          });
          const result = await auth.createUser(
            {
              username: opts.username,
              role: opts.role,
              ...(opts.password ? { password: opts.password } : { mustChangePassword: true }),
              staffId: opts.staff ?? null,
              orgUnitId: opts.orgUnit ?? null,
            },
            cliActor(),
          );
          if (!result.ok) {
            console.error(`error: ${result.error.message}`);
            return 1;
          }
          console.log(`created user ${opts.username} (${opts.role})`);
          if (!opts.password) console.log(`password: ${result.value.password}`);
          return 0;
        });
      },
    );
  user
    .command('list')
    .description('list users')
    .action(async () => {
      const config = configOrExit();
      await withStores(config, async (stores) => {
        const rows = await stores.operational.db
          .selectFrom('users')
          .select(['id', 'username', 'role', 'status', 'staff_id', 'org_unit_id'])
          .orderBy('id')
          .execute();
        console.table(rows);
        return 0;
      });
    });

  const apikey = program.command('apikey').description('manage API keys for partner systems and scripts');
  apikey
    .command('create')
    .description('create an API key; it is printed once, use it as `Authorization: Bearer KEY`')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(roleOption())
    .option('--org-unit <orgUnitId>', 'org unit bounding the key')
    .action(async (opts: { name: string; role: UserRole; orgUnit?: string }) => {
      const config = configOrExit();
      await withStores(config, async (stores, clock) => {
        const auth = new AuthService({
          db: stores.operational.db,
          clock,
          sessionTtlHours: config.sessionTtlHours,
          passwordCost: config.passwordCost,
        });
        const created = await auth.createApiKey(
          { name: opts.name, role: opts.role, orgUnitId: opts.orgUnit ?? null },
          cliActor(),
        );
        console.log(created.key);
        return 0;
      });
    });
  apikey
    .command('revoke')
    .description('revoke an API key by id')
    .argument('<id>', 'key id')
    .action(async (id: string) => {
      const config = configOrExit();
      await withStores(config, async (stores, clock) => {
        const auth = new AuthService({
          db: stores.operational.db,
          clock,
          sessionTtlHours: config.sessionTtlHours,
          passwordCost: config.passwordCost,
        });
        const result = await auth.revokeApiKey(Number(id), cliActor());
        if (!result.ok) {
          console.error(`error: ${result.error.message}`);
          return 1;
        }
        console.log(`revoked API key ${id}`);
        return 0;
      });
    });
}
