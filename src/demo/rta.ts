import type { Kysely } from 'kysely';
import { trainLookalike } from '../rta/lookalike.ts';
import { createStrategy } from '../rta/strategy-store.ts';
import type { SegmentService } from '../segments/service.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';

// The demo bank's RTA side: the look-alike score trained on its customers and three strategies the growth team would
// run — new prospects (devices the bank does not know, and customers who hold nothing yet), dormant customers of gold
// tier and above (no app visit in 90 days) to win back, and look-alikes of the best customers bid up by their score.
// The demo's customers carry hashed device ids already (src/demo/customers.ts). The look-alike score is the model's
// probability of being a best customer: few reach 0.3 in the demo, so the floor is 0.2 (roughly the top tenth).

const AUTHOR = 'user:demo-growth';

/** Holds nothing the bank sells: a prospect, not yet a customer. */
const HOLDS_NOTHING = {
  not: {
    any: ['current_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'loan', 'credit_card'].map(
      (c) => ({
        holds: c,
      }),
    ),
  },
};

/** The demo's strategies (out_target_id as registered with the platform, names in the bank's words). */
export const DEMO_STRATEGIES = [
  {
    id: 'new_prospects',
    name: '新客拉新：非本行客户',
    target: { population: { rule: HOLDS_NOTHING }, unknownDevices: true },
    bidFactor: 1,
    cacheSeconds: 600,
    priority: 30,
  },
  {
    id: 'dormant_gold',
    name: '沉睡金卡及以上客户唤醒',
    target: {
      population: {
        rule: {
          all: [
            { attr: 'tier', op: 'in', value: ['gold', 'platinum', 'diamond', 'private'] },
            { not: { event: 'app_open', within_days: 90 } },
          ],
        },
      },
    },
    bidFactor: 1.3,
    cacheSeconds: 1800,
    priority: 10,
  },
  {
    id: 'lookalike_wealth',
    name: '理财优质客户相似人群加价',
    target: { population: { rule: { not: { holds: 'wealth' } } }, minLookalike: 0.2 },
    bidFactor: { score: 'lookalike', min: 1, max: 3 },
    cacheSeconds: 900,
    priority: 20,
  },
] as const;

/** Trains the look-alike score and saves the strategies (once: nothing when a strategy exists); how many were saved. */
export async function seedDemoRta(deps: {
  db: Kysely<Database>;
  clock: Clock;
  segments: SegmentService;
}): Promise<{ strategies: number; scored: number } | null> {
  const existing = await deps.db.selectFrom('rta_strategies').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const trained = await trainLookalike(deps, AUTHOR);
  if (!trained.ok) throw new Error(`demo look-alike: ${trained.error.message}`);
  for (const strategy of DEMO_STRATEGIES) {
    const saved = await createStrategy(deps, strategy, AUTHOR);
    if (!saved.ok) throw new Error(`demo RTA strategy ${strategy.id}: ${saved.error.message}`);
  }
  return { strategies: DEMO_STRATEGIES.length, scored: trained.value.scored };
}
