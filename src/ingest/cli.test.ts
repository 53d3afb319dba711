import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `flywheel import` end to end in a child process on embedded stores in a temporary data directory.

const BIN = fileURLToPath(new URL('../../bin/flywheel.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = async (...args: string[]) => {
  const env = {
    ...process.env,
    FLYWHEEL_DATA_DIR: join(dir, 'data'),
    FLYWHEEL_SEED_DEMO: 'never',
    LOG_LEVEL: 'warn',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'import', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('flywheel import', () => {
  it('exits 0 when committed, 1 when rows are rejected (nothing written), 2 when the mapping does not fit', async () => {
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', name: 'name', aum: 'aum' } }));
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'no|name|aum\nC1|Li|10\nC2|Wang|20\n');
    const ok = await cli('customers', good, '--mapping', mapping, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'committed', read: 2, inserted: 2 });

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'no|name|aum\nC3|Zhao|lots\n');
    const rejected = await cli('customers', bad, '--mapping', mapping, '--errors', join(dir, 'errors.csv'));
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('REJECTED: 1 bad row(s), nothing was written');
    expect(rejected.stdout).toContain('row 1 (line 2), aum: not a number — got "lots"');

    const again = await cli('customers', good, '--mapping', mapping);
    expect(again.stdout).toMatch(/inserted 0 · updated 0 · unchanged 2/);

    writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', nom: 'name' }, extra: 'ignore' }));
    const unfit = await cli('customers', good, '--mapping', mapping);
    expect(unfit.code).toBe(2);
    expect(unfit.stderr).toContain('"nom" is not a customers field');
  });
});
