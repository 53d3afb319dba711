import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALON } from '../../test/support/activity-fixture.ts';
import { cliOn, inProcess } from '../../test/support/cli.ts';
import { JOURNEY_CHANNEL, openCliBank, type CliBank } from '../../test/support/journey-fixture.ts';
import { segmentAudience } from '../campaigns/audience.ts';
import { SegmentService } from '../segments/service.ts';
import { clockOf } from '../shared/clock.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { tagSource } from '../tags/segment-source.ts';
import { registerActivityCommands } from './commands/activities.ts';
import { checkInCode } from '../activities/attend.ts';

// `flywheel activities …` parsed and run in this process on one embedded bank (one child process shows the command
// is registered): create (refused to a manager), invite, list, show, an attendance sheet refused whole with its
// located problems then taken, a scanned code at the door, a lead, an edit, invitees, finish, follow-ups once, results.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-activities-'));
const N = 20;
const LINKS = { secret: 'cli-activities-secret', publicUrl: 'https://bank.example' };

let bank: CliBank;
let store: OperationalStore;
let events: EventStore;
let now = new Date('2026-12-07T02:00:00Z');
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

/** Runs `flywheel activities <args>` in this process on the test's store: exit code and what it printed. */
function activities(...args: string[]) {
  const segments = new SegmentService({ db: store.db, events, clock, tags: tagSource });
  return inProcess(['activities', ...args], (program, exit) =>
    registerActivityCommands(program, async (action) =>
      exit(
        await action({
          deps: { db: store.db, clock, audience: segmentAudience(segments) },
          events,
          links: LINKS,
        }),
      ),
    ),
  );
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('flywheel activities', () => {
  it('creates, invites, takes a sheet, finishes, follows up and measures an activity', async () => {
    const body = file('activity.json', SALON);
    const refused = await activities('create', '--file', body, '--as', 'viewer');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/lacks permission campaigns.write/);
    const created = await activities('create', '--file', body, '--as', 'author', '--json');
    expect(created.code).toBe(0);
    const id = String(JSON.parse(created.stdout).id);

    const invitation = file('invitation.json', {
      population: { rule: { sample: { percent: 100, seed: 'everyone' } } },
      controlPercent: 20,
      content: { id: contentId, version: 1 },
      channels: [JOURNEY_CHANNEL],
    });
    const invited = await activities('invite', id, '--file', invitation, '--as', 'author', '--json');
    expect(invited.code, invited.stderr).toBe(0);
    const report = JSON.parse(invited.stdout);
    expect(report.invitees).toBe(N);
    expect((await activities('invite', id, '--file', invitation)).stdout).toMatch(
      /^invited 0 \(control 0\).*20 already on the activity/,
    );

    const list = await activities('list');
    expect(list.stdout.split('\n')[0]).toMatch(/^id\s+status\s+starts\s+invited/);
    expect(list.stdout).toContain('财富沙龙');
    expect((await activities('show', id)).stdout).toMatch(/^activity \d+ open: 财富沙龙/);

    // A sheet with an unknown customer and a time outside the window: refused whole, each problem located.
    now = new Date('2026-12-12T07:00:00Z');
    const bad = file(
      'bad.csv',
      'customer_no,checked_in_at\nK0000001,2026-12-12 14:10\nK9999999,2026-12-12 14:20\nK0000002,2026-12-13 09:00\n',
    );
    const refusedSheet = await activities('import-attendance', id, bad);
    expect(refusedSheet.code).toBe(1);
    expect(refusedSheet.stderr).toMatch(/\/rows\/2\/customer_no: /);
    expect(refusedSheet.stderr).toMatch(/\/rows\/3\/checked_in_at: /);
    const good = file(
      'good.csv',
      'customer_no,checked_in_at\nK0000001,2026-12-12 14:10\nK0000002,2026-12-12 14:30\n',
    );
    const taken = await activities('import-attendance', id, good, '--json');
    expect(taken.code, taken.stderr).toBe(0);
    expect(JSON.parse(taken.stdout)).toMatchObject({ rows: 2 });
    // At the door: a third guest's scanned code, once, then again; a lead captured by the host.
    const code = await checkInCode({ db: store.db, clock }, LINKS, Number(id), 'K0000003');
    if (!code.ok) throw new Error(code.error.message);
    expect((await activities('check-in', id, code.value.url, '--as', 'author')).stdout).toMatch(
      /^K0000003 checked in at /,
    );
    expect((await activities('check-in', id, code.value.token)).stdout).toMatch(/was already checked in/);
    expect((await activities('check-in', id, 'not-a-code')).stderr).toMatch(/not valid/);
    const lead = file('lead.json', { name: '周先生', phone: '13900009999', capturedBy: 'AM1' });
    expect((await activities('lead', id, '--file', lead)).stdout).toMatch(
      /^new prospect L\d{9} \(owner AM1\)/,
    );
    const invitees = JSON.parse((await activities('invitees', id, '--json')).stdout);
    expect(invitees.items.filter((i: { checkedInAt: string | null }) => i.checkedInAt).length).toBe(4);
    // An edit: more room.
    const bigger = file('bigger.json', { ...SALON, capacity: 40 });
    expect((await activities('update', id, '--file', bigger)).stdout).toBe(`activity ${id} saved`);
    expect(JSON.parse((await activities('show', id, '--json')).stdout).capacity).toBe(40);

    expect((await activities('follow-ups', id)).code).toBe(1); // not finished yet
    expect((await activities('finish', id, '--as', 'author')).stdout).toBe(`activity ${id} finished`);
    const followUps = await activities('follow-ups', id, '--json');
    expect(JSON.parse(followUps.stdout)).toMatchObject({ eligible: 4, created: 4 });
    expect((await activities('follow-ups', id)).stdout).toMatch(/^0 tasks created of 4 eligible \(4 earlier/);

    const results = await activities('results', id, '--json');
    expect(results.code).toBe(0);
    expect(JSON.parse(results.stdout).counts).toMatchObject({
      invited: N - report.control,
      checkedIn: 4,
      tasks: 4,
    });
    const text = await activities('results', id, '--window-days', '14');
    // A sheet may check in a control-group member, who stays in the control group (not an attendee).
    expect(text.stdout).toMatch(/^attendees\s+[12]\s+0\s/m);
    expect(text.stdout).toMatch(/^control\s+\d+\s+0\s/m);
  }, 30_000);

  it('is a command of `flywheel` (one child process)', async () => {
    const cli = cliOn(join(dir, 'data'));
    const listed = await cli('activities', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  }, 60_000);
});
