import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliUsers, inProcess } from '../../test/support/cli.ts';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { seedSegmentFixture } from '../../test/support/segments-fixture.ts';
import { SegmentService } from '../segments/service.ts';
import { fixedClock } from '../shared/clock.ts';
import { tagSource } from '../tags/segment-source.ts';
import { registerRtaCommands } from './commands/rta.ts';

// `flywheel rta …` parsed and run in this process on one embedded bank (the segment fixture's ten customers, their
// tiers and devices): a strategy created from a file (refused to an account manager; a rule the engine cannot
// evaluate refused with its location), listed, updated, paused and resumed (each a version, audited), and the
// look-alike score trained.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-rta-'));
const clock = fixedClock('2026-11-23T10:00:00Z', 'Asia/Shanghai');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
let s: MemoryStores;

beforeAll(async () => {
  s = await openMemoryStores();
  const db = s.store.db;
  await seedSegmentFixture(db);
  // the best customers (gold and above count as "best" only from platinum up): three platinum among ten
  await db.updateTable('customers').set({ tier: 'platinum' }).where('id', 'in', [5, 6, 7]).execute();
  const more = Array.from({ length: 40 }, (_, k) => ({
    id: 11 + k,
    customer_no: `X${11 + k}`,
    tier: k % 3 === 0 ? ('platinum' as const) : ('mass' as const),
    birth_date: k % 3 === 0 ? '1965-01-01' : '1999-01-01',
    customer_since: '2020-01-01',
  }));
  await db.insertInto('customers').values(more).execute();
  await db
    .insertInto('customer_identities')
    .values(
      [1, 5, 12, 20].map((id) => ({
        kind: 'oaid_md5' as const,
        value: md5(`device ${id}`),
        customer_id: id,
      })),
    )
    .execute();
  await createCliUsers(db, clock, [
    ['growth', 'analyst'],
    ['viewer', 'account_manager'],
  ]);
}, 60_000);
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

function rta(...args: string[]) {
  const db = s.store.db;
  const segments = new SegmentService({ tags: tagSource, db, events: s.events, clock });
  return inProcess(['rta', ...args], (program, exit) =>
    registerRtaCommands(program, async (action) => exit(await action({ db, clock, segments }))),
  );
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

const GOLD = {
  id: 'gold_up',
  name: 'Gold customers, bid up',
  target: { population: { rule: { tag: 'aum_tier', in: ['gold'] } } },
  bidFactor: 1.8,
  cacheSeconds: 900,
};

describe('flywheel rta', () => {
  it('creates, lists, updates, pauses and resumes a strategy, each a version by the acting user', async () => {
    const refused = await rta('strategies', 'create', '--file', file('gold.json', GOLD), '--as', 'viewer');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lacks permission rta.manage');

    const bad = await rta(
      'strategies',
      'create',
      '--file',
      file('bad.json', {
        ...GOLD,
        id: 'bad',
        target: { population: { rule: { tag: 'no_such_tag', in: ['x'] } } },
      }),
      '--as',
      'growth',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no_such_tag/);

    const made = await rta(
      'strategies',
      'create',
      '--file',
      file('gold.json', GOLD),
      '--as',
      'growth',
      '--json',
    );
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({
      id: 'gold_up',
      version: 1,
      status: 'active',
      bidFactor: 1.8,
    });

    const listed = await rta('strategies', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/gold_up\s.*Gold customers, bid up\s.*active\s.*1\s.*rule\s.*1\.8\s.*900/);

    const updated = await rta(
      'strategies',
      'update',
      '--file',
      file('gold2.json', { ...GOLD, bidFactor: { score: 'lookalike', min: 1, max: 3 } }),
      '--as',
      'growth',
    );
    expect(updated.stdout).toBe('gold_up v2 active: Gold customers, bid up');
    expect((await rta('strategies', 'pause', 'gold_up', '--as', 'growth')).stdout).toBe(
      'gold_up v3 paused: Gold customers, bid up',
    );
    expect((await rta('strategies', 'resume', 'gold_up')).stdout).toBe(
      'gold_up v4 active: Gold customers, bid up',
    );
    const shown = await rta('strategies', 'show', 'gold_up');
    expect(shown.stdout).toContain('bid lookalike 1–3');
    expect(shown.stdout.match(/^ {2}v\d /gm)).toHaveLength(4);
    expect(shown.stdout).toMatch(/v3 \S+ by user:growth/);
    expect(shown.stdout).toMatch(/v4 \S+ by cli:/);
    expect((await rta('strategies', 'show', 'nothing')).code).toBe(1);

    const audit = await s.store.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity_type', '=', 'rta_strategy')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.actor.split(':')[0])).toEqual(['user', 'user', 'user', 'cli']);
  });

  it('trains the look-alike score and says on how many', async () => {
    const trained = await rta('lookalike', 'train', '--as', 'growth', '--json');
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ customers: 50, scored: 4, asOf: '2026-11-23' });
    const text = await rta('lookalike', 'train');
    expect(text.stdout).toMatch(
      /^look-alike trained on 50 customers \(\d+ best\) as of 2026-11-23; 4 scored/,
    );
    expect(text.stdout).toContain('  age:');
  });
});
