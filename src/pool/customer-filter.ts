// The customers list's filter (issue #12) as one set of customers: a roaring bitmap of ordinals. Tier, branch, tags,
// lifecycle stage, saved groups and lists are conditions of the segment engine, answered from the cached index of
// the day in milliseconds whatever the bank's size; owner, an account manager's own pool and the search come from
// SQL by index (small sets). The total of a filtered list is the size of that bitmap: exact, never a count(*).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Rule } from '../segments/rule.ts';
import type { SegmentService } from '../segments/service.ts';
import { NAME_SHOWN, nameShownKey } from '../segments/source.ts';
import { asFailure } from '../segments/service.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { err, ok, validationFailed, type Failure, type Result } from '../shared/errors.ts';
import type { Database, Tier } from '../store/operational/database.ts';
import { subtreeUnitIds } from './org.ts';
import type { DataScope } from './scope.ts';

/** What a customers list is filtered by; every part is optional and they combine with AND. */
export interface CustomerFilter {
  /** Customer number (exact or prefix), masked phone (`138****1234` or its last 4 digits) or masked name (`张**`). */
  readonly q?: string;
  readonly tiers?: readonly Tier[];
  /** Values of the `lifecycle_stage` tag. */
  readonly stages?: readonly string[];
  /** Owned by this manager. */
  readonly managerId?: string;
  /** This org unit and the units below it. */
  readonly orgUnitId?: string;
  /** Carries any of these values of a tag. */
  readonly tag?: { readonly key: string; readonly values: readonly string[] };
  /** Members of a saved customer group (segment). */
  readonly segmentId?: string;
  /** Members of an uploaded or saved list. */
  readonly listId?: string;
}

/** More customers than a search may name: such a term is refused as too broad (narrow it or add a filter). */
export const SEARCH_LIMIT = 200_000;

/** The tag whose values are the lifecycle stages (src/tags/catalogue.ts). */
export const LIFECYCLE_TAG = 'lifecycle_stage';

/** The filter's customers within the scope; a located failure for a term too broad or an unknown tag or group. */
export async function filterMembers(
  deps: { db: Kysely<Database>; segments: SegmentService },
  scope: DataScope,
  filter: CustomerFilter,
): Promise<Result<RoaringBitmap32, Failure>> {
  if (scope.kind === 'none') return ok(new RoaringBitmap32());
  const conditions: Rule[] = [];
  if (filter.tiers && filter.tiers.length > 0)
    conditions.push({ attr: 'tier', op: 'in', value: [...filter.tiers] });
  if (filter.stages && filter.stages.length > 0)
    conditions.push({ tag: LIFECYCLE_TAG, in: [...filter.stages] });
  if (filter.tag) conditions.push({ tag: filter.tag.key, in: [...filter.tag.values] });
  if (filter.segmentId !== undefined) conditions.push({ segment: filter.segmentId });
  if (filter.listId !== undefined) conditions.push({ list: filter.listId });
  if (filter.orgUnitId !== undefined) {
    const units = await subtreeUnitIds(deps.db, filter.orgUnitId);
    if (units.length === 0) return ok(new RoaringBitmap32());
    conditions.push({ attr: 'org_unit_id', op: 'in', value: units });
  }
  if (scope.kind === 'subtree') conditions.push({ attr: 'org_unit_id', op: 'in', value: [...scope.unitIds] });

  const sets: RoaringBitmap32[] = [];
  if (scope.kind === 'own') sets.push(await ownPool(deps.db, scope.staffId));
  if (filter.managerId !== undefined) sets.push(await ownedBy(deps.db, filter.managerId));
  const term = filter.q?.trim();
  if (term) {
    const { base } = await deps.segments.entry();
    const found = await searchIds(deps.db, term, {
      values: base.namesShown,
      changedSince: base.changedSince,
    });
    if (!found.ok) return found;
    sets.push(found.value);
  }
  // The smallest SQL set first: when it is empty there is nothing to ask the index.
  sets.sort((a, b) => a.size - b.size);
  if (sets[0]?.size === 0) return ok(new RoaringBitmap32());

  let members: RoaringBitmap32;
  if (conditions.length > 0) {
    const rule: Rule = conditions.length === 1 ? conditions[0]! : { all: conditions };
    const evaluated = await deps.segments.ruleMembers(rule);
    if (!evaluated.ok) return err(filterFailure(asFailure(evaluated.error), filter));
    members = evaluated.value.bitmap;
  } else if (sets.length > 0) {
    members = sets.shift()!;
  } else {
    members = (await deps.segments.entry()).index.universe.clone();
  }
  for (const set of sets) members.andInPlace(set);
  return ok(members);
}

/** A rule's refusal said in the filter's own words: which query parameter named what the bank does not have. */
function filterFailure(failure: Failure, filter: CustomerFilter): Failure {
  if (failure.code !== 'invalid_rule' && failure.code !== 'not_found') return failure;
  const field =
    filter.segmentId !== undefined && /segment/i.test(failure.message)
      ? 'segmentId'
      : filter.listId !== undefined && /list/i.test(failure.message)
        ? 'listId'
        : filter.stages && failure.message.includes(LIFECYCLE_TAG)
          ? 'stage'
          : 'tag';
  return validationFailed(`${field}: ${failure.message}`, [{ path: [field], message: failure.message }]);
}

