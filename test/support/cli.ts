import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { vi } from 'vitest';

import type { Kysely } from 'kysely';
import { AuthService } from '../../src/auth/service.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Database, UserRole } from '../../src/store/operational/database.ts';
import { CLI_BUNDLE } from './cli-bundle.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from './password-cost.ts';
import { seedMigratedDataDir } from './pglite.ts';

// The bundle of the CLI's sources that the global setup writes (vitest.config.ts; see cli-bundle.ts for why):
// the same code as bin/flywheel.mjs runs, 1.4 s less start-up per call (src/cli tests: 144 s instead of 200 s).
/** The bundled CLI, for tests that spawn it themselves (to kill it, say). */
export const CLI_BIN = fileURLToPath(new URL(`../../${CLI_BUNDLE}`, import.meta.url));

/** What one `flywheel` child process printed and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A runner of `flywheel …` child processes on embedded stores in `dataDir` (no demo seed, quiet logs), with `extra`
 * environment variables on top.
 */
export function cliOn(
  dataDir: string,
  extra: Record<string, string> = {},
): (...args: string[]) => Promise<CliRun> {
  const env = {
    ...process.env,
    FLYWHEEL_DATA_DIR: dataDir,
    FLYWHEEL_SEED_DEMO: 'never',
    ...TEST_PASSWORD_ENV,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  // The first call starts the embedded store from the migrated template rather than having the child run initdb.
  let seeded: Promise<void> | undefined;
  return async (...args) => {
    if (!extra['DATABASE_URL']) await (seeded ??= seedMigratedDataDir(dataDir));
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI_BIN, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}

/**
 * Runs a command line in this process (no child process: the stores stay the test's own) and captures what it
 * printed; `register` adds the commands to the program and hands their exit code to `exit`.
 */
export async function inProcess(
  args: readonly string[],
  register: (program: Command, exit: (code: number) => void) => void,
): Promise<CliRun> {
  const out: string[] = [];
  const errs: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void errs.push(a.join(' ')));
  let code = 0;
  try {
    const program = new Command().exitOverride();
    register(program, (c) => {
      code = c;
    });
    await program.parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return { code, stdout: out.join('\n'), stderr: errs.join('\n') };
}

/** Creates the users a CLI test acts as (`--as <username>`), each with the password 'cli-test-password'. */
export async function createCliUsers(
  db: Kysely<Database>,
  clock: Clock,
  users: readonly (readonly [username: string, role: UserRole])[],
): Promise<void> {
  const auth = new AuthService({ db, clock, sessionTtlHours: 1, passwordCost: TEST_PASSWORD_COST });
  for (const [username, role] of users)
    await auth.createUser({ username, role, password: 'cli-test-password', staffId: null }, 'test');
}
