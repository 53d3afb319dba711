import { sql, type Kysely } from 'kysely';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import type { WorkerDeps } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY, type ContactPolicy } from '../../src/campaigns/policy/settings.ts';
import { processAllDue, type EngineDeps } from '../../src/journeys/engine.ts';
import type { JourneyBody } from '../../src/journeys/model.ts';
import { createJourney, publishJourney } from '../../src/journeys/service.ts';
import type { SegmentService } from '../../src/segments/service.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { seedCampaignBank } from './campaign-fixture.ts';
import { createCliUsers } from './cli.ts';
import { openMigratedMemoryStore } from './pglite.ts';

// A small bank for journey tests: the campaign fixture's customers and consents (multiples of 7 never answered, of
// 10 revoked SMS marketing), an outbox SMS channel, the approved product post, one account manager owning everyone,
// a one-year time deposit for every customer maturing over ten days from `firstMaturity`, and the manual tag
// journey_touch.

/** The journey tests' channel. */
export const JOURNEY_CHANNEL = 'bank_sms';
/** No quiet hours, no caps, no holdout: every send the consent allows is queued at once. */
export const OPEN_POLICY: ContactPolicy = {
  ...DEFAULT_CONTACT_POLICY,
  quietHours: null,
  caps: {},
  globalHoldoutPercent: 0,
};

/** Seeds the bank; customer i's deposit matures on firstMaturity + (i % 10) days. */
export async function seedJourneyBank(
  db: Kysely<Database>,
  clock: Clock,
  n: number,
  firstMaturity: string,
): Promise<{ contentId: number }> {
  const seeded = await seedCampaignBank(db, clock, n, [{ key: JOURNEY_CHANNEL, kind: 'outbox' }]);
  await db
    .insertInto('staff')
    .values({ id: 'AM1', name: '李经理', org_unit_id: 'HO', role: 'account_manager' })
    .execute();
  await sql`insert into customer_owners (customer_id, manager_id, source)
            select id, 'AM1', 'assign' from generate_series(1, ${n}::int) as id`.execute(db);
  await db
    .insertInto('products')
    .values({ id: 'TD-1Y', name: '一年定期', category: 'time_deposit', role: 'traffic', term_days: 365 })
    .execute();
  await sql`
    insert into holdings (customer_id, account_no, product_id, balance, opened_on, maturity_date)
    select id, 'TD' || lpad(id::text, 8, '0'), 'TD-1Y', 50000, ${firstMaturity}::date - 365,
           ${firstMaturity}::date + id % 10
      from generate_series(1, ${n}::int) as id`.execute(db);
  await db
    .insertInto('tag_definitions')
    .values({
      key: 'journey_touch',
      version: 1,
      name_en: 'Journey touch',
      name_zh: '旅程触达',
      category: 'custom',
      kind: 'manual',
      spec: JSON.stringify({ values: [{ value: 'maturity', label: { en: 'Maturity', zh: '到期' } }] }),
      created_by: 'test',
    })
    .execute();
  return seeded;
}

/** A bank for in-process CLI tests: the journey bank in memory, an event store, an analyst and an account manager. */
export interface CliBank {
  readonly store: OperationalStore;
  readonly events: EventStore;
  readonly contentId: number;
  close(): Promise<void>;
}

/**
 * Opens a CliBank of `n` customers (deposits maturing from 2027-03-01) with the users `author` (analyst) and `viewer`
 * (account manager), password 'cli-test-password'.
 */
export async function openCliBank(clock: Clock, n: number): Promise<CliBank> {
  const store = await openMigratedMemoryStore();
  const events = await openEventStore({ kind: 'chdb', dataDir: null });
  const { contentId } = await seedJourneyBank(store.db, clock, n, '2027-03-01');
  await createCliUsers(store.db, clock, [
    ['author', 'analyst'],
    ['viewer', 'account_manager'],
  ]);
  return {
    store,
    events,
    contentId,
    async close() {
      await store.close();
      await events.close();
    },
  };
}

/** Creates and publishes a journey; its id and live version. */
export async function liveJourney(
  db: Kysely<Database>,
  clock: Clock,
  name: string,
  body: JourneyBody,
): Promise<{ journeyId: number; versionId: number }> {
  const created = await createJourney({ db, clock }, 'user:ops', { name, body });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const published = await publishJourney({ db, clock }, 'user:ops', created.value.journeyId);
  if (!published.ok) throw new Error(JSON.stringify(published.error));
  return created.value;
}

