import type { Breakdown, Population } from '../../contracts/population.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { SegmentFailure, SegmentService } from '../../segments/service.ts';
import type { Bilingual } from '../../segments/tag-source.ts';
import type { BusinessCalendar } from '../../shared/clock.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { EventStore } from '../../store/events/store.ts';

// What the behaviour analyses (funnels, retention, churn) share: the population and group breakdowns they take from
// the segment index of a business day (bitmaps over customer ordinals), the check that named events exist, and the
// data freshness every analysis states. The event store answers per-customer questions; groups are intersected in
// Node, where the bitmaps already are.

/** What a behaviour analysis runs on. */
export interface BehaviourDeps {
  readonly events: EventStore;
  /** The bank's calendar: every day of a definition is a business day cut in `clock.timeZone`. */
  readonly clock: BusinessCalendar;
  /** Resolves populations and breakdown groups (its index of the day is built only when one is asked for). */
  readonly segments: SegmentService;
}

/**
 * An expected refusal: a bad definition (unknown event, tag …), a missing segment, or an invalid population rule —
 * the segment service's own failures, so every analysis answers them with the codes the segment API uses.
 */
export type AnalysisFailure = SegmentFailure;

export type AnalysisResult<T> = Result<T, AnalysisFailure>;

/** One group of a breakdown: its key, a label when the catalogue has one, and its members. */
export interface Group {
  readonly key: string;
  readonly label: Bilingual | null;
  readonly members: ReadonlyRoaringBitmap32;
}

/** Most groups a breakdown reports (the largest ones); the rest are counted in `omittedGroups`. */
export const MAX_GROUPS = 50;

/** A segment failure met while resolving `part` of an analysis, its message saying which part. */
function fromSegmentFailure(f: SegmentFailure, part: 'population' | 'breakdown'): AnalysisFailure {
  return f.code === 'invalid_rule' ? { ...f, message: `${part}: ${f.message}` } : f;
}

/** The members of a population on a business day (the segment index of that day). */
export async function resolvePopulation(
  segments: SegmentService,
  population: Population,
  asOf?: string,
): Promise<AnalysisResult<ReadonlyRoaringBitmap32>> {
  const result = await segments.populationMembers(population, asOf);
  return result.ok ? ok(result.value.bitmap) : err(fromSegmentFailure(result.error, 'population'));
}

/** An analysis's population (null: every customer) and breakdown groups (null: none), on one business day's index. */
export async function resolveAudience(
  segments: SegmentService,
  def: {
    population?: Population | undefined;
    breakdown?: Breakdown | undefined;
    asOf?: string | undefined;
  },
): Promise<
  AnalysisResult<{ population: ReadonlyRoaringBitmap32 | null; groups: Group[] | null; omitted: number }>
> {
  let population: ReadonlyRoaringBitmap32 | null = null;
  if (def.population) {
    const p = await resolvePopulation(segments, def.population, def.asOf);
    if (!p.ok) return p;
    population = p.value;
  }
  if (!def.breakdown) return ok({ population, groups: null, omitted: 0 });
  const g = await resolveGroups(segments, def.breakdown, def.asOf);
  return g.ok ? ok({ population, ...g.value }) : g;
}

