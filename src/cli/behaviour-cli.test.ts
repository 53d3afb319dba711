import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';

// `flywheel analyze funnel | retention | churn` end to end in child processes on embedded stores: customers and events
// imported from CSV with the CLI, then each analysis as text and as JSON, and bad arguments.

const dir = mkdtempSync(join(tmpdir(), 'flywheel-cli-behaviour-'));
const cli = cliOn(join(dir, 'data'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four customers: C1 views and applies an hour later, C2 views and applies the same instant, C3 views only, C4 applies
// without viewing. Weekly logins for retention: C1 in the weeks of 11-02 and 11-09, C2 in the week of 11-02 only.
const EVENTS = [
  'id,no,event,time,channel',
  'e1,C1,view,2026-11-02T10:00:00Z,app',
  'e2,C1,apply,2026-11-02T11:00:00Z,',
  'e3,C2,view,2026-11-03T10:00:00Z,web',
  'e4,C2,apply,2026-11-03T10:00:00Z,',
  'e5,C3,view,2026-11-04T10:00:00Z,app',
  'e6,C4,apply,2026-11-04T10:00:00Z,',
  'e7,C1,login,2026-11-10T10:00:00Z,',
  'e8,C4,login,2026-11-16T10:00:00Z,',
];

beforeAll(async () => {
  const customers = join(dir, 'customers.csv');
  writeFileSync(customers, 'no,city\nC1,Hangzhou\nC2,Shanghai\nC3,Hangzhou\nC4,Shanghai\n');
  const customerMap = join(dir, 'customers.json');
  writeFileSync(customerMap, JSON.stringify({ columns: { customer_no: 'no', city: 'city' } }));
  const events = join(dir, 'events.csv');
  writeFileSync(events, EVENTS.join('\n') + '\n');
  const eventMap = join(dir, 'events.json');
  writeFileSync(
    eventMap,
    JSON.stringify({
      columns: {
        event_id: 'id',
        customer_no: 'no',
        event: 'event',
        time: 'time',
        'properties.channel': 'channel',
      },
    }),
  );
  expect((await cli('import', 'customers', customers, '--mapping', customerMap)).code).toBe(0);
  expect((await cli('import', 'events', events, '--mapping', eventMap)).code).toBe(0);
}, 120_000);

describe('flywheel analyze funnel, retention, churn', () => {
  it('prints a funnel as JSON and as text, broken down by a first-step property', async () => {
    const args = [
      'analyze',
      'funnel',
      '--steps',
      'view,apply',
      '--window-days',
      '1',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
    ];
    const json = await cli(...args, '--json');
    expect(json.code).toBe(0);
    const f = JSON.parse(json.stdout);
    expect(f.overall.steps.map((s: { customers: number }) => s.customers)).toEqual([3, 2]);
    expect(f.overall.steps[1].medianSecondsFromPrevious).toBe(1800);
    const text = await cli(...args, '--breakdown', 'property:channel');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2\tapply\t2\t66.67%\t66.67%\t30.0 min');
    expect(text.stdout).toContain('channel = app');
    expect(text.stdout).toMatch(/channel = web\n.*\n1\tview\t1\t/);
  });

  it('takes a definition file, and refuses bad arguments (2) and unknown events (1)', async () => {
    const file = join(dir, 'funnel.json');
    writeFileSync(
      file,
      JSON.stringify({
        steps: [{ event: 'view', where: { channel: 'app' } }, { event: 'apply' }],
        window: { days: 1 },
        from: '2026-11-01',
        to: '2026-11-30',
      }),
    );
    const r = await cli('analyze', 'funnel', '--definition', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).overall.steps.map((s: { customers: number }) => s.customers)).toEqual([2, 1]);

    const oneStep = await cli(
      'analyze',
      'funnel',
      '--steps',
      'view',
      '--window-days',
      '1',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
    );
    expect(oneStep.code).toBe(2);
    expect(oneStep.stderr).toContain('error: --steps <events>: a funnel has 2 to 8 steps');
    // Missing options are named as options, in plain words, one line each (not a schema's "received undefined").
    const bare = await cli('analyze', 'funnel', '--steps', 'view,buy', '--window-days', '1');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      'error: --from <YYYY-MM-DD> is required (or "from" in the --definition file)',
    );
    expect(bare.stderr).toContain('error: --to <YYYY-MM-DD> is required');
    expect(bare.stderr).not.toContain('undefined');
    const unknown = await cli(
      'analyze',
      'funnel',
      '--steps',
      'view,nope',
      '--window-days',
      '1',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('step 2: unknown event "nope"');
    const empty = await cli(
      'analyze',
      'funnel',
      '--steps',
      'view,apply',
      '--window-days',
      '1',
      '--from',
      '2027-01-01',
      '--to',
      '2027-01-02',
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('not enough data: no customer did "view"');
  });

  it('prints the retention table and the churn trend', async () => {
    const r = await cli(
      'analyze',
      'retention',
      '--start',
      'event:view',
      '--return',
      'event:login',
      '--period',
      'week',
      '--periods',
      '3',
      '--from',
      '2026-11-02',
      '--to',
      '2026-11-08',
      '--json',
    );
    expect(r.code).toBe(0);
    // One cohort (week of 11-02): C1, C2, C3; only C1 logs in, in week +1.
    expect(JSON.parse(r.stdout).overall.cohorts).toEqual([
      { cohort: '2026-11-02', size: 3, retained: [0, 1, 0], rates: [0, 1 / 3, 0] },
    ]);
    const text = await cli(
      'analyze',
      'retention',
      '--from',
      '2026-11-02',
      '--to',
      '2026-11-08',
      '--periods',
      '2',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2026-11-02\t4\t100.0%\t25.0%');
    const churn = await cli(
      'analyze',
      'churn',
      '--activity',
      'event',
      '--days',
      '7',
      '--period',
      'week',
      '--from',
      '2026-11-09',
      '--to',
      '2026-11-09',
      '--json',
    );
    expect(churn.code).toBe(0);
    // At risk on 11-09: active 11-02..11-08 = C1, C2, C3, C4; by 11-16 only C1 (11-10) was active in the last 7 days.
    expect(JSON.parse(churn.stdout).trend).toEqual([
      {
        period: '2026-11-09',
        periodEnd: '2026-11-15',
        complete: true,
        enoughHistory: true,
        atRisk: 4,
        churned: 3,
        churnRate: 0.75,
      },
    ]);
    expect(
      (
        await cli(
          'analyze',
          'retention',
          '--period',
          'fortnight',
          '--from',
          '2026-11-02',
          '--to',
          '2026-11-08',
        )
      ).code,
    ).toBe(2);
  });
});
