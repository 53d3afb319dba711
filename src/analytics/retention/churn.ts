import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { Bilingual } from '../../segments/tag-source.ts';
import { ok } from '../../shared/errors.ts';
import { decodeGroupBitmap } from '../../tags/ch-bitmap.ts';
import {
  countIn,
  freshness,
  intersect,
  resolveAudience,
  type AnalysisResult,
  type BehaviourDeps,
  type Freshness,
} from '../funnels/groups.ts';
import { addPeriods, dayNumber, dayText, periodStart, type ChurnDefinition } from './definition.ts';
import { checkEvents } from './retention.ts';
import { churnSql } from './sql.ts';

// The churn-rate trend: "churned" = no activity (a customer-initiated transaction, or an event) in D days. For each
// period [s, e): the customers active in the D days before s are at risk; those among them with no activity in the D
// days before e churned during the period. Rate = churned / at risk. Periods not ended by the latest data, and periods
// whose D days before the start reach back before the earliest data, are reported without a rate.

export interface ChurnPoint {
  /** First day of the period. */
  readonly period: string;
  /** Last day of the period (inclusive). */
  readonly periodEnd: string;
  /** False while the period has not ended by the latest data: no rate yet. */
  readonly complete: boolean;
  /**
   * False when the D days before the period start before the earliest data: who was active then is unknown, so the
   * period has no rate (a rate over a partial look-back would read as a false 0%).
   */
  readonly enoughHistory: boolean;
  readonly atRisk: number;
  /** Null until the period is complete, and without enough history. */
  readonly churned: number | null;
  readonly churnRate: number | null;
}

export interface ChurnResult {
  readonly definition: ChurnDefinition;
  /** The bank's time zone: periods and the D days of inactivity are its business days. */
  readonly timeZone: string;
  readonly window: { readonly from: string; readonly to: string; readonly observedUntil: string | null };
  readonly trend: ChurnPoint[];
  readonly breakdown: {
    readonly by: string;
    readonly groups: { key: string; label: Bilingual | null; trend: ChurnPoint[] }[];
    readonly omittedGroups: number;
  } | null;
  readonly freshness: Freshness;
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

/** The business day of the earliest row of a table (+Infinity when it is empty). */
async function earliestDay(deps: BehaviourDeps, table: 'events' | 'transactions'): Promise<number> {
  const [row] = await deps.events.query<{ t: string; n: number }>(
    `SELECT min(time) AS t, count() AS n FROM ${table}`,
  );
  if (!row || Number(row.n) === 0) return Infinity;
  return dayNumber(deps.clock.dayOf(Date.parse(`${row.t.replace(' ', 'T')}Z`)));
}

/** Runs a churn definition (already checked against churnDefinitionSchema). */
export async function runChurn(
  deps: BehaviourDeps,
  def: ChurnDefinition,
): Promise<AnalysisResult<ChurnResult>> {
  const started = performance.now();
  if (def.activity.kind === 'event') {
    const checked = await checkEvents(deps, [{ role: 'activity', event: def.activity.event }]);
    if (!checked.ok) return checked;
  }
  const audience = await resolveAudience(deps.segments, def);
  if (!audience.ok) return audience;
  const { population, groups, omitted } = audience.value;
  const fresh = await freshness(deps.events, def.activity.kind === 'transaction');
  const latest = def.activity.kind === 'transaction' ? fresh.latestTransactionTime : fresh.latestEventTime;
  const lastDay = latest ? dayNumber(deps.clock.dayOf(Date.parse(latest))) : -Infinity;
  const firstDay = await earliestDay(deps, def.activity.kind === 'transaction' ? 'transactions' : 'events');

  const starts: number[] = [];
  const ends: number[] = [];
  for (
    let s = periodStart(dayNumber(def.from), def.period);
    s <= dayNumber(def.to);
    s = addPeriods(s, def.period, 1)
  ) {
    starts.push(s);
    ends.push(addPeriods(s, def.period, 1));
  }
  const point = (i: number, atRisk: number, churned: number): ChurnPoint => {
    // Complete once the latest data reaches the period's last day.
    const complete = ends[i]! - 1 <= lastDay;
    const enoughHistory = starts[i]! - def.days >= firstDay;
    const rated = complete && enoughHistory;
    return {
      period: dayText(starts[i]!),
      periodEnd: dayText(ends[i]! - 1),
      complete,
      enoughHistory,
      atRisk,
      churned: rated ? churned : null,
      churnRate: rated && atRisk > 0 ? churned / atRisk : null,
    };
  };

  let trend: ChurnPoint[];
  let keyed: { key: string; label: Bilingual | null; trend: ChurnPoint[] }[] = [];
  if (population === null && groups === null) {
    const { sql, params } = churnSql(def, starts, ends, 'count', deps.clock);
    const rows = await deps.events.query<{ i: number; active: number; churned: number }>(sql, params);
    const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
    trend = starts.map((_, i) => {
      const r = byIndex.get(i + 1);
      return point(i, Number(r?.active ?? 0), Number(r?.churned ?? 0));
    });
  } else {
    const { sql, params } = churnSql(def, starts, ends, 'bitmap', deps.clock);
    const rows = await deps.events.query<{ i: number; active: string; churned: string }>(sql, params);
    const byIndex = new Map(
      rows.map((r) => [
        Number(r.i),
        { active: decodeGroupBitmap(r.active), churned: decodeGroupBitmap(r.churned) },
      ]),
    );
    const series = (filter: ReadonlyRoaringBitmap32 | null) =>
      starts.map((_, i) => {
        const r = byIndex.get(i + 1);
        return point(i, r ? countIn(r.active, filter) : 0, r ? countIn(r.churned, filter) : 0);
      });
    trend = series(population);
    keyed = (groups ?? []).map((g) => ({
      key: g.key,
      label: g.label,
      trend: series(intersect(population, g.members)),
    }));
  }
  const anyRisk = trend.some((p) => p.atRisk > 0);
  return ok({
    definition: def,
    timeZone: deps.clock.timeZone,
    window: { from: def.from, to: def.to, observedUntil: latest ?? null },
    trend,
    breakdown: def.breakdown ? { by: def.breakdown.by, groups: keyed, omittedGroups: omitted } : null,
    freshness: fresh,
    notEnoughData: anyRisk
      ? null
      : `no customer was active in the ${def.days} days before any period between ${def.from} and ${def.to}`,
    elapsedMs: performance.now() - started,
  });
}
