import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from '../../test/support/cli.ts';
import { liveJourney, seedJourneyBank, WAIT_JOURNEY } from '../../test/support/journey-fixture.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { enterCustomers } from '../journeys/enter.ts';
import { recordGoalEvents } from '../journeys/events.ts';
import { clockOf } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { registerOgsmCommands, registerScenesCommand } from './commands/ogsm.ts';

// `flywheel ogsm …` and `flywheel analyze scenes`, parsed and run in this process on one embedded bank: a journey's
// plan set from a file (refused with located problems first), shown measured, reviewed with --score and --lesson,
// listed; the scenes analysis as a table and as JSON.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-ogsm-'));
const N = 100;
const START = new Date('2026-12-07T02:00:00Z');
let store: OperationalStore;
let events: EventStore;
let now = START;
const clock = clockOf(() => now, 'Asia/Shanghai');
let journeyId: number;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  await seedJourneyBank(store.db, clock, N, '2027-03-01');
  const live = await liveJourney(store.db, clock, 'Openers', {
    ...WAIT_JOURNEY,
    controlPercent: 20,
    goal: { event: 'purchase' },
  });
  journeyId = live.journeyId;
  await enterCustomers(
    { db: store.db, clock },
    live.versionId,
    Array.from({ length: N }, (_, i) => i + 1),
    now,
  );
  await recordGoalEvents(
    { db: store.db },
    Array.from({ length: N / 2 }, (_, i) => ({ customerId: 2 * i + 1, name: 'purchase', time: now })),
  );
  now = new Date(START.getTime() + 86_400_000);
}, 60_000);
afterAll(async () => {
  await store?.close();
  await events?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `flywheel <args>` (ogsm or analyze scenes) in this process: exit code and what it printed. */
function flywheel(...args: string[]) {
  return inProcess(args, (program, exit) => {
    const run = async (
      action: (deps: { db: typeof store.db; events: EventStore; clock: typeof clock }) => Promise<number>,
    ) => exit(await action({ db: store.db, events, clock }));
    registerOgsmCommands(program, run);
    registerScenesCommand(program.command('analyze'), run);
  });
}

const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

describe('flywheel ogsm', () => {
  it('sets, shows, reviews and lists a journey plan', async () => {
    const plan = {
      objective: 'Openers buy',
      goals: [{ id: 'rate', metric: 'conversion_rate', target: 0.25, windowDays: 7 }],
      strategies: [{ id: 's1', text: 'Rest a day' }],
      measures: ['reached'],
    };
    const bad = await flywheel(
      'ogsm',
      'set',
      'journey',
      String(journeyId),
      '--file',
      file('bad.json', { ...plan, goals: [{ ...plan.goals[0], windowDays: 999 }] }),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\/goals\/0\/windowDays: /);

    const set = await flywheel(
      'ogsm',
      'set',
      'journey',
      String(journeyId),
      '--file',
      file('plan.json', plan),
    );
    expect(set).toMatchObject({ code: 0, stdout: `saved plan v1 of journey ${journeyId}` });

    const show = await flywheel('ogsm', 'show', 'journey', String(journeyId));
    expect(show.stdout).toContain(`journey ${journeyId} Openers — plan v1`);
    expect(show.stdout).toMatch(/^goal\s+metric\s+target\s+value\s+attained\s+window\s+lift vs control$/m);
    const json = JSON.parse((await flywheel('ogsm', 'show', 'journey', String(journeyId), '--json')).stdout);
    const rate = json.goals[0].value as number;
    expect(show.stdout).toMatch(
      new RegExp(
        `^rate\\s+conversion_rate\\s+25\\.0%\\s+${(100 * rate).toFixed(1)}%\\s+${json.goals[0].attainment}%`,
        'm',
      ),
    );

    const review = await flywheel(
      'ogsm',
      'review',
      'journey',
      String(journeyId),
      '--score',
      's1=4',
      '--lesson',
      'Resting works',
    );
    expect(review.stdout).toBe(`reviewed: plan v2 of journey ${journeyId}`);
    expect((await flywheel('ogsm', 'show', 'journey', String(journeyId))).stdout).toContain(
      'strategy s1 [4/5] Rest a day',
    );
    const unknown = await flywheel('ogsm', 'review', 'journey', String(journeyId), '--score', 'zz=3');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('/scores/0/id');

    const list = await flywheel('ogsm', 'list', '--kind', 'journey');
    expect(list.stdout).toMatch(
      new RegExp(`^journey ${journeyId}\\s+1\\s+[01]\\s+rate [\\d.]+%\\s+yes\\s+Openers$`, 'm'),
    );
    const activity = await flywheel('ogsm', 'show', 'activity', '1');
    expect(activity.code).toBe(1);
    expect(activity.stderr).toMatch(/no OGSM plan|no activity/);
  });

  it('analyses scenes as a table and as JSON', async () => {
    const table = await flywheel(
      'analyze',
      'scenes',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-31',
      '--days',
      '7',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^journey\s+journey_event\s+none\s+1\s+\d+\s+0\s+–/m);
    const json = JSON.parse(
      (await flywheel('analyze', 'scenes', '--from', '2026-12-01', '--to', '2026-12-31', '--json')).stdout,
    );
    expect(json).toMatchObject({ days: 30, groups: [{ source: 'journey', subjects: 1 }] });
  });
});
