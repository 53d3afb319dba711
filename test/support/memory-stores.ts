import { fileURLToPath } from 'node:url';
import { runImport, type ImportReport } from '../../src/ingest/run.ts';
import type { ImportKind } from '../../src/ingest/targets.ts';
import type { CacheOptions } from '../../src/segments/index-cache.ts';
import { SegmentService } from '../../src/segments/service.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { openMigratedMemoryStore } from './pglite.ts';

// The stores most domain tests run on (a migrated in-memory PGlite and an in-memory chDB), the segment service as the
// server wires it on them, and the example files imported as `flywheel import` does.

/** Both stores, opened together and closed together. */
export interface MemoryStores {
  readonly store: OperationalStore;
  readonly events: EventStore;
  close(): Promise<void>;
}

/** Opens a migrated, empty in-memory PGlite and an in-memory chDB. */
export async function openMemoryStores(): Promise<MemoryStores> {
  const [store, events] = await Promise.all([
    openMigratedMemoryStore(),
    openEventStore({ kind: 'chdb', dataDir: null }),
  ]);
  return {
    store,
    events,
    async close() {
      await events.close();
      await store.close();
    },
  };
}

/** A segment service on the stores that reads tags through the tag module, as the server builds it. */
export function segmentService(
  stores: { readonly store: OperationalStore; readonly events: EventStore },
  clock: Clock,
  cacheOptions?: CacheOptions,
): SegmentService {
  return new SegmentService({
    tags: tagSource,
    db: stores.store.db,
    events: stores.events,
    clock,
    ...(cacheOptions ? { cacheOptions } : {}),
  });
}

/** A folder of examples/ (with its trailing slash), where the mapping files of a data set live. */
export const exampleDir = (name: string): string =>
  fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));

/**
 * Imports `file` once per [kind, mapping file of `example`], in order, as the command line would (no rejected row
 * expected: the error file is never written); throws when an import cannot run. The reports, in the same order.
 */
export async function importExample(
  stores: { readonly store: OperationalStore; readonly events: EventStore },
  clock: Clock,
  file: string,
  example: string,
  imports: readonly (readonly [ImportKind, string])[],
): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  for (const [kind, mapping] of imports) {
    const r = await runImport(
      {
        kind,
        file,
        mapping: exampleDir(example) + mapping,
        actor: 'test',
        errorsFile: `${file}.never-written.csv`,
      },
      { operational: stores.store, events: stores.events, clock },
    );
    if (!r.ok) throw new Error(r.error.message);
    reports.push(r.value);
  }
  return reports;
}

/** The three imports of the UCI bank-marketing file: customers, campaign contacts, conversions. */
export const UCI_IMPORTS = [
  ['customers', 'customers.json'],
  ['events', 'contacts.json'],
  ['events', 'conversions.json'],
] as const satisfies readonly (readonly [ImportKind, string])[];
