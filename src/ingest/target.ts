import { sql, type Transaction } from 'kysely';
import type { Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { Mapping, MappingProblem } from './mapping.ts';
import {
  loadReferences,
  upsertConsent,
  upsertCustomers,
  upsertHoldings,
  upsertStaff,
  type BatchOutcome,
  type BatchRow,
} from './operational.ts';
import type { ImportKind } from './targets.ts';

// Where each kind of import writes. The runner (run.ts) reads, maps, validates and batches rows the same way for
// every kind, then hands the batches to the kind's target: the event store's stager for events and transactions, or
// an operational target's writer inside the import's one transaction. Targets of other domains (the experiment
// units of src/analytics/experiments) are handed to the runner by its caller, so ingest imports none of them.

/** A writer of mapped rows into the operational store, bound to the import's transaction. */
export interface OperationalWriter {
  write(rows: BatchRow[]): Promise<BatchOutcome>;
  /** Facts the import's report and audit record carry when it commits (e.g. the experiment written). */
  report?(): Record<string, unknown>;
}

/** What an operational target is given to open its writer. */
export interface WriterContext {
  /** The mapped target fields, in mapping order. */
  readonly fields: readonly string[];
  readonly actor: string;
  /** What the target's `prepare` returned. */
  readonly plan: unknown;
}

/** An import target: the event store, or a writer into the operational store. */
export type ImportTarget =
  | { readonly store: 'events'; readonly table: 'events' | 'transactions' }
  | {
      readonly store: 'operational';
      /** Checks the mapping (and the request's own section) before any row is read; the plan goes to `open`. */
      prepare?(
        mapping: Mapping,
        section: Record<string, unknown> | undefined,
      ): Result<unknown, MappingProblem>;
      open(trx: Transaction<Database>, context: WriterContext): Promise<OperationalWriter>;
    };

/** Targets by import kind; a caller adds those of other domains to the built-in ones. */
export type ImportTargets = Readonly<Partial<Record<ImportKind, ImportTarget>>>;

// Serialises customer imports (and profile upserts), so dense ordinals are assigned max(id)+1… without gaps or races.
export const CUSTOMERS_LOCK = 727_301;

/** The kinds ingest writes itself: profiles, holdings, staff and consent, and the two event-store tables. */
export const BUILTIN_TARGETS: ImportTargets = {
  customers: {
    store: 'operational',
    async open(trx, { fields }) {
      const refs = await loadReferences(trx);
      await sql`select pg_advisory_xact_lock(${CUSTOMERS_LOCK})`.execute(trx);
      const max = await sql<{ max: number }>`select coalesce(max(id), 0)::int as max from customers`.execute(
        trx,
      );
      const start = max.rows[0]?.max ?? 0;
      const nextId = { value: start + 1, emptyAtStart: start === 0 };
      return { write: (rows) => upsertCustomers(trx, rows, fields, refs, nextId) };
    },
  },
  holdings: {
    store: 'operational',
    async open(trx, { fields }) {
      const refs = await loadReferences(trx);
      return { write: (rows) => upsertHoldings(trx, rows, fields, refs) };
    },
  },
  staff: {
    store: 'operational',
    async open(trx, { fields }) {
      const refs = await loadReferences(trx);
      return { write: (rows) => upsertStaff(trx, rows, fields, refs) };
    },
  },
  consent: {
    store: 'operational',
    open: async (trx) => ({ write: (rows) => upsertConsent(trx, rows) }),
  },
  events: { store: 'events', table: 'events' },
  transactions: { store: 'events', table: 'transactions' },
};

/** The target of a kind: the caller's, else the built-in one; undefined when neither has it. */
export function targetOf(kind: ImportKind, extra: ImportTargets | undefined): ImportTarget | undefined {
  return extra?.[kind] ?? BUILTIN_TARGETS[kind];
}
