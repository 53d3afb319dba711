import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';
import { seedCampaignBank } from '../../test/support/campaign-fixture.ts';
import { AuthService } from '../auth/service.ts';
import { systemClock } from '../shared/clock.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import { TEST_PASSWORD_COST } from '../../test/support/password-cost.ts';
import { seedMigratedDataDir } from '../../test/support/pglite.ts';

// `flywheel campaigns …` end to end in child processes on embedded stores in a temporary data directory: create from
// a JSON draft (located errors), preview, submit, approve as a named user other than the author, run now, status,
// results; then `flywheel products set-role` and `list`.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-campaigns-'));
const DATA = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliOn(DATA);
const N = 200;

describe('flywheel campaigns', () => {
  it('creates, previews, reviews, runs and reports a campaign', async () => {
    // The bank, its users and an approved content item written in-process; only the campaign commands run as children.
    await seedMigratedDataDir(DATA);
    const store = await openOperationalStore({ kind: 'pglite', dataDir: DATA });
    await migrate(store);
    const clock = systemClock('Asia/Shanghai');
    const { contentId } = await seedCampaignBank(store.db, clock, N, [{ key: 'outbox', kind: 'outbox' }]);
    const auth = new AuthService({
      db: store.db,
      clock,
      sessionTtlHours: 1,
      passwordCost: TEST_PASSWORD_COST,
    });
    for (const [username, role] of [
      ['author', 'analyst'],
      ['checker', 'admin'],
      ['viewer', 'account_manager'],
    ] as const)
      await auth.createUser({ username, role, password: 'cli-test-password', staffId: null }, 'test');
    await store.close();

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
    // Each child process opens both stores (~4 s): the human-readable forms and the refusals are checked once each.
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
