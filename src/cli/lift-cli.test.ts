import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';

// `flywheel import experiment` and `flywheel analyze lift` end to end in child processes on embedded stores.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-lift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliOn(join(dir, 'data'));

/** 100 units per arm: A converts 10, B 20. */
function units(): string {
  const lines = ['unit,group,bought'];
  for (let i = 0; i < 200; i++)
    lines.push(`u${i},${i < 100 ? 'A' : 'B'},${i % 100 < (i < 100 ? 10 : 20) ? 'yes' : 'no'}`);
  return lines.join('\n') + '\n';
}

describe('flywheel import experiment / analyze lift', () => {
  const csv = join(dir, 'units.csv');
  const mapping = join(dir, 'mapping.json');
  writeFileSync(csv, units());
  writeFileSync(
    mapping,
    JSON.stringify({
      experiment: { id: 'ab', name: 'A/B', control: 'A', metrics: { bought: 'binary' } },
      columns: { unit_key: 'unit', arm: 'group', 'metrics.bought': 'bought' },
    }),
  );

  it('imports (exit 0), re-imports without change, takes overrides, and refuses them for other kinds (exit 2)', async () => {
    const first = await cli('import', 'experiment', csv, '--mapping', mapping, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'committed',
      inserted: 200,
      experiment: { id: 'ab', definition: 'created' },
    });
    const again = await cli('import', 'experiment', csv, '--mapping', mapping);
    expect(again.stdout).toMatch(/inserted 0 · updated 0 · unchanged 200/);
    expect(again.stdout).toContain('experiment ab: definition unchanged');
    const other = await cli(
      'import',
      'experiment',
      csv,
      '--mapping',
      mapping,
      '--experiment-id',
      'ba',
      '--control',
      'B',
    );
    expect(other.code, other.stderr).toBe(0);
    const wrongKind = await cli('import', 'customers', csv, '--mapping', mapping, '--control', 'B');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('apply to kind experiment only');
  }, 120_000);

  it('rejects a file with a bad value (exit 1), naming row, field and reason in the error file', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'unit,group,bought\nx1,A,yes\nx2,B,perhaps\n');
    const run = await cli('import', 'experiment', bad, '--mapping', mapping, '--experiment-id', 'bad');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('REJECTED: 1 bad row(s), nothing was written');
    expect(readFileSync(`${bad}.errors.csv`, 'utf8')).toContain(
      '2,3,metrics.bought,"binary metric must be 0 or 1 (or true/false, yes/no)",perhaps',
    );
  }, 60_000);

  it('analyses the lift as JSON and as text; unknown experiments and arms are refused (exit 1)', async () => {
    const json = await cli('analyze', 'lift', '--experiment', 'ab', '--json');
    expect(json.code, json.stderr).toBe(0);
    const a = JSON.parse(json.stdout);
    const bought = a.metrics[0];
    expect(bought.arms.map((x: { arm: string; mean: number }) => [x.arm, x.mean])).toEqual([
      ['A', 0.1],
      ['B', 0.2],
    ]);
    // 0.1 ± 1.959964·√(0.2·0.8/100 + 0.1·0.9/100) = 0.1 ± 1.959964·0.05
    expect(bought.comparisons[0].absolute.lower).toBeCloseTo(0.1 - 1.959964 * 0.05, 6);
    const text = await cli('analyze', 'lift', '--experiment', 'ab');
    expect(text.stdout).toContain('bought (binary: rate, Wald / log-ratio CIs, z test)');
    expect(text.stdout).toMatch(/B vs A:\n\s+absolute 10\.00% \[0\.20%, 19\.80%\]/);
    const ba = await cli('analyze', 'lift', '--experiment', 'ba', '--json');
    expect(JSON.parse(ba.stdout).control).toBe('B');
    const missing = await cli('analyze', 'lift', '--experiment', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: no experiment nope');
    const arm = await cli('analyze', 'lift', '--experiment', 'ab', '--control', 'Z');
    expect(arm.code).toBe(1);
    expect(arm.stderr).toContain('control arm "Z" has no units');
    const level = await cli('analyze', 'lift', '--experiment', 'ab', '--confidence', '2');
    expect(level.code).not.toBe(0);
    expect(level.stderr).toContain('must be a number between 0.5 and 1');
  }, 120_000);

  it('compares customer groups (refused here: the bank has no customer), and needs one mode', async () => {
    const none = await cli('analyze', 'lift');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --experiment ID, or --treatment and --control-group');
    const rich = JSON.stringify({ attr: 'aum', op: '>=', value: 1000 });
    const poor = JSON.stringify({ attr: 'aum', op: '<', value: 1000 });
    const groups = await cli(
      'analyze',
      'lift',
      '--treatment',
      rich,
      '--control-group',
      poor,
      '--outcome-attribute',
      'aum',
    );
    expect(groups.code).toBe(1);
    expect(groups.stderr).toContain('error: the treatment group has no customer');
  }, 60_000);
});
