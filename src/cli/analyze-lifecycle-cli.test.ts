import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';

// `flywheel analyze lifecycle | concentration | trend` end to end in child processes on embedded stores: three
// imported customers (no events, so every one is at the portrait stage), tags computed on two days.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-lifecycle-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliOn(DATA);

describe('flywheel analyze lifecycle, concentration and trend', () => {
  it('answers from the command line, and refuses bad requests', async () => {
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', aum: 'aum', city: 'city' } }));
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'no,aum,city\nC1,10,杭州\nC2,60000,上海\nC3,700000,杭州\n');
    expect((await cli('import', 'customers', customers, '--mapping', mapping)).code).toBe(0);
    expect((await cli('tags', 'compute', '--as-of', '2025-06-01', '--key', 'lifecycle_stage')).code).toBe(0);

    // one snapshot day: a matrix is not enough data (exit 1, the reason on stderr)
    const early = await cli('analyze', 'lifecycle', 'transitions');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('not enough data: needs two snapshot dates');

    expect((await cli('tags', 'compute', '--as-of', '2025-06-30', '--key', 'lifecycle_stage')).code).toBe(0);
    const t = await cli('analyze', 'lifecycle', 'transitions', '--json');
    expect(t.code).toBe(0);
    const matrix = JSON.parse(t.stdout);
    expect(matrix).toMatchObject({ from: '2025-06-01', to: '2025-06-30' });
    expect(matrix.matrix[0][0]).toBe(3); // portrait → portrait
    const text = await cli(
      'analyze',
      'lifecycle',
      'distribution',
      '--rule',
      '{"attr":"city","op":"=","value":"杭州"}',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^2025-06-30\t2\t0\t0\t0\t0\t0\t0\t2$/m);

    const c = await cli('analyze', 'concentration', '--json');
    expect(c.code).toBe(0);
    const conc = JSON.parse(c.stdout);
    expect(conc).toMatchObject({ customers: 3, aum: { total: 760_010, holders: 3 } });
    // top 20% of 3 customers = the richest one
    expect(conc.aum.top20Share).toBeCloseTo(700_000 / 760_010, 10);

    const trend = await cli(
      'analyze',
      'trend',
      '--metric',
      'events',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
      '--json',
    );
    expect(trend.code).toBe(0);
    expect(JSON.parse(trend.stdout)).toMatchObject({ metric: 'events', periods: [], totals: [] });

    expect((await cli('analyze', 'lifecycle', 'sideways')).code).toBe(2);
    expect((await cli('analyze', 'lifecycle', 'aarrr', '--rule', '{not json')).code).toBe(2);
    expect((await cli('analyze', 'trend', '--metric', 'profit')).code).not.toBe(0);
    const invalid = await cli('analyze', 'concentration', '--rule', '{"attr":"nope","op":"=","value":1}');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('nope');
  }, 300_000);
});
