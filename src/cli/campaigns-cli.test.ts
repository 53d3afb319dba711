import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCampaignBank } from '../../test/support/campaign-fixture.ts';
import { createCliUsers, inProcess } from '../../test/support/cli.ts';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { segmentAudience } from '../campaigns/audience.ts';
import { SegmentService } from '../segments/service.ts';
import { systemClock } from '../shared/clock.ts';
import type { Stores } from '../store/stores.ts';
import { tagSource } from '../tags/segment-source.ts';
import { registerCampaignCommands } from './commands/campaigns.ts';
import { registerProductCommands } from './commands/products.ts';

// `flywheel campaigns …` parsed and run in this process on one embedded bank: create from a JSON draft (located
// errors), preview, submit, approve as a named user other than the author, run now, status, results; then
// `flywheel products set-role` and `list`. (The binary's registration of every command is the CLI's own test.)

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-campaigns-'));
const N = 200;
const clock = systemClock('Asia/Shanghai');
let s: MemoryStores;
let stores: Stores;
let contentId: number;

beforeAll(async () => {
  s = await openMemoryStores();
  stores = { operational: s.store, events: s.events };
  ({ contentId } = await seedCampaignBank(s.store.db, clock, N, [{ key: 'outbox', kind: 'outbox' }]));
  await createCliUsers(s.store.db, clock, [
    ['author', 'analyst'],
    ['checker', 'admin'],
    ['viewer', 'account_manager'],
  ]);
}, 60_000);
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `flywheel <args>` (campaigns or products) in this process on the test's stores. */
function cli(...args: string[]) {
  const db = s.store.db;
  const segments = new SegmentService({ tags: tagSource, db, events: s.events, clock });
  return inProcess(args, (program, exit) => {
    registerCampaignCommands(program, async (action) =>
      exit(await action({ stores, clock, deps: { db, clock, audience: segmentAudience(segments) } })),
    );
    registerProductCommands(program, async (action) => exit(await action(stores, clock)));
  });
}

describe('flywheel campaigns', () => {
  it('creates, previews, reviews, runs and reports a campaign', async () => {
    const draft = {
      name: 'Morning post',
      purpose: 'marketing',
      population: { rule: { attr: 'gender', op: '=', value: 'F' } },
      content: { id: contentId, version: 1 },
      channels: ['outbox'],
      schedule: { kind: 'now' },
      controlPercent: 10,
    };
    const file = (name: string, body: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
      return path;
    };

    const bad = await cli(
      'campaigns',
      'create',
      '--file',
      file('bad.json', { ...draft, controlPercent: 80, channels: [] }),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('  /controlPercent:');
    expect(bad.stderr).toContain('  /channels:');
    const unknown = await cli(
      'campaigns',
      'create',
      '--file',
      file('chan.json', { ...draft, channels: ['nope'] }),
    );
    expect(unknown.stderr).toContain('  /channels/0: no enabled channel nope');
    expect((await cli('campaigns', 'create', '--as', 'viewer', '--file', file('ok.json', draft))).code).toBe(
      1,
    );

    const created = await cli(
      'campaigns',
      'create',
      '--as',
      'author',
      '--file',
      file('ok.json', draft),
      '--json',
    );
    expect(created.code).toBe(0);
    const campaign = JSON.parse(created.stdout) as { id: number; status: string };
    expect(campaign).toMatchObject({ status: 'draft', createdBy: 'user:author' });
    const id = String(campaign.id);

    const preview = await cli('campaigns', 'preview', id, '--json');
    expect(preview.code).toBe(0);
    const waterfall = JSON.parse(preview.stdout) as { audience: number; toSend: number };
    expect(waterfall.audience).toBe(N / 2);
    expect(waterfall.toSend).toBeGreaterThan(0);
    expect(waterfall.toSend).toBeLessThan(N / 2);

    expect((await cli('campaigns', 'submit', id, '--as', 'author')).code).toBe(0);
    const self = await cli('campaigns', 'approve', id, '--as', 'author');
    expect(self.code).toBe(1); // the analyst lacks campaigns.approve
    const approved = await cli('campaigns', 'approve', id, '--as', 'checker', '--note', 'ok', '--json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'approved', approvedVersion: 1 });

    const started = await cli('campaigns', 'run', id, '--json');
    expect(started.code).toBe(0);
    const run = JSON.parse(started.stdout) as { id: number; status: string; waterfall: { toSend: number } };
    expect(run.status).toBe('sending');
    expect(run.waterfall.toSend).toBe(waterfall.toSend); // the preview's numbers are the run's

    expect((await cli('campaigns', 'status', id)).stdout).toContain(`0/${waterfall.toSend} sent`);

    const results = await cli('campaigns', 'results', id, '--json');
    expect(results.code).toBe(0);
    expect(JSON.parse(results.stdout)).toMatchObject({
      campaignId: campaign.id,
      run: { id: run.id },
      funnel: expect.arrayContaining([{ stage: 'audience', customers: N / 2 }]),
      product: { id: 'WM-90', role: 'profit' },
    });

    // A product's role: head office's (the analyst is refused), audited; the list shows it.
    const analyst = await cli('products', 'set-role', 'WM-90', 'traffic', '--as', 'author');
    expect(analyst).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('lacks permission products.write'),
    });
    const set = await cli('products', 'set-role', 'WM-90', 'traffic', '--as', 'checker', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      id: 'WM-90',
      name: '稳健90天',
      category: 'wealth',
      role: 'traffic',
    });
    expect((await cli('products', 'list')).stdout).toContain('WM-90\ttraffic\twealth');
  }, 180_000);
});
