import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';

// `flywheel analyze drivers` end to end in child processes on embedded stores in a temporary data directory.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-drivers-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliOn(DATA);

describe('flywheel analyze drivers', () => {
  it('prints the ranking and the regression, as text and JSON, and refuses bad input', async () => {
    // 600 customers: plan "basic" churns 1 in 2, "plus" 1 in 5; region has no effect
    const lines = ['no,plan,region,churned'];
    for (let i = 1; i <= 600; i++) {
      const plan = i % 3 === 0 ? 'plus' : 'basic';
      const churned = plan === 'basic' ? i % 2 : i % 5 === 0 ? 1 : 0;
      lines.push(`C${i},${plan},${['east', 'west'][Math.floor(i / 7) % 2]},${churned}`);
    }
    const csv = join(dir, 'customers.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        columns: {
          customer_no: 'no',
          'attributes.plan': 'plan',
          'attributes.region': 'region',
          'attributes.churned': { from: 'churned', convert: 'integer' },
        },
      }),
    );
    expect((await cli('import', 'customers', csv, '--mapping', mapping)).code).toBe(0);
    const outcome = JSON.stringify({ attr: 'churned', op: '=', value: 1 });

    const json = await cli('analyze', 'drivers', '--outcome', outcome, '--json');
    expect(json.code).toBe(0);
    const a = JSON.parse(json.stdout);
    const basic = lines.slice(1).filter((l) => l.includes(',basic,'));
    const basicChurned = basic.filter((l) => l.endsWith(',1')).length;
    expect(a.population.customers).toBe(600);
    expect(a.features[0].id).toBe('attr:plan');
    const level = a.features[0].levels.find((l: { value: string }) => l.value === 'basic');
    expect(level).toMatchObject({ customers: basic.length, positives: basicChurned });
    expect(a.regression.status).toBe('fitted');

    const text = await cli('analyze', 'drivers', '--outcome', outcome, '--features', 'plan,region');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('600 customers');
    expect(text.stdout).toMatch(/attr:plan\t\d\.\d{4}\tplus\t20\.00%\t0\.50/);
    expect(text.stdout).toContain('AUC training');

    const notJson = await cli('analyze', 'drivers', '--outcome', '{nope');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--outcome is not JSON');
    const constant = await cli(
      'analyze',
      'drivers',
      '--outcome',
      JSON.stringify({ attr: 'churned', op: '>=', value: 0 }),
    );
    expect(constant.code).toBe(1);
    expect(constant.stderr).toContain('every customer of the population has the outcome');
    const unknown = await cli(
      'analyze',
      'drivers',
      '--outcome',
      JSON.stringify({ attr: 'nope', op: '=', value: 1 }),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('outcome: invalid rule');
  }, 300_000);
});
