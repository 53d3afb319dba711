import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importExample,
  openMemoryStores,
  segmentService,
  UCI_IMPORTS,
  type MemoryStores,
} from '../../test/support/memory-stores.ts';
import { sharedDataFile } from '../../test/support/shared-data.ts';
import { analyseGroup } from '../analytics/group.ts';
import { fixedClock } from '../shared/clock.ts';
import type { Rule } from './rule.ts';
import type { SegmentService } from './service.ts';

// Real data: the UCI bank-marketing file imported with the examples/uci-bank-marketing mappings (customers with the
// `job` attribute, one campaign_contact event per row with month and poutcome, a term_deposit_subscribed event per
// conversion). Groups by job, contact month and previous outcome, written as segment rules, must reproduce the
// subscription rates computed straight from the CSV.

const DATA = sharedDataFile('bank-marketing/bank-additional-full.csv');
if (!DATA) console.warn('[flywheel tests] UCI segment groups skipped: bank-additional-full.csv not found');

/** Rows and subscriptions per value of a column, from a plain parse of the `;`-separated, quoted CSV. */
function ratesFromCsv(file: string, column: string): Map<string, { rows: number; yes: number }> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(';').map((h) => h.replaceAll('"', '').trim());
  const [at, y] = [names.indexOf(column), names.indexOf('y')];
  const out = new Map<string, { rows: number; yes: number }>();
  for (const line of lines) {
    const cells = line.split(';').map((c) => c.replaceAll('"', '').trim());
    const key = cells[at]!;
    const tally = out.get(key) ?? { rows: 0, yes: 0 };
    tally.rows++;
    if (cells[y] === 'yes') tally.yes++;
    out.set(key, tally);
  }
  return out;
}

describe.runIf(DATA)('UCI bank marketing: subscription rates of segment groups', () => {
  let stores: MemoryStores | undefined;
  let service: SegmentService;

  beforeAll(async () => {
    stores = await openMemoryStores();
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const reports = await importExample(stores, clock, DATA!, 'uci-bank-marketing', UCI_IMPORTS);
    for (const [i, r] of reports.entries())
      if (r.status !== 'committed') throw new Error(`import ${UCI_IMPORTS[i]![1]} failed`);
    service = segmentService(stores, clock);
  }, 300_000);
  afterAll(async () => {
    await stores?.close();
  });

  const count = async (rule: Rule) => {
    const r = await service.preview(rule);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.count;
  };
  const subscribed: Rule = { event: 'term_deposit_subscribed' };

  /** Group size and subscriptions for each value, through the segment service. */
  const check = async (column: string, group: (value: string) => Rule) => {
    const expected = ratesFromCsv(DATA!, column);
    expect(expected.size).toBeGreaterThan(2);
    for (const [value, tally] of expected) {
      const members = await count(group(value));
      const converted = await count({ all: [group(value), subscribed] });
      expect({ value, members, converted }).toEqual({ value, members: tally.rows, converted: tally.yes });
      expect(converted / members).toBeCloseTo(tally.yes / tally.rows, 12);
    }
  };

  it('reproduces the overall rate: 4,640 of 41,188 customers subscribed', async () => {
    expect(await count({ attr: 'source', op: '=', value: 'uci-bank-marketing' })).toBe(41_188);
    expect(await count(subscribed)).toBe(4_640);
    expect(await count({ event: 'term_deposit_subscribed', count: { eq: 0 } })).toBe(41_188 - 4_640);
  });

  it('by job (a customer attribute)', () => check('job', (job) => ({ attr: 'job', op: '=', value: job })));

  it('by contact month (a campaign_contact property)', () =>
    check('month', (month) => ({ event: 'campaign_contact', where: { month } })));

  it('by previous campaign outcome (a campaign_contact property)', () =>
    check('poutcome', (poutcome) => ({ event: 'campaign_contact', where: { poutcome } })));

  it('analyses the previous-success group: 1,373 customers, every one reachable by no channel yet', async () => {
    const members = await service.ruleMembers({ event: 'campaign_contact', where: { poutcome: 'success' } });
    if (!members.ok) throw new Error(members.error.message);
    const a = await analyseGroup(service.db, members.value.entry, members.value.bitmap);
    expect(a.members).toBe(ratesFromCsv(DATA!, 'poutcome').get('success')!.rows);
    expect(a.shareOfCustomers).toBeCloseTo(a.members / 41_188, 12);
    expect(a.reach).toEqual({ wecomFriend: 0, smsConsent: 0, appPush: 0, withManager: 0 });
    // the events are dated 2010: nobody is active around the as-of day
    expect(a.stickiness).toMatchObject({ active30dRate: 0, retention90dRate: null, avgTenureYears: null });
  });
});