/** The non-empty groups of a breakdown on a business day, largest first, at most MAX_GROUPS (and how many were left out). */
export async function resolveGroups(
  segments: SegmentService,
  breakdown: Breakdown,
  asOf?: string,
): Promise<AnalysisResult<{ groups: Group[]; omitted: number }>> {
  const entry = await segments.entry(asOf);
  const index = entry.index;
  const groups: Group[] = [];
  if (breakdown.by === 'tag') {
    const values = index.describe().tags.get(breakdown.tag);
    if (!values)
      return err({
        code: 'bad_request',
        message: `breakdown: unknown tag ${JSON.stringify(breakdown.tag)} (not in the latest tag snapshot)`,
        details: { tag: breakdown.tag },
      });
    const labels = new Map(entry.base.tagInfo.get(breakdown.tag)?.values.map((v) => [v.value, v.label]));
    for (const value of values) {
      groups.push({
        key: value,
        label: labels.get(value) ?? null,
        members: index.tagValue(breakdown.tag, value)!,
      });
    }
  } else if (breakdown.by === 'attribute') {
    const attribute = index.attribute(breakdown.attribute);
    if (!attribute)
      return err({
        code: 'bad_request',
        message: `breakdown: unknown attribute ${JSON.stringify(breakdown.attribute)}`,
        details: { attribute: breakdown.attribute },
      });
    if (attribute.type === 'boolean') {
      groups.push({ key: 'true', label: null, members: attribute.column.trueBits });
      groups.push({ key: 'false', label: null, members: attribute.column.falseBits });
    } else if (attribute.type === 'string') {
      for (const value of attribute.column.dictionary) {
        const members = attribute.column.select({ kind: 'strings', values: [value], negate: false });
        groups.push({ key: value, label: null, members: members.freeze() });
      }
    } else {
      return err({
        code: 'bad_request',
        message:
          `breakdown: attribute ${JSON.stringify(breakdown.attribute)} is a ${attribute.type}; ` +
          `break down by a string or boolean attribute, or by a segment of ranges`,
        details: { attribute: breakdown.attribute, type: attribute.type },
      });
    }
  } else {
    for (const id of breakdown.segments) {
      const members = await segments.segmentMembers(id, asOf);
      if (!members.ok) return err(fromSegmentFailure(members.error, 'breakdown'));
      groups.push({ key: id, label: null, members: members.value.bitmap });
    }
  }
  // Values nobody carries (a tier no customer has reached) would only add rows of zeros.
  const nonEmpty = groups.filter((g) => g.members.size > 0).sort((a, b) => b.members.size - a.members.size);
  const kept = nonEmpty.slice(0, MAX_GROUPS);
  return ok({ groups: kept, omitted: nonEmpty.length - kept.length });
}

/** The event names among `names` that the event store has never seen. */
export async function unknownEvents(events: EventStore, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await events.query<{ event: string }>(
    'SELECT DISTINCT event FROM events WHERE event IN {names:Array(String)}',
    { names: unique },
  );
  const known = new Set(rows.map((r) => r.event));
  return unique.filter((n) => !known.has(n));
}

/** When the data an analysis read was last loaded: the latest event time and the latest arrival (null when empty). */
export interface Freshness {
  readonly latestEventTime: string | null;
  readonly latestReceivedAt: string | null;
  readonly latestTransactionTime?: string | null;
}

const isoOrNull = (t: unknown): string | null =>
  typeof t === 'string' && t !== '' && !t.startsWith('1970-01-01') ? t.replace(' ', 'T') + 'Z' : null;

/** The freshness of the event store (and of transactions when an analysis reads them). */
export async function freshness(events: EventStore, transactions = false): Promise<Freshness> {
  const [e] = await events.query<{ t: string; r: string; n: number }>(
    'SELECT max(time) AS t, max(received_at) AS r, count() AS n FROM events',
  );
  const out = {
    latestEventTime: e && e.n > 0 ? isoOrNull(e.t) : null,
    latestReceivedAt: e && e.n > 0 ? isoOrNull(e.r) : null,
  };
  if (!transactions) return out;
  const [x] = await events.query<{ t: string; n: number }>(
    'SELECT max(time) AS t, count() AS n FROM transactions',
  );
  return { ...out, latestTransactionTime: x && x.n > 0 ? isoOrNull(x.t) : null };
}

/** The median as ClickHouse quantileExactInclusive(0.5) computes it (mean of the two middle values); null when empty. */
export function median(values: Float64Array | number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)]!;
  const hi = sorted[Math.ceil(mid)]!;
  return (lo + hi) / 2;
}

/** |a ∩ b|, or |a| when b is null (no restriction). */
export function countIn(a: ReadonlyRoaringBitmap32, b: ReadonlyRoaringBitmap32 | null): number {
  return b === null ? a.size : a.andCardinality(b);
}

/** a ∩ b as a new bitmap; a copy of the non-null one when the other is null; null when both are. */
export function intersect(
  a: ReadonlyRoaringBitmap32 | null,
  b: ReadonlyRoaringBitmap32 | null,
): ReadonlyRoaringBitmap32 | null {
  if (a === null) return b;
  if (b === null) return a;
  return RoaringBitmap32.and(a, b);
}
