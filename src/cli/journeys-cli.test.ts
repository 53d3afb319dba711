import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn, inProcess } from '../../test/support/cli.ts';
import {
  drain,
  engineDeps,
  maturityJourney,
  openCliBank,
  type CliBank,
  WAIT_JOURNEY,
} from '../../test/support/journey-fixture.ts';
import { enterCustomers } from '../journeys/enter.ts';
import { recordGoalEvents } from '../journeys/events.ts';
import { SegmentService } from '../segments/service.ts';
import { clockOf } from '../shared/clock.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { tagSource } from '../tags/segment-source.ts';
import { registerJourneyCommands } from './commands/journeys.ts';

// `flywheel journeys …`: the commands parsed and run in this process on one embedded bank (child processes open the
// stores each time, ~4 s a call: one of them shows the command is registered in `flywheel`) — check naming nodes,
// create (refused to a manager), list, publish, counts as customers move, revise, a migration previewed, refused and
// applied, show, results against the control group, pause/resume/stop.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-journeys-'));
const N = 100;
const START = new Date('2026-12-07T02:00:00Z');

let bank: CliBank;
let store: OperationalStore;
let events: EventStore;
let now = START;
const clock = clockOf(() => now, 'Asia/Shanghai');
let contentId: number;

beforeAll(async () => {
  bank = await openCliBank(clock, N);
  ({ store, events, contentId } = bank);
}, 60_000);
afterAll(async () => {
  await bank?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `flywheel journeys <args>` in this process on the test's store: exit code and what it printed. */
function journeys(...args: string[]) {
  const segments = new SegmentService({ db: store.db, events, clock, tags: tagSource });
  return inProcess(['journeys', ...args], (program, exit) =>
    registerJourneyCommands(program, async (action) =>
      exit(await action({ deps: { db: store.db, clock, segments } })),
    ),
  );
}

const file = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
};

describe('flywheel journeys', () => {
  it('checks, creates, publishes, counts, migrates, measures and controls a journey', async () => {
    const body = maturityJourney(contentId, {
      entry: { kind: 'event', event: 'app_open' },
      controlPercent: 20,
      goal: { event: 'purchase' },
    });
    const broken = { ...body, edges: body.edges.filter((e) => e.exit !== 'default') };
    const check = await journeys('check', '--file', file('broken.json', broken));
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('/nodes/2 (node bought): branch bought has no default exit');
    expect(check.stdout).toContain('[branch_without_default]');
    expect(await journeys('check', '--file', file('body.json', body), '--json')).toMatchObject({
      code: 0,
      stdout: JSON.stringify({ problems: [] }, null, 2),
    });

    const refused = await journeys(
      'create',
      '--name',
      'M',
      '--file',
      file('body.json', body),
      '--as',
      'viewer',
    );
    expect(refused).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('lacks permission campaigns.write'),
    });
    const created = await journeys(
      'create',
      '--name',
      'Maturity',
      '--file',
      file('body.json', body),
      '--as',
      'author',
      '--json',
    );
    expect(created.code).toBe(0);
    const { id, versionId: v1 } = JSON.parse(created.stdout) as { id: number; versionId: number };
    const list = await journeys('list');
    expect(list.stdout.split('\n')[0]).toMatch(
      /^id\s+status\s+version\s+entry\s+inside\s+entered\s+converted\s+name$/,
    );
    expect(list.stdout).toMatch(
      new RegExp(`^${id}\\s+draft\\s+–/1\\*\\s+event\\s+0\\s+0\\s+0\\s+Maturity$`, 'm'),
    );
    expect((await journeys('publish', String(id))).stdout).toBe(`journey ${id} live on version id ${v1}`);

    await enterCustomers(
      { db: store.db, clock },
      v1,
      Array.from({ length: N }, (_, i) => i + 1),
      now,
    );
    const segments = new SegmentService({ db: store.db, events, clock, tags: tagSource });
    const engine = engineDeps(store.db, clock, segments);
    await drain(engine, now);
    const counts = JSON.parse((await journeys('counts', String(id), '--json')).stdout) as {
      totals: { inside: number; control: number };
    };
    const inside = counts.totals.inside;
    expect(inside + counts.totals.control).toBe(N);
    expect((await journeys('counts', String(id))).stdout).toMatch(
      new RegExp(`^wait3\\s+${inside}\\s+${inside}\\s+0\\s+–$`, 'm'),
    );

    // Revised while customers wait; the migration previewed, refused when it orphans them, then applied.
    const v2Body = {
      ...body,
      nodes: body.nodes.map((n) => (n.id === 'wait3' ? { ...n, duration: { days: 2 } } : n)),
    };
    expect((await journeys('revise', String(id), '--file', file('v2.json', v2Body))).stdout).toMatch(
      /saved v2/,
    );
    const migrate = (mapping: Record<string, string>, ...more: string[]) =>
      journeys(
        'publish',
        String(id),
        '--migrate-from',
        String(v1),
        '--mapping',
        file('map.json', mapping),
        ...more,
      );
    const preview = await migrate({}, '--preview', '--json');
    expect(JSON.parse(preview.stdout)).toMatchObject({
      orphans: [{ node: 'wait3', customers: inside, reason: 'unmapped' }],
    });
    const orphaning = await migrate({ wait3: 'call' });
    expect(orphaning.code).toBe(1);
    expect(orphaning.stderr).toContain(
      `/migrate/mapping/wait3: ${inside} customer(s) on node wait3 are waiting`,
    );
    expect((await migrate({ wait3: 'wait3' })).stdout).toMatch(
      /live on version id \d+ \(customers migrated\)/,
    );
    const show = await journeys('show', String(id));
    expect(show.stdout).toMatch(new RegExp(`^v2 \\(current\\)\\s+\\d+\\s+\\S+\\s+${inside}\\s+cli:`, 'm'));

    now = new Date(START.getTime() + 4 * 86_400_000);
    await drain(engine, now);
    await recordGoalEvents(
      { db: store.db },
      Array.from({ length: N / 2 }, (_, i) => ({ customerId: 2 * i + 1, name: 'purchase', time: now })),
    );
    const results = await journeys('results', String(id));
    expect(results.stdout).toContain('goal: purchase');
    expect(results.stdout).toMatch(
      /^treated\s+\d+\s+\d+\s+\d+\.\d%\s+[\d.]+–[\d.]+%\s+[+-][\d.]+ pp \(95% interval/m,
    );
    expect(results.stdout).toMatch(/^bought:default\s+\d+/m);
    const json = JSON.parse((await journeys('results', String(id), '--json')).stdout);
    expect(json.treated.converted + json.control.converted).toBe(N / 2);

    expect((await journeys('pause', String(id))).stdout).toBe(`journey ${id} paused`);
    expect((await journeys('resume', String(id), '--json')).stdout).toBe(
      JSON.stringify({ status: 'live' }, null, 2),
    );
    expect((await journeys('stop', String(id), '--as', 'author')).stdout).toBe(`journey ${id} stopped`);
    expect((await journeys('stop', String(id))).code).toBe(1);
  }, 60_000);

  it('is a command of `flywheel` (one child process)', async () => {
    const cli = cliOn(join(dir, 'data'));
    const run = await cli('journeys', 'check', '--file', file('simple.json', WAIT_JOURNEY), '--json');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('"problems": []') });
  }, 60_000);
});
