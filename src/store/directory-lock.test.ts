import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { lockStoreDirectory } from './directory-lock.ts';
import { openOperationalStore } from './operational/open.ts';

// One process per embedded store directory: a second holder is refused with the first one's pid, a lock left by a
// killed process is taken over, and the operational store refuses a held directory before PGlite touches it.

const root = mkdtempSync(join(tmpdir(), 'flywheel-lock-'));
let other: ChildProcess;

beforeAll(async () => {
  other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((resolve) => other.once('spawn', resolve));
});
afterAll(() => {
  other?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const dir = (name: string) => {
  const d = join(root, name);
  mkdirSync(d);
  return d;
};
const refusal = (f: () => unknown): AppError => {
  try {
    f();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('store directory lock', () => {
  it('is held by one process at a time and released on close', () => {
    const d = dir('a');
    const release = lockStoreDirectory(d, 'operational store');
    expect(readFileSync(join(d, 'flywheel.lock'), 'utf8')).toBe(String(process.pid));
    const again = refusal(() => lockStoreDirectory(d, 'operational store'));
    expect(again.code).toBe('store_unavailable');
    expect(again.message).toContain(`open in process ${process.pid} (this one)`);
    release();
    expect(existsSync(join(d, 'flywheel.lock'))).toBe(false);
    lockStoreDirectory(d, 'operational store')();
  });

  it("refuses a live process's directory and takes over a dead one's", () => {
    const held = dir('b');
    writeFileSync(join(held, 'flywheel.lock'), String(other.pid));
    const refused = refusal(() => lockStoreDirectory(held, 'event store'));
    expect(refused.message).toMatch(
      new RegExp(`embedded event store in .* is open in process ${other.pid}:`),
    );
    expect(refused.message).toContain('DATABASE_URL');
    expect(refused.details).toMatchObject({ reason: 'store_in_use', pid: other.pid });
    expect(readFileSync(join(held, 'flywheel.lock'), 'utf8')).toBe(String(other.pid));

    const stale = dir('c');
    writeFileSync(join(stale, 'flywheel.lock'), '2147483646'); // no such process
    const release = lockStoreDirectory(stale, 'event store');
    expect(readFileSync(join(stale, 'flywheel.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('keeps PGlite out of a directory another process holds', async () => {
    const data = dir('d');
    const pg = join(data, 'pg');
    mkdirSync(pg);
    writeFileSync(join(pg, 'flywheel.lock'), String(other.pid));
    await expect(openOperationalStore({ kind: 'pglite', dataDir: data })).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    expect(existsSync(join(pg, 'PG_VERSION'))).toBe(false);
  });
});
