// seedDemoBank: generates a realistic, deterministic retail bank into empty stores. The operational rows land in one
// transaction (all or nothing); event-store rows carry deterministic ids, so a re-run after a failure deduplicates.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { EventStore } from '../store/events/store.ts';
import type { Tier } from '../store/operational/database.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { adoptOwnersFromAttributes } from '../pool/ownership.ts';
import { parseDay } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { orgUnits, PRODUCTS, sizePools, staff } from './bank.ts';
import { beijingMs, dayNumber, isoDate, makeWindow } from './calendar.ts';
import { dailyGrid, DAILY_GRID_DEFINITION, deriveDailyFacts } from './daily.ts';
import { startProducer } from './producer.ts';
import { STAGES, type Stage } from './lifecycle.ts';
import { OPERATIONAL_TABLES } from './generate.ts';
import { deferSecondaryIndexes, EventLoader, insertJson, insertRows } from './writer.ts';

/** As-of day used when the caller gives none, so a bare seed is reproducible. */
export const DEFAULT_AS_OF = '2025-06-30';

/** What to generate. */
export interface DemoOptions {
  readonly customers: number;
  readonly days: number;
  readonly seed: string;
  /** Last day of history, 'YYYY-MM-DD' (Beijing); default DEFAULT_AS_OF. */
  readonly asOf?: string;
}

/** What was generated, and how long it took. */
export interface DemoSummary {
  readonly options: Required<DemoOptions>;
  readonly window: { readonly from: string; readonly to: string };
  /** Rows written per table. */
  readonly counts: Readonly<Record<string, number>>;
  readonly tiers: Readonly<Record<Tier, number>>;
  readonly lifecycle: Readonly<Record<Stage, number>>;
  readonly aum: { readonly total: number; readonly top20Share: number };
  readonly dailyFacts: { readonly definition: string; readonly dates: number };
  /** Where customers were generated: a worker thread, or the main thread when no worker could start. */
  readonly generator: 'worker' | 'in-process';
  /**
   * Milliseconds. Generation and event-store loads overlap the operational inserts, so the parts do not add up:
   * generateWaitMs and eventStoreWaitMs are the time the seed waited for them, eventStoreLoadMs the loads' own time.
   */
  readonly timings: {
    readonly generateWaitMs: number;
    readonly operationalMs: number;
    readonly eventStoreWaitMs: number;
    readonly eventStoreLoadMs: number;
    readonly dailyMs: number;
    readonly totalMs: number;
  };
}

/** Why the bank was not seeded. */
export type DemoSeedError =
  | {
      readonly code: 'not_empty';
      readonly message: string;
      readonly details: { readonly table: string };
    }
  | { readonly code: 'invalid_options'; readonly message: string };

/** Customers generated (and inserted) per slice: bounds memory at a million customers. */
const SLICE = 10_000;

