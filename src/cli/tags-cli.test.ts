import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';

// `flywheel tags …` end to end in child processes on embedded stores in a temporary data directory.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-tags-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliOn(DATA);

describe('flywheel tags', () => {
  it('computes the catalogue, lists it, and refuses bad requests', async () => {
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', aum: 'aum', gender: 'gender' } }));
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'no,aum,gender\nC1,10,M\nC2,60000,F\nC3,700000,F\n');
    expect((await cli('import', 'customers', customers, '--mapping', mapping)).code).toBe(0);

    const computed = await cli('tags', 'compute', '--as-of', '2025-06-30', '--json');
    expect(computed.code).toBe(0);
    const run = JSON.parse(computed.stdout);
    expect(run).toMatchObject({ asOf: '2025-06-30', status: 'done', customers: 3 });
    expect(run.results.find((r: { key: string }) => r.key === 'aum_tier')).toMatchObject({
      status: 'ok',
      members: 3,
    });

    const listed = JSON.parse((await cli('tags', 'list', '--json')).stdout);
    expect(listed.asOf).toBe('2025-06-30');
    const gender = listed.tags.find((t: { key: string }) => t.key === 'gender');
    expect(gender.values.map((v: { value: string; members: number }) => [v.value, v.members])).toEqual([
      ['male', 1],
      ['female', 2],
      ['unknown', 0],
    ]);

    expect((await cli('tags', 'compute', '--key', 'nope')).code).toBe(1);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'customer_no,value\nC1,x\nC9,x\n');
    const refused = await cli('tags', 'import', 'gender', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only manual tags');
  }, 300_000);
});