/** Customers a staff member owns or assists (an account manager's scope). */
async function ownPool(db: Kysely<Database>, staffId: string): Promise<RoaringBitmap32> {
  const { rows } = await sql<{ id: number }>`
    select customer_id as id from customer_owners where manager_id = ${staffId}
    union select customer_id from customer_assistants where staff_id = ${staffId}`.execute(db);
  return bitmapOf(rows);
}

/** Customers a manager owns. */
async function ownedBy(db: Kysely<Database>, managerId: string): Promise<RoaringBitmap32> {
  const { rows } = await sql<{
    id: number;
  }>`select customer_id as id from customer_owners where manager_id = ${managerId}`.execute(db);
  return bitmapOf(rows);
}

function bitmapOf(rows: readonly { id: number }[]): RoaringBitmap32 {
  return new RoaringBitmap32(rows.map((r) => Number(r.id)));
}

/**
 * Customers a search term names, by what the list shows and nothing hidden: a customer number (exact or prefix), a
 * masked phone (`138****1234`: first 3 and last 4 digits; or 4 digits: the last 4, also tried as a number prefix)
 * or a masked name (`张`: first character; `张**`: first character and length). Each is one index lookup (0013).
 */
async function searchIds(
  db: Kysely<Database>,
  term: string,
  names: NamesSnapshot,
): Promise<Result<RoaringBitmap32, Failure>> {
  const prefix = term.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const byNumber = sql<boolean>`(customer_no = ${term} or customer_no like ${prefix})`;
  const masked = /^(\d{3})\*{4}(\d{4})$/.exec(term);
  const chars = [...term];
  const first = chars[0] ?? '';
  const nameLike =
    /^[^\x20-\x40]/u.test(first) && (chars.length === 1 || chars.slice(1).every((c) => c === '*'));
  if (nameLike) {
    const found = await searchNames(
      db,
      names,
      first,
      chars.length === 1 ? undefined : chars.length,
      byNumber,
    );
    if (found) return found.size > SEARCH_LIMIT ? err(tooBroad(term)) : ok(found);
  }
  const condition = masked
    ? sql<boolean>`(right(phone, 4) = ${masked[2]} and left(phone, 3) = ${masked[1]})`
    : /^\d{4}$/.test(term)
      ? sql<boolean>`(right(phone, 4) = ${term} or ${byNumber})`
      : nameLike
        ? chars.length === 1
          ? sql<boolean>`(left(name, 1) = ${first} or ${byNumber})`
          : sql<boolean>`((left(name, 1) = ${first} and char_length(name) = ${chars.length}) or ${byNumber})`
        : byNumber;
  const { rows } = await sql<{ id: number }>`
    select id from customers where ${condition} limit ${SEARCH_LIMIT + 1}`.execute(db);
  if (rows.length > SEARCH_LIMIT) return err(tooBroad(term));
  return ok(bitmapOf(rows));
}

/** A term naming more customers than a search may. */
function tooBroad(term: string): Failure {
  return validationFailed(`q: more than ${SEARCH_LIMIT.toLocaleString('en')} customers match "${term}"`, [
    {
      path: ['q'],
      message: 'too broad: type more of the number, the name with its length (张**), or add a filter',
      code: 'search_too_broad',
    },
  ]);
}

/** The segment index's shown names by ordinal and the instant from which the store's rows may differ. */
interface NamesSnapshot {
  readonly values: Uint32Array;
  readonly changedSince: string;
}

/** Past this many customers written since the index was read, a name search asks the table instead. */
const NAMES_LIVE_LIMIT = 5_000;

/**
 * A masked-name search (`张`, `张**`) over the segment index's shown names — a loop over a typed array, where the
 * table's index still visits most heap pages for a common surname — corrected by the rows written since the index
 * was read (and customers it does not hold, written since too), and joined with customer numbers the term starts.
 * Undefined when too many rows changed: the caller asks the table.
 */
async function searchNames(
  db: Kysely<Database>,
  names: NamesSnapshot,
  first: string,
  length: number | undefined,
  byNumber: RawBuilder<boolean>,
): Promise<RoaringBitmap32 | undefined> {
  const codePoint = first.codePointAt(0) ?? 0;
  const exact = length === undefined ? undefined : nameShownKey(first, length);
  const matches = (shown: number) => (exact === undefined ? shown >>> 8 === codePoint : shown === exact);
  const { rows: changed } = await sql<{ id: number; shown: string }>`
    select id, ${NAME_SHOWN}::text as shown from customers
    where updated_at >= ${names.changedSince}::timestamptz limit ${NAMES_LIVE_LIMIT + 1}`.execute(db);
  if (changed.length > NAMES_LIVE_LIMIT) return undefined;
  const found: number[] = [];
  const values = names.values;
  for (let id = 0; id < values.length; id++) if (matches(values[id]!)) found.push(id);
  const result = new RoaringBitmap32(found);
  for (const row of changed) {
    if (matches(Number(row.shown))) result.add(Number(row.id));
    else result.remove(Number(row.id));
  }
  const { rows: numbered } = await sql<{ id: number }>`
    select id from customers where ${byNumber} limit ${SEARCH_LIMIT + 1}`.execute(db);
  for (const row of numbered) result.add(Number(row.id));
  return result;
}
