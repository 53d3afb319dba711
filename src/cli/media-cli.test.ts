import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from '../../test/support/cli.ts';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { fixedClock } from '../shared/clock.ts';
import { registerMediaCommands } from './commands/media.ts';

// `flywheel media …` parsed and run in this process on one embedded bank: a spend report with a mapping (a bad
// one located and rejected), attribution, and the comparison as a table, JSON and CSV.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-media-'));
const clock = fixedClock('2026-11-23T04:00:00Z', 'Asia/Shanghai');
let s: MemoryStores;

beforeAll(async () => {
  s = await openMemoryStores();
  await s.store.db
    .insertInto('customers')
    .values([{ id: 1, customer_no: 'C1', customer_since: '2026-11-10' }])
    .execute();
  await s.events.insert('events', [
    {
      event_id: 'a1',
      customer_id: 1,
      distinct_id: 'C1',
      event: 'ad_click',
      time: Date.parse('2026-11-08T02:00:00Z'),
      properties: { channel: 'wechat_moments' },
    },
  ]);
}, 60_000);
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

function flywheel(...args: string[]) {
  return inProcess(args, (program, exit) =>
    registerMediaCommands(program, async (action) =>
      exit(await action({ operational: s.store, events: s.events, clock })),
    ),
  );
}

describe('flywheel media', () => {
  it('imports with a mapping, attributes and compares', async () => {
    const file = join(dir, 'spend.csv');
    writeFileSync(file, '渠道,日期,曝光,点击,花费\nwechat_moments,2026-11-09,1000,10,500\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        columns: { channel: '渠道', day: '日期', impressions: '曝光', clicks: '点击', cost: '花费' },
      }),
    );
    const ok = await flywheel('media', 'import-spend', file, '--mapping', mapping);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('inserted 1');
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, '渠道,日期,曝光,点击,花费\nwechat_moments,2026-02-30,1,1,1\n');
    const bad = await flywheel('media', 'import-spend', badFile, '--mapping', mapping);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/row 1.*day/);

    const attributed = await flywheel('media', 'attribute', '--window', '30', '--json');
    expect(JSON.parse(attributed.stdout)).toMatchObject({ attributed: 1, windowDays: 30 });
    const csv = join(dir, 'out.csv');
    const table = await flywheel(
      'media',
      'compare',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
      '--csv',
      csv,
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/wechat_moments\s+1\s+1\s+500/);
    expect(readFileSync(csv, 'utf8')).toContain('wechat_moments');
    const json = await flywheel('media', 'compare', '--from', '2026-11-01', '--to', '2026-11-30', '--json');
    const moments = JSON.parse(json.stdout).channels.find(
      (c: { channel: { key: string } }) => c.channel.key === 'wechat_moments',
    );
    expect(moments.metrics.cpa).toBe(500);
  });
});
