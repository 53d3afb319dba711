import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { csvField } from '../shared/csv.ts';
import { err, ok } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import type { SegmentResult, SegmentService } from './service.ts';

// Membership export: a segment's customer numbers as CSV, streamed in chunks of ordinals so a million members never
// sit in memory as text. The export itself is audited (who, when, which segment and day, how many) before any line
// leaves, so even an interrupted download is on record.

/** Ordinals looked up per query. */
const EXPORT_CHUNK = 10_000;

/** A prepared export: how many members, and the CSV text in chunks. */
export interface MembershipExport {
  readonly segmentId: string;
  readonly asOf: string;
  /** 'snapshot' when read from segment_snapshots of that day, 'live' when evaluated now. */
  readonly source: 'snapshot' | 'live';
  readonly members: number;
  readonly csv: AsyncIterable<string>;
}

/**
 * Exports a segment's members: the stored snapshot of `asOf` when given (not_found when that day has none), else the
 * segment's rule evaluated on today's index.
 */
export async function exportSegment(
  service: SegmentService,
  segmentId: string,
  options: { asOf?: string; actor: string },
): Promise<SegmentResult<MembershipExport>> {
  let members: ReadonlyRoaringBitmap32;
  let asOf: string;
  let source: 'snapshot' | 'live';
  if (options.asOf !== undefined) {
    const row = await service.db
      .selectFrom('segment_snapshots')
      .select(['bitmap'])
      .where('segment_id', '=', segmentId)
      .where('as_of', '=', options.asOf)
      .executeTakeFirst();
    if (!row)
      return err({ code: 'not_found', message: `segment ${segmentId} has no snapshot on ${options.asOf}` });
    members = RoaringBitmap32.deserialize(Buffer.from(row.bitmap), 'portable');
    [asOf, source] = [options.asOf, 'snapshot'];
  } else {
    const live = await service.segmentMembers(segmentId);
    if (!live.ok) return live;
    members = live.value.bitmap;
    [asOf, source] = [live.value.entry.asOf, 'live'];
  }
  await recordAudit(service.db, {
    actor: options.actor,
    action: 'segment.export',
    entityType: 'segment',
    entityId: segmentId,
    details: { asOf, source, members: members.size, format: 'csv' },
  });
  return ok({ segmentId, asOf, source, members: members.size, csv: csvLines(service.db, members) });
}

/** `customer_no` header, then one customer number per line, in ordinal order. */
async function* csvLines(db: Kysely<Database>, members: ReadonlyRoaringBitmap32): AsyncGenerator<string> {
  yield 'customer_no\n';
  const ordinals = members.toUint32Array();
  for (let at = 0; at < ordinals.length; at += EXPORT_CHUNK) {
    const ids = Array.from(ordinals.subarray(at, at + EXPORT_CHUNK));
    const rows = await db
      .selectFrom('customers')
      .select('customer_no')
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    yield rows.map((r) => `${csvField(r.customer_no)}\n`).join('');
  }
}
