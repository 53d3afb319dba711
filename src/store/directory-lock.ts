import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../shared/errors.ts';

// An embedded store (PGlite, chDB) must be opened by one process at a time: neither engine locks its directory, and
// two processes writing the same files lose each other's writes without a word (measured: each saw only its own
// rows). The holder writes its pid into `<dir>/flywheel.lock`, created exclusively; a lock whose process is gone (a
// SIGKILL, a power cut) is taken over. Several processes need the server stores (DATABASE_URL, CLICKHOUSE_URL).

const FILE = 'flywheel.lock';

/** Whether a process with this pid is running (a pid we may not signal still exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir` (an existing directory) for this process and returns its release; throws `store_unavailable` naming the
 * holder when another live process has it (or this process already does: a second open of one store).
 */
export function lockStoreDirectory(dir: string, store: string): () => void {
  const path = join(dir, FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, { encoding: 'utf8', flag: 'r' }), 10);
      // a second EEXIST: another process took the stale lock over at the same moment
      if (attempt > 0 || (Number.isInteger(holder) && holder > 0 && alive(holder)))
        throw new AppError(
          'store_unavailable',
          `the embedded ${store} in ${dir} is open in process ${holder}${holder === process.pid ? ' (this one)' : ''}: ` +
            'stop that process first (one process holds an embedded store; run several against PostgreSQL and ' +
            'ClickHouse: DATABASE_URL, CLICKHOUSE_URL)',
          { reason: 'store_in_use', dir, pid: holder },
        );
      rmSync(path, { force: true }); // its process is gone
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Only our own lock is removed (a stale-lock takeover by another process may have replaced it).
      try {
        if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
  }
}