/** The deposit-maturity journey: T−7 → notice → wait 3 days → bought a wealth product? → done, or a call task. */
export function maturityJourney(contentId: number, overrides: Partial<JourneyBody> = {}): JourneyBody {
  return {
    entry: { kind: 'date', field: 'deposit_maturity', daysBefore: 7 },
    start: 'notice',
    nodes: [
      {
        id: 'notice',
        kind: 'send',
        content: { id: contentId, version: 1 },
        channels: [JOURNEY_CHANNEL],
        purpose: 'service',
      },
      { id: 'wait3', kind: 'wait', duration: { days: 3 } },
      { id: 'bought', kind: 'branch', arms: [{ key: 'yes', rule: { holds: 'wealth' } }] },
      { id: 'call', kind: 'task', title: '到期客户回访', dueDays: 2 },
      { id: 'touch', kind: 'tag', action: 'add', tag: 'journey_touch', value: 'maturity' },
      { id: 'done', kind: 'exit' },
    ],
    edges: [
      { from: 'notice', exit: 'next', to: 'wait3' },
      { from: 'wait3', exit: 'next', to: 'bought' },
      { from: 'bought', exit: 'yes', to: 'done' },
      { from: 'bought', exit: 'default', to: 'call' },
      { from: 'call', exit: 'next', to: 'touch' },
      { from: 'touch', exit: 'next', to: 'done' },
    ],
    reentry: { kind: 'once' },
    controlPercent: 10,
    ...overrides,
  };
}

/** The smallest journey: app openers wait a day, then leave (no content or channel needed). */
export const WAIT_JOURNEY = {
  entry: { kind: 'event', event: 'app_open' },
  start: 'wait',
  nodes: [
    { id: 'wait', kind: 'wait', duration: { days: 1 } },
    { id: 'done', kind: 'exit' },
  ],
  edges: [{ from: 'wait', exit: 'next', to: 'done' }],
  reentry: { kind: 'once' },
  controlPercent: 10,
} as const satisfies JourneyBody;

/** Enter, rest a day, leave: the smallest journey that holds its customers for a while. */
export function restJourney(entry: JourneyBody['entry'], overrides: Partial<JourneyBody> = {}): JourneyBody {
  return {
    entry,
    start: 'rest',
    nodes: [
      { id: 'rest', kind: 'wait', duration: { days: 1 } },
      { id: 'done', kind: 'exit' },
    ],
    edges: [{ from: 'rest', exit: 'next', to: 'done' }],
    reentry: { kind: 'always' },
    controlPercent: 0,
    ...overrides,
  };
}

/** Entered on app_open, a marketing post on the journey channel, done. */
export function postJourney(contentId: number): JourneyBody {
  return {
    entry: { kind: 'event', event: 'app_open' },
    start: 'post',
    nodes: [
      {
        id: 'post',
        kind: 'send',
        content: { id: contentId, version: 1 },
        channels: [JOURNEY_CHANNEL],
        purpose: 'marketing',
      },
      { id: 'done', kind: 'exit' },
    ],
    edges: [{ from: 'post', exit: 'next', to: 'done' }],
    reentry: { kind: 'once' },
    controlPercent: 0,
  };
}

/** Entered on app_open, waits up to two days for view_product: leaves by 'clicked' or 'silent'. */
export function awaitViewJourney(): JourneyBody {
  return {
    entry: { kind: 'event', event: 'app_open' },
    start: 'await',
    nodes: [
      { id: 'await', kind: 'wait_for_event', event: 'view_product', timeout: { days: 2 } },
      { id: 'clicked', kind: 'exit' },
      { id: 'silent', kind: 'exit' },
    ],
    edges: [
      { from: 'await', exit: 'event', to: 'clicked' },
      { from: 'await', exit: 'timeout', to: 'silent' },
    ],
    reentry: { kind: 'once' },
    controlPercent: 0,
  };
}

/** The campaign delivery worker on the journey channel (an outbox), as the worker service runs it. */
export function deliveryWorker(db: Kysely<Database>, clock: Clock): WorkerDeps {
  return {
    db,
    clock,
    workerId: 'journey-test',
    senders: new Map([[JOURNEY_CHANNEL, outboxChannel(db, clock, JOURNEY_CHANNEL)]]),
    composer: new Composer(
      db,
      new Map([
        [JOURNEY_CHANNEL, { key: JOURNEY_CHANNEL, reaches: 'sms' as const, variant: 'sms' as const }],
      ]),
      'Demo Bank',
    ),
  };
}

/** Engine dependencies on a segment service (branch rules on today's index). */
export function engineDeps(
  db: Kysely<Database>,
  clock: Clock,
  segments: Pick<SegmentService, 'ruleMembers'>,
): EngineDeps {
  return { db, clock, policy: OPEN_POLICY, ruleMembers: (rule) => segments.ruleMembers(rule) };
}

/** Engine dependencies for journeys without branches: the open policy, and no rule evaluates. */
export function engineDepsWithoutRules(db: Kysely<Database>, clock: Clock): EngineDeps {
  return {
    db,
    clock,
    policy: OPEN_POLICY,
    ruleMembers: () => Promise.resolve({ ok: false, error: { message: 'no rules in this test' } }),
  };
}

/** Processes batches until nothing is due at `now`; the memberships claimed in all. */
export function drain(deps: EngineDeps, now: Date, limit = 100): Promise<number> {
  return processAllDue(deps, { now, limit });
}

/** Rows of (membership, node) the step log has more than once: empty when every step was taken once. */
export async function repeatedSteps(db: Kysely<Database>): Promise<unknown[]> {
  const { rows } = await sql`
    select membership_id, node_id, count(*)::int as n from journey_steps
     group by membership_id, node_id having count(*) > 1`.execute(db);
  return rows;
}
