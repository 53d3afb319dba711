import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { Bilingual } from '../../segments/tag-source.ts';
import { err, ok } from '../../shared/errors.ts';
import { decodeGroupBitmap } from '../../tags/ch-bitmap.ts';
import {
  countIn,
  freshness,
  intersect,
  resolveAudience,
  unknownEvents,
  type AnalysisResult,
  type BehaviourDeps,
  type Freshness,
} from '../funnels/groups.ts';
import { addPeriods, dayNumber, dayText, periodStart, type RetentionDefinition } from './definition.ts';
import { retentionSql, retentionSpan } from './sql.ts';

// The N-period retention table: cohorts by the period of each customer's first start occurrence, and per period
// offset the customers of the cohort with a return in that period. Counted in the event store; with a population or a
// group breakdown, each cell comes back as a groupBitmap state and is intersected with the groups here.

export interface CohortRow {
  /** First day of the cohort's period (Monday for weeks, the 1st for months). */
  readonly cohort: string;
  readonly size: number;
  /** Customers with a return in period offset k (k = 0 … periods − 1); null when that period has not started. */
  readonly retained: (number | null)[];
  /** retained[k] / size; null when not started or the cohort is empty. */
  readonly rates: (number | null)[];
}

export interface RetentionTable {
  readonly cohorts: CohortRow[];
  /** Per offset: Σ retained / Σ size over the cohorts whose period k has started (null when none has). */
  readonly average: (number | null)[];
}

export interface RetentionResult {
  readonly definition: RetentionDefinition;
  /** The bank's time zone: cohorts and periods are made of its business days. */
  readonly timeZone: string;
  readonly window: { readonly from: string; readonly to: string; readonly observedUntil: string | null };
  readonly overall: RetentionTable;
  readonly breakdown: {
    readonly by: string;
    readonly groups: (RetentionTable & { key: string; label: Bilingual | null })[];
    readonly omittedGroups: number;
  } | null;
  readonly freshness: Freshness;
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

/** cohort day number → offset (−1 = size) → count. */
type Cells = Map<number, Map<number, number>>;

/** Checks the named events exist. */
export async function checkEvents(
  deps: BehaviourDeps,
  named: readonly { role: string; event: string | undefined }[],
): Promise<AnalysisResult<true>> {
  const names = named.flatMap((n) => (n.event ? [n.event] : []));
  const unknown = await unknownEvents(deps.events, names);
  if (unknown.length === 0) return ok(true);
  const bad = named.find((n) => n.event !== undefined && unknown.includes(n.event))!;
  return err({
    code: 'bad_request',
    message: `${bad.role}: unknown event ${JSON.stringify(bad.event)} (the event store has none)`,
    details: { [bad.role]: bad.event, unknownEvents: unknown },
  });
}

/** Runs a retention definition (already checked against retentionDefinitionSchema). */
export async function runRetention(
  deps: BehaviourDeps,
  def: RetentionDefinition,
): Promise<AnalysisResult<RetentionResult>> {
  const started = performance.now();
  const checked = await checkEvents(deps, [
    { role: 'start', event: def.start.kind === 'event' ? def.start.event : undefined },
    { role: 'return', event: def.return.kind === 'event' ? def.return.event : undefined },
  ]);
  if (!checked.ok) return checked;
  const audience = await resolveAudience(deps.segments, def);
  if (!audience.ok) return audience;
  const { population, groups, omitted } = audience.value;
  const fresh = await freshness(deps.events, def.start.kind === 'first_purchase');
  // A period is observed once it has started before the latest event (or transaction) in the store.
  const latest = [fresh.latestEventTime, fresh.latestTransactionTime]
    .filter((t): t is string => typeof t === 'string')
    .sort()
    .at(-1);
  const lastDay = latest ? dayNumber(deps.clock.dayOf(Date.parse(latest))) : -Infinity;

  let overall: Cells;
  let keyed: { key: string; label: Bilingual | null; cells: Cells }[] = [];
  if (population === null && groups === null) {
    const { sql, params } = retentionSql(def, 'count', deps.clock);
    const rows = await deps.events.query<{ cohort: number; off: number; n: number }>(sql, params);
    overall = new Map();
    for (const r of rows) cell(overall, r.cohort, r.off, Number(r.n));
  } else {
    const { sql, params } = retentionSql(def, 'bitmap', deps.clock);
    const rows = await deps.events.query<{ cohort: number; off: number; b: string }>(sql, params);
    const decoded = rows.map((r) => ({ cohort: r.cohort, off: r.off, bitmap: decodeGroupBitmap(r.b) }));
    const count = (filter: ReadonlyRoaringBitmap32 | null): Cells => {
      const cells: Cells = new Map();
      for (const d of decoded) cell(cells, d.cohort, d.off, countIn(d.bitmap, filter));
      return cells;
    };
    overall = count(population);
    keyed = (groups ?? []).map((g) => ({
      key: g.key,
      label: g.label,
      cells: count(intersect(population, g.members)),
    }));
  }

  const table = (cells: Cells) => toTable(def, cells, lastDay);
  const result = table(overall);
  const total = result.cohorts.reduce((s, c) => s + c.size, 0);
  return ok({
    definition: def,
    timeZone: deps.clock.timeZone,
    window: { from: def.from, to: def.to, observedUntil: latest ?? null },
    overall: result,
    breakdown: def.breakdown
      ? {
          by: def.breakdown.by,
          groups: keyed.map((g) => ({ key: g.key, label: g.label, ...table(g.cells) })),
          omittedGroups: omitted,
        }
      : null,
    freshness: fresh,
    notEnoughData:
      total === 0
        ? `no customer had a first ${describeStart(def)}${def.population ? ' in the population' : ''} between ${def.from} and ${def.to}`
        : null,
    elapsedMs: performance.now() - started,
  });
}

function describeStart(def: RetentionDefinition): string {
  if (def.start.kind === 'first_purchase') return 'purchase';
  return def.start.kind === 'event' ? JSON.stringify(def.start.event) : 'event';
}

function cell(cells: Cells, cohort: number, off: number, n: number): void {
  let row = cells.get(cohort);
  if (!row) cells.set(cohort, (row = new Map()));
  row.set(off, (row.get(off) ?? 0) + n);
}

/** Every cohort period of the range (empty ones included), with nulls for periods not started by `lastDay`. */
function toTable(def: RetentionDefinition, cells: Cells, lastDay: number): RetentionTable {
  const { from, toEnd } = retentionSpan(def);
  const cohorts: CohortRow[] = [];
  const sums = new Array<number>(def.periods).fill(0);
  const sizes = new Array<number>(def.periods).fill(0);
  for (let c = periodStart(from, def.period); c < toEnd; c = addPeriods(c, def.period, 1)) {
    const row = cells.get(c);
    const size = row?.get(-1) ?? 0;
    const retained: (number | null)[] = [];
    const rates: (number | null)[] = [];
    for (let k = 0; k < def.periods; k++) {
      const observed = addPeriods(c, def.period, k) <= lastDay;
      const n = observed ? (row?.get(k) ?? 0) : null;
      retained.push(n);
      rates.push(n === null || size === 0 ? null : n / size);
      if (n !== null && size > 0) {
        sums[k]! += n;
        sizes[k]! += size;
      }
    }
    cohorts.push({ cohort: dayText(c), size, retained, rates });
  }
  return { cohorts, average: sums.map((s, k) => (sizes[k]! > 0 ? s / sizes[k]! : null)) };
}
