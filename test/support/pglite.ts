import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/store/operational/migrate.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';

const MIGRATIONS = new URL('../../src/store/operational/migrations/', import.meta.url);
const CACHE_DIR = '.tmp/pglite-templates';

/** Where the dump of a migrated cluster for the current migrations is (or will be) kept. */
export function migratedTemplatePath(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS).sort())
    hash.update(file).update(readFileSync(new URL(file, MIGRATIONS)));
  return join(CACHE_DIR, `${hash.digest('hex').slice(0, 16)}.tar`);
}

/**
 * A migrated, empty in-memory PGlite store. PGlite's initdb takes 5–12 s on this machine, so the first call
 * dumps a migrated cluster to `.tmp/pglite-templates/<hash of migrations>.tar` and later calls (in any test
 * process) start from that dump in ~1.5 s.
 */
export async function openMigratedMemoryStore(): Promise<OperationalStore> {
  const path = migratedTemplatePath();
  if (existsSync(path)) {
    const store = await openOperationalStore({
      kind: 'pglite',
      dataDir: null,
      template: new Blob([readFileSync(path)]),
    });
    await migrate(store);
    return store;
  }
  const store = await openOperationalStore({ kind: 'pglite', dataDir: null });
  await migrate(store);
  const dump = await store.dump?.();
  if (dump) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, path); // atomic, so a parallel test process never reads half a template
  }
  return store;
}

/** The migrated template as a blob (written first if no test process has yet), or undefined if it cannot be. */
export async function migratedTemplate(): Promise<Blob | undefined> {
  const path = migratedTemplatePath();
  if (!existsSync(path)) await (await openMigratedMemoryStore()).close(); // writes it
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/**
 * Starts the embedded operational store of a data directory from the migrated template, so that an app or a CLI
 * process opened on the directory finds a migrated cluster instead of running initdb (5–12 s) and every migration.
 */
export async function seedMigratedDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'pg', 'PG_VERSION'))) return;
  const template = await migratedTemplate();
  if (template) await (await openOperationalStore({ kind: 'pglite', dataDir, template })).close();
}
