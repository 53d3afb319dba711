import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import { seedMigratedDataDir } from '../../test/support/pglite.ts';

// `flywheel segments …` end to end in child processes on embedded stores in a temporary data directory.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-segments-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliOn(DATA);

describe('flywheel segments', () => {
  it('previews, materialises, lists and exports', async () => {
    // Customers and a saved segment written in-process: each CLI run costs a process start, so only the segment
    // commands themselves run as children.
    await seedMigratedDataDir(DATA);
    const store = await openOperationalStore({ kind: 'pglite', dataDir: DATA });
    await migrate(store);
    await store.db
      .insertInto('customers')
      .values([
        { id: 1, customer_no: 'C1', aum: 10 },
        { id: 2, customer_no: 'C2', aum: 20 },
        { id: 3, customer_no: 'C3', aum: 30 },
      ])
      .execute();
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

    const out = join(dir, 'rich.csv');
    const exported = await cli('segments', 'export', 'rich', '--out', out);
    expect(exported.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('customer_no\nC2\nC3\n');

    // The group analysis and its portrait from the command line (no server, password or cookie).
    const group = await cli('analyze', 'group', '--segment', 'rich', '--json');
    expect(group.code).toBe(0);
    expect(JSON.parse(group.stdout)).toMatchObject({ members: 2, aum: 50, shareOfCustomers: 2 / 3 });
    const portrait = await cli('analyze', 'portrait', '--rule', '{"attr":"aum","op":">=","value":20}');
    expect(portrait.code).toBe(0);
    expect(portrait.stdout).toMatch(/^(tag\tvalue\tshare in group\tshare in bank\tTGI|portrait: )/);
    const noGroup = await cli('analyze', 'group');
    expect(noGroup.code).toBe(2);
    expect(noGroup.stderr).toContain('error: give the group: --segment <id> or --rule <json>');
  }, 240_000); // six child processes, each opening both stores
});
