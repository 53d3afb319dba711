import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';

// `flywheel segments …` end to end in child processes on embedded stores in a temporary data directory.

const BIN = fileURLToPath(new URL('../../bin/flywheel.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-segments-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = async (...args: string[]) => {
  const env = { ...process.env, FLYWHEEL_DATA_DIR: DATA, FLYWHEEL_SEED_DEMO: 'never', LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('flywheel segments', () => {
  it('previews, materialises, lists and exports', async () => {
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', aum: 'aum' } }));
    const file = join(dir, 'customers.csv');
    writeFileSync(file, 'no,aum\nC1,10\nC2,20\nC3,30\n');
    expect((await cli('import', 'customers', file, '--mapping', mapping)).code).toBe(0);
    // a saved segment, written the way the service writes one
    const store = await openOperationalStore({ kind: 'pglite', dataDir: DATA });
    await migrate(store);
    await store.db
      .insertInto('segments')
      .values({
        id: 'rich',
        name: 'Rich',
        rule: JSON.stringify({ attr: 'aum', op: '>=', value: 20 }),
        created_by: 't',
        updated_by: 't',
      })
      .execute();
    await store.close();

    const preview = await cli('segments', 'preview', '{"attr":"aum","op":">=","value":20}');
    expect(preview.code).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({ count: 2 });
    const invalid = await cli('segments', 'preview', '{"all":[{"tag":"nope","in":["x"]}]}');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("$.all[0]: unknown tag 'nope'");

    const materialized = await cli('segments', 'materialize');
    expect(materialized.code).toBe(0);
    expect(JSON.parse(materialized.stdout.trim())).toMatchObject({
      ok: true,
      segmentId: 'rich',
      members: 2,
      aum: 50,
    });
    const listed = await cli('segments', 'list');
    expect(listed.stdout).toMatch(/^rich\tv1\tactive\tRich\t2 on \d{4}-\d{2}-\d{2}$/m);

    const out = join(dir, 'rich.csv');
    const exported = await cli('segments', 'export', 'rich', '--out', out);
    expect(exported.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('customer_no\nC2\nC3\n');
    expect((await cli('segments', 'export', 'nope')).code).toBe(1);
  }, 240_000); // eight child processes, each opening both stores
});
