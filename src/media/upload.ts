import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type ImportDeps, type ImportFailure, type ImportReport } from '../ingest/run.ts';
import { parseCsvText } from '../shared/csv.ts';
import type { Result } from '../shared/errors.ts';
import { MEDIA_IMPORT_TARGETS } from './import.ts';

// A spend or brand report handed over as text (the API, the dashboard's import dialog, the demo): written to a
// temporary file and run through the same importer as `flywheel media import-spend`.

const FIELDS = {
  media_spend: ['channel', 'campaign', 'day', 'impressions', 'clicks', 'cost'],
  media_brand: ['channel', 'period', 'branded_search', 'direct_visits', 'awareness'],
} as const;

export type MediaImportKind = keyof typeof FIELDS;

/** The mapping of a CSV whose header names the target fields itself: each target field the header has. */
export function identityMapping(kind: MediaImportKind, csv: string): { columns: Record<string, string> } {
  const firstLine = csv.slice(0, Math.max(0, csv.indexOf('\n')) || csv.length);
  const first = parseCsvText(firstLine)[0];
  const header = new Set((first?.kind === 'record' ? first.values : []).map((h) => h.trim()));
  const fields: readonly string[] = FIELDS[kind];
  const present = fields.filter((f) => header.has(f));
  return { columns: Object.fromEntries((present.length ? present : fields).map((f) => [f, f])) };
}

/** Imports a report given as CSV text (mapping: the given one, else the header's own field names). */
export async function importMediaText(
  deps: Omit<ImportDeps, 'targets'>,
  request: { kind: MediaImportKind; csv: string; mapping?: unknown; allowPartial?: boolean; actor: string },
): Promise<Result<ImportReport, ImportFailure>> {
  const dir = await mkdtemp(join(tmpdir(), 'flywheel-media-'));
  try {
    const file = join(dir, `${request.kind}.csv`);
    await writeFile(file, request.csv);
    return await runImport(
      {
        kind: request.kind,
        file,
        mapping: { value: request.mapping ?? identityMapping(request.kind, request.csv) },
        allowPartial: request.allowPartial === true,
        errorsFile: join(dir, 'errors.csv'),
        actor: request.actor,
      },
      { ...deps, targets: MEDIA_IMPORT_TARGETS },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
