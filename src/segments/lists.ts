import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { SegmentResult, SegmentService } from './service.ts';

// Uploaded customer lists (a campaign's invitees, a branch's VIP file): customer numbers resolved to ordinals and kept
// as one bitmap, so a rule can say {"list": id}. Unknown numbers are reported; the upload is all-or-nothing unless
// the caller accepts leaving them out.

/** An uploaded list as the API shows it. */
export interface ListItem {
  readonly id: string;
  readonly name: string;
  readonly members: number;
  /** How many uploaded numbers matched no customer (left out). */
  readonly unknownCount: number;
  readonly created_by: string;
  readonly created_at: string;
}

export interface ListInput {
  readonly id?: string;
  readonly name: string;
  readonly customerNos: readonly string[];
  /** Store the known customers even when some numbers are unknown (default: refuse the whole upload). */
  readonly allowUnknown?: boolean;
}

/** Customer numbers resolved per query: well below PostgreSQL's 65,535 bind parameters. */
const RESOLVE_CHUNK = 5_000;
/** Unknown numbers echoed back; the count is always exact. */
const UNKNOWN_SHOWN = 1_000;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Uploads a list; the result names the unknown customer numbers (the first 1,000). */
export async function uploadList(
  service: SegmentService,
  input: ListInput,
  actor: string,
): Promise<SegmentResult<ListItem & { unknownCustomerNos: string[] }>> {
  const id = input.id ?? `list_${randomBytes(5).toString('hex')}`;
  if (!ID.test(id)) return err({ code: 'bad_request', message: 'id: 1-64 letters, digits, _ or -' });
  const name = input.name.trim();
  if (!name) return err({ code: 'bad_request', message: 'name must not be empty' });
  const numbers = [...new Set(input.customerNos.map((n) => n.trim()).filter((n) => n !== ''))];
  if (numbers.length === 0)
    return err({ code: 'bad_request', message: 'customerNos: no customer numbers given' });
  const { ordinals, unknown } = await resolveCustomerNos(service.db, numbers);
  if (unknown.length > 0 && !input.allowUnknown) {
    return err({
      code: 'unknown_customers',
      message: `${unknown.length} of ${numbers.length} customer numbers are unknown (first: ${unknown[0]}); nothing was stored`,
      unknownCustomerNos: unknown.slice(0, UNKNOWN_SHOWN),
      unknownCount: unknown.length,
    });
  }
  const saved = await saveList(
    service,
    { id, name, bitmap: new RoaringBitmap32(ordinals), unknown: unknown.length, uploaded: numbers.length },
    actor,
  );
  if (!saved.ok) return saved;
  return ok({ ...saved.value, unknownCustomerNos: unknown.slice(0, UNKNOWN_SHOWN) });
}

/**
 * Stores a list of customers given as a bitmap of ordinals (an upload once resolved, or a selection of the customers
 * list), audited `list.create`; a conflict when the id is taken.
 */
export async function saveList(
  service: SegmentService,
  input: { id?: string; name: string; bitmap: RoaringBitmap32; unknown?: number; uploaded?: number },
  actor: string,
): Promise<SegmentResult<ListItem>> {
  const id = input.id ?? `list_${randomBytes(5).toString('hex')}`;
  const name = input.name.trim();
  if (!name) return err({ code: 'bad_request', message: 'name must not be empty' });
  const bitmap = input.bitmap;
  const unknown = input.unknown ?? 0;
  bitmap.runOptimize();
  const stored = await service.db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('customer_lists').select('id').where('id', '=', id).executeTakeFirst();
    if (exists) return undefined;
    const row = await tx
      .insertInto('customer_lists')
      .values({
        id,
        name,
        members: bitmap.size,
        unknown_customer_nos: unknown,
        bitmap: bitmap.serialize('portable'),
        created_by: actor,
      })
      .returning(['created_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'list.create',
      entityType: 'customer_list',
      entityId: id,
      details: { name, members: bitmap.size, unknown, uploaded: input.uploaded ?? bitmap.size },
    });
    return row;
  });
  if (!stored) return err({ code: 'conflict', message: `list ${id} already exists` });
  service.cache.invalidate();
  return ok({
    id,
    name,
    members: bitmap.size,
    unknownCount: unknown,
    created_by: actor,
    created_at: new Date(stored.created_at).toISOString(),
  });
}

/** Every uploaded list, newest first. */
export async function listLists(db: Kysely<Database>): Promise<ListItem[]> {
  const rows = await db
    .selectFrom('customer_lists')
    .select(['id', 'name', 'members', 'unknown_customer_nos', 'created_by', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    members: r.members,
    unknownCount: r.unknown_customer_nos,
    created_by: r.created_by,
    created_at: new Date(r.created_at).toISOString(),
  }));
}

/** Ordinals of the customer numbers, ascending, and the numbers no customer has (in upload order). */
export async function resolveCustomerNos(
  db: Kysely<Database>,
  numbers: readonly string[],
): Promise<{ ordinals: Uint32Array; unknown: string[] }> {
  const found = new Map<string, number>();
  for (let at = 0; at < numbers.length; at += RESOLVE_CHUNK) {
    const rows = await db
      .selectFrom('customers')
      .select(['id', 'customer_no'])
      .where('customer_no', 'in', numbers.slice(at, at + RESOLVE_CHUNK))
      .execute();
    for (const r of rows) found.set(r.customer_no, r.id);
  }
  const ordinals = Uint32Array.from(found.values()).sort();
  return { ordinals, unknown: numbers.filter((n) => !found.has(n)) };
}
