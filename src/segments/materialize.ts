import { recordAudit } from '../audit/audit.ts';
import { err, ok } from '../shared/errors.ts';
import type { ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import type { SegmentIndexEntry } from './index-cache.ts';
import type { SegmentResult, SegmentService } from './service.ts';

// Materialisation: a saved segment's members on a business day, stored in segment_snapshots (members, AUM, bitmap).
// One row per (segment, day): computing a day again replaces its row, so the daily job can be rerun safely.

/** What one materialisation stored. */
export interface Materialized {
  readonly segmentId: string;
  readonly asOf: string;
  readonly version: number;
  readonly members: number;
  /** Sum of customers.aum over the members (CNY). */
  readonly aum: number;
  readonly elapsedMs: number;
}

/** One segment's outcome in a daily run. */
export type MaterializeOutcome =
  | ({ readonly ok: true } & Materialized)
  | { readonly ok: false; readonly segmentId: string; readonly error: { code: string; message: string } };

/** Sum of AUM over the members (AUM per ordinal from the index's `aum` column). */
export function membersAum(entry: SegmentIndexEntry, members: ReadonlyRoaringBitmap32): number {
  const column = entry.index.attribute('aum');
  if (!column || column.type !== 'number') return 0;
  const values = column.column.values;
  let total = 0;
  for (const ordinal of members.toUint32Array()) {
    const v = values[ordinal]!;
    if (v === v) total += v;
  }
  return Math.round(total * 100) / 100;
}

/** Computes and stores one active segment's members for the day (today by default); audited. */
export async function materializeSegment(
  service: SegmentService,
  segmentId: string,
  options: { asOf?: string; actor: string },
): Promise<SegmentResult<Materialized>> {
  const started = performance.now();
  const status = await service.db
    .selectFrom('segments')
    .select('status')
    .where('id', '=', segmentId)
    .executeTakeFirst();
  if (!status) return err({ code: 'not_found', message: `no segment ${segmentId}` });
  if (status.status !== 'active')
    return err({ code: 'conflict', message: `segment ${segmentId} is archived` });
  const members = await service.segmentMembers(segmentId, options.asOf);
  if (!members.ok) return members;
  const { entry, bitmap, version } = members.value;
  const aum = membersAum(entry, bitmap);
  bitmap.runOptimize();
  const bytes = bitmap.serialize('portable');
  await service.db.transaction().execute(async (tx) => {
    // replace the day's row: recomputing a day is idempotent, and computed_at says when it was last computed
    await tx
      .deleteFrom('segment_snapshots')
      .where('segment_id', '=', segmentId)
      .where('as_of', '=', entry.asOf)
      .execute();
    await tx
      .insertInto('segment_snapshots')
      .values({
        segment_id: segmentId,
        as_of: entry.asOf,
        segment_version: version,
        members: bitmap.size,
        aum,
        bitmap: bytes,
      })
      .execute();
    await recordAudit(tx, {
      actor: options.actor,
      action: 'segment.materialize',
      entityType: 'segment',
      entityId: segmentId,
      details: { asOf: entry.asOf, version, members: bitmap.size, aum },
    });
  });
  service.cache.invalidate();
  const result = {
    segmentId,
    asOf: entry.asOf,
    version,
    members: bitmap.size,
    aum,
    elapsedMs: Math.round(performance.now() - started),
  };
  bitmap.dispose();
  return ok(result);
}

/**
 * The daily job: materialises every active segment for the day, one after the other. Never throws: each segment's
 * outcome is reported, so one broken rule (a tag since retired, say) does not stop the others.
 */
export async function materializeAll(
  service: SegmentService,
  asOf: string,
  actor = 'system',
): Promise<{ asOf: string; results: MaterializeOutcome[] }> {
  let ids: string[];
  try {
    const rows = await service.db
      .selectFrom('segments')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    ids = rows.map((r) => r.id);
  } catch (error) {
    return { asOf, results: [{ ok: false, segmentId: '*', error: failure(error) }] };
  }
  const results: MaterializeOutcome[] = [];
  for (const segmentId of ids) {
    try {
      const r = await materializeSegment(service, segmentId, { asOf, actor });
      results.push(
        r.ok
          ? { ok: true, ...r.value }
          : { ok: false, segmentId, error: { code: r.error.code, message: r.error.message } },
      );
    } catch (error) {
      results.push({ ok: false, segmentId, error: failure(error) });
    }
  }
  return { asOf, results };
}

function failure(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown })?.code;
  return {
    code: typeof code === 'string' ? code : 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}