/** Seeds the demo bank into empty stores; refuses (not_empty) when customers or reference data already exist. */
export async function seedDemoBank(
  deps: { store: OperationalStore; events: EventStore; logger?: { info(obj: object, msg?: string): void } },
  options: DemoOptions,
): Promise<Result<DemoSummary, DemoSeedError>> {
  const started = performance.now();
  const { store, events, logger } = deps;
  const invalid = validate(options);
  if (invalid) return err({ code: 'invalid_options', message: invalid });
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const resolved = { customers: options.customers, days: options.days, seed: options.seed, asOf };
  const endDay = dayNumber(asOf);
  const w = makeWindow(endDay, options.days);

  for (const table of ['customers', 'org_units', 'staff', 'products'] as const) {
    const found = await sql<{
      any: boolean;
    }>`select exists (select 1 from ${sql.table(table)}) as any`.execute(store.db);
    if (found.rows[0]?.any) {
      return err({
        code: 'not_empty',
        message: `the operational store already has ${table}: the demo bank only seeds an empty store`,
        details: { table },
      });
    }
  }

  const counts: Record<string, number> = {};
  const add = (table: string, n: number) => (counts[table] = (counts[table] ?? 0) + n);
  const tiers: Record<Tier, number> = { mass: 0, gold: 0, platinum: 0, diamond: 0, private: 0 };
  const lifecycle = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const aums = new Float64Array(options.customers);
  const assigned = new Map<string, number>();
  const newCustomers = new Map<number, number>();
  const gridDays = dailyGrid(w).filter((d) => d < w.endDay);
  const timings = { generateMs: 0, operationalMs: 0, eventStoreWaitMs: 0, dailyMs: 0 };
  const clock = async <T>(key: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      timings[key] += performance.now() - t;
    }
  };

  const { rows: staffRows, managers } = staff(options.seed, endDay);
  // Reference rows are stamped with the start of the as-of day, not now(), so reruns are byte-identical.
  const created = new Date(beijingMs(endDay, 0)).toISOString();
  const dir = await mkdtemp(join(tmpdir(), 'flywheel-demo-'));
  const producer = await startProducer({
    seed: options.seed,
    endDay,
    days: options.days,
    managers: [...managers],
    dir,
  });
  const loader = new EventLoader(events);
  let summary: DemoSummary | undefined;
  try {
    await store.db.transaction().execute(async (tx) => {
      // The generator guarantees referential integrity, so skip per-row foreign-key triggers where allowed (they
      // multiply insert time on PGlite); without superuser rights (managed PostgreSQL) the checks simply run.
      const superuser = await sql<{ on: string }>`select current_setting('is_superuser') as on`.execute(tx);
      if (superuser.rows[0]?.on === 'on') await sql`set local session_replication_role = replica`.execute(tx);
      const rebuildIndexes = await deferSecondaryIndexes(tx, OPERATIONAL_TABLES);
      await insertRows(
        tx,
        'org_units',
        orgUnits().map((u) => ({ ...u, created_at: created })),
      );
      await insertRows(
        tx,
        'products',
        PRODUCTS.map((p) => ({ ...p, created_at: created })),
      );
      add('org_units', orgUnits().length);
      add('products', PRODUCTS.length);

      // The worker generates slice k+1 while this thread inserts slice k and chDB loads the files of slice k-1.
      const request = (fromId: number) => {
        const pending = producer.produce(fromId, Math.min(options.customers, fromId + SLICE - 1));
        pending.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
        return pending;
      };
      let next = request(1);
      for (let fromId = 1; fromId <= options.customers; fromId += SLICE) {
        const batch = await clock('generateMs', () => next);
        if (fromId + SLICE <= options.customers) next = request(fromId + SLICE);
        for (const file of batch.files) {
          await clock('eventStoreWaitMs', () => loader.enqueue(file.table, file.path));
          add(file.table === 'customer_daily' ? 'customer_daily_anchors' : file.table, file.rows);
        }
        for (const part of batch.operational) {
          await clock('operationalMs', () => insertJson(tx, part.table, part.columns, part.json));
          add(part.table, part.rows);
        }
        batch.facts.forEach((f, i) => {
          const id = fromId + i;
          aums[id - 1] = f.aumCents / 100;
          tiers[f.tier]++;
          lifecycle[STAGES[f.stage] ?? 'portrait']++;
          if (f.managerId) assigned.set(f.managerId, (assigned.get(f.managerId) ?? 0) + 1);
          if (f.sinceDay >= w.startDay) newCustomers.set(id, f.sinceDay);
          add('customer_daily', 1 + gridDays.filter((d) => d >= f.sinceDay).length);
        });
        const done = Math.min(options.customers, fromId + SLICE - 1);
        if (done % (SLICE * 10) === 0 || done === options.customers) {
          logger?.info(
            { customers: done, of: options.customers, ms: Math.round(performance.now() - started) },
            'demo bank: customers written',
          );
        }
      }
      delete counts['customer_daily_anchors'];
      await clock('operationalMs', rebuildIndexes);
      sizePools(staffRows, assigned);
      await insertRows(
        tx,
        'staff',
        staffRows.map((s) => ({ ...s, created_at: created, updated_at: created })),
      );
      add('staff', staffRows.length);
      // Owners (src/pool) from each customer's account_manager_id, stamped like the rest of the seed.
      add(
        'customer_owners',
        await adoptOwnersFromAttributes(tx, { actor: 'system:demo', at: new Date(created) }),
      );

      await clock('eventStoreWaitMs', () => loader.finish());
      await clock('dailyMs', () => deriveDailyFacts(events, w, options.customers, newCustomers));

      const sorted = Float64Array.from(aums).sort().reverse();
      const total = sorted.reduce((a, b) => a + b, 0);
      const top = sorted.subarray(0, Math.ceil(sorted.length / 5)).reduce((a, b) => a + b, 0);
      summary = {
        options: resolved,
        window: { from: isoDate(w.startDay), to: asOf },
        counts: { ...counts, system_state: 1 },
        tiers,
        lifecycle,
        aum: {
          total: Math.round(total * 100) / 100,
          top20Share: total > 0 ? Math.round((top / total) * 10_000) / 10_000 : 0,
        },
        dailyFacts: { definition: DAILY_GRID_DEFINITION, dates: gridDays.length + 1 },
        generator: producer.mode,
        timings: {
          generateWaitMs: Math.round(timings.generateMs),
          operationalMs: Math.round(timings.operationalMs),
          eventStoreWaitMs: Math.round(timings.eventStoreWaitMs),
          eventStoreLoadMs: Math.round(loader.loadMs),
          dailyMs: Math.round(timings.dailyMs),
          totalMs: Math.round(performance.now() - started),
        },
      };
      await tx
        .insertInto('system_state')
        .values({ key: 'demo_bank', value: JSON.stringify({ options: resolved, summary }) })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: sql`now()` }),
        )
        .execute();
    });
  } finally {
    await producer.close();
    await loader.finish().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  if (!summary) throw new Error('demo: seed transaction finished without a summary');
  const final: DemoSummary = {
    ...summary,
    timings: { ...summary.timings, totalMs: Math.round(performance.now() - started) },
  };
  logger?.info(
    { counts: final.counts, timings: final.timings, generator: final.generator },
    'demo bank seeded',
  );
  return ok(final);
}

function validate(options: DemoOptions): string | undefined {
  if (!Number.isInteger(options.customers) || options.customers < 1 || options.customers > 10_000_000)
    return 'customers must be a whole number from 1 to 10,000,000';
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 3650)
    return 'days must be a whole number from 1 to 3650';
  if (typeof options.seed !== 'string' || options.seed.length === 0) return 'seed must be a non-empty string';
  if (options.asOf !== undefined) {
    const asOf = parseDay(options.asOf);
    if (!asOf.ok) return `asOf: ${asOf.error}`;
  }
  return undefined;
}
