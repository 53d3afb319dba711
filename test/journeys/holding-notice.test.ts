import { type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { enterDueDates } from '../../src/journeys/dated.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Day } from '../../src/shared/day.ts';
import type { Database } from '../../src/store/operational/database.ts';
import {
  deliveryWorker,
  drain,
  engineDepsWithoutRules,
  JOURNEY_CHANNEL,
  liveJourney,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// A deposit-maturity journey's service notice names the deposit it is about: {{ reminder.* }} from the holding that
// falls due on the day its customer entered for (T−7), also when the notice goes out days later (after a wait) and
// when a missed day was caught up — the run's own day would point at another holding, or none.

const N = 30;
const START = new Date('2026-12-07T02:00:00Z'); // 10:00 in Shanghai
const FIRST_MATURITY = '2026-12-14'; // customer id's deposit matures FIRST_MATURITY + id % 10

for (const engine of await engines())
  describe(`a holding-date journey's notices on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = START;
    const clock = clockOf(() => now, 'Asia/Shanghai');
    let deps: EngineDeps;

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      await seedJourneyBank(db, clock, N, FIRST_MATURITY);
      deps = engineDepsWithoutRules(db, clock);
    });
    afterAll(() => dispose());

    it('fills each notice from the holding its entry was for, two days after entering and on a caught-up day', async () => {
      const content = await createContent({ db, clock }, 'user:author', {
        type: 'brand',
        title: 'Maturity notice',
        variants: {
          sms: {
            text: '您的{{ reminder.products }}（尾号{{ reminder.account_last4 }}）{{ reminder.amount }}元将于{{ reminder.due_date }}到期',
          },
        },
      });
      if (!content.ok) throw new Error(content.error.message);
      const id = content.value.contentId;
      await reviewContent({ db, clock }, 'user:author', id, 1, { action: 'submit' });
      await reviewContent({ db, clock }, 'user:checker', id, 1, { action: 'approve' });
      await liveJourney(db, clock, 'Maturity notice after two days', {
        entry: { kind: 'date', field: 'deposit_maturity', daysBefore: 7 },
        start: 'settle',
        nodes: [
          { id: 'settle', kind: 'wait', duration: { days: 2 } },
          {
            id: 'notice',
            kind: 'send',
            content: { id, version: 1 },
            channels: [JOURNEY_CHANNEL],
            purpose: 'service',
          },
          { id: 'done', kind: 'exit' },
        ],
        edges: [
          { from: 'settle', exit: 'next', to: 'notice' },
          { from: 'notice', exit: 'next', to: 'done' },
        ],
        reentry: { kind: 'once' },
        controlPercent: 0,
      });
      // Two days pass without the daily batch; on the third its catch-up enters the first two days' customers too.
      now = new Date(START.getTime() + 2 * 86_400_000);
      await enterDueDates(deps, clock.today() as Day, now);
      const entries = await db
        .selectFrom('journey_memberships')
        .select(['customer_id', 'holding_due_on'])
        .execute();
      expect(entries.length).toBe(9); // published on 12-07: days 12-07 and 12-08 caught up, 12-09 today; deposits maturing 12-14..16
      for (const e of entries)
        expect(e.holding_due_on).toBe(`2026-12-${String(14 + (e.customer_id % 10)).padStart(2, '0')}`);
      await drain(deps, now); // the wait starts
      // Two days later the notices go out, each naming its own deposit.
      now = new Date(START.getTime() + 4 * 86_400_000);
      await drain(deps, now);
      const worker = deliveryWorker(db, clock);
      await deliverBatch(worker, new AbortController().signal);
      const outbox = await db.selectFrom('outbox_messages').select(['customer_id', 'body']).execute();
      const consenting = entries.filter((e) => e.customer_id % 7 !== 0);
      expect(outbox).toHaveLength(consenting.length);
      for (const o of outbox) {
        const due = entries.find((e) => e.customer_id === o.customer_id)!.holding_due_on;
        const text = (o.body as { fields: { text: string } }).fields.text;
        const last4 = String(o.customer_id).padStart(8, '0').slice(-4);
        expect(text).toContain(`一年定期（尾号${last4}）`);
        expect(text).toContain(`将于${due}到期`);
      }
    });
  });
