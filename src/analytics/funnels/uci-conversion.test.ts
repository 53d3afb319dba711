import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importExample,
  openMemoryStores,
  segmentService,
  UCI_IMPORTS,
  type MemoryStores,
} from '../../../test/support/memory-stores.ts';
import { sharedDataFile } from '../../../test/support/shared-data.ts';
import type { SegmentService } from '../../segments/service.ts';
import { fixedClock } from '../../shared/clock.ts';
import type { EventStore } from '../../store/events/store.ts';
import { funnelDefinitionSchema } from './definition.ts';
import { runFunnel, type FunnelResult } from './funnel.ts';
import { windowFunnelCheckSql } from './sql.ts';

// The UCI Bank Marketing file imported with examples/uci-bank-marketing (one campaign_contact per row, a
// term_deposit_subscribed for each y = yes, both at the same instant), then the funnel contact → subscription broken
// down by the contact's month and previous outcome: per value, contacts and conversion rate equal the direct count
// over the CSV below (its own parser, no Flywheel code).

const DATA =
  sharedDataFile('bank-marketing/bank-additional-full.csv') ?? 'bank-marketing/bank-additional-full.csv';
const present = existsSync(DATA);
if (!present) console.warn(`[flywheel tests] UCI funnel skipped: ${DATA} not found`);

/** Per value of `column`: rows (contacts) and rows with y = "yes" (subscriptions), straight from the file. */
function directCounts(column: string): Map<string, { contacts: number; conversions: number }> {
  const [header, ...rows] = readFileSync(DATA, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(';').map((h) => h.replace(/"/g, ''));
  const at = names.indexOf(column);
  const y = names.indexOf('y');
  const out = new Map<string, { contacts: number; conversions: number }>();
  for (const row of rows) {
    const cells = row.split(';').map((c) => c.replace(/"/g, ''));
    const key = cells[at]!;
    const entry = out.get(key) ?? { contacts: 0, conversions: 0 };
    entry.contacts++;
    if (cells[y] === 'yes') entry.conversions++;
    out.set(key, entry);
  }
  return out;
}

describe.runIf(present)('UCI bank marketing: conversion by month and previous outcome', () => {
  let stores: MemoryStores | undefined;
  let events: EventStore;
  let service: SegmentService;
  const clock = fixedClock('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    stores = await openMemoryStores();
    events = stores.events;
    await importExample(stores, clock, DATA, 'uci-bank-marketing', UCI_IMPORTS);
    service = segmentService(stores, clock);
  }, 300_000);
  afterAll(async () => {
    await stores?.close();
  });

  const funnel = async (property: string): Promise<FunnelResult> => {
    const def = funnelDefinitionSchema.parse({
      steps: [{ event: 'campaign_contact' }, { event: 'term_deposit_subscribed' }],
      window: { days: 1 },
      from: '2010-11-30',
      to: '2010-11-30',
      breakdown: { by: 'property', property },
    });
    const r = await runFunnel({ events, clock, segments: service }, def);
    if (!r.ok) throw new Error(r.error.message);
    // Same instant for contact and subscription: the chains and windowFunnel agree on every customer.
    const check = windowFunnelCheckSql(def, clock);
    expect(await events.query(check.sql, check.params)).toEqual([{ customers: 41_188, mismatched: 0 }]);
    return r.value;
  };

  for (const column of ['month', 'poutcome']) {
    it(`per ${column}: contacts and conversion rate equal the direct computation`, async () => {
      const expected = directCounts(column);
      const f = await funnel(column);
      const seen = new Map(
        f.breakdown!.groups.map((g) => [
          g.key!,
          {
            contacts: g.steps[0]!.customers,
            conversions: g.steps[1]!.customers,
            rate: g.steps[1]!.conversionFromFirst,
          },
        ]),
      );
      expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [value, e] of expected) {
        const s = seen.get(value)!;
        expect({ value, contacts: s.contacts, conversions: s.conversions }).toEqual({ value, ...e });
        expect(s.rate).toBeCloseTo(e.conversions / e.contacts, 12);
      }
      // Contact and subscription carry the same instant: every subscription counts, with 0 s to convert.
      expect(f.overall.steps.map((s) => s.customers)).toEqual([41_188, 4_640]);
      expect(f.overall.steps[1]!.medianSecondsFromPrevious).toBe(0);
      expect(f.breakdown!.omittedGroups).toBe(0);
    });
  }
});
