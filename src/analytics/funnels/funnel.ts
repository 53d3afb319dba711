import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { Bilingual } from '../../segments/tag-source.ts';
import { decodeGroupBitmap } from '../../tags/ch-bitmap.ts';
import { err, ok } from '../../shared/errors.ts';
import { windowMs, type FunnelDefinition } from './definition.ts';
import {
  countIn,
  freshness,
  intersect,
  median,
  MAX_GROUPS,
  resolveAudience,
  unknownEvents,
  type AnalysisResult,
  type BehaviourDeps,
  type Freshness,
} from './groups.ts';
import { funnelAggregateSql, funnelBitmapSql, MISSING_KEY } from './sql.ts';

// Event funnels: ordered steps within a conversion window, per step the customers, the conversion from the previous
// and from the first step, and the median time from the previous step. Without a population or a group breakdown the
// whole answer is one ClickHouse query (sql.ts); with one, the event store returns each level's customers as a
// groupBitmap state (compressed, whatever the count) and the groups — bitmaps already in the segment index — are
// intersected here, which avoids shipping millions of ids in either direction. Definitions: src/analytics/README.md.

export interface FunnelStep {
  /** 1-based. */
  readonly step: number;
  readonly event: string;
  readonly customers: number;
  /** customers / customers of the previous step; null for the first step or when the previous has none. */
  readonly conversionFromPrevious: number | null;
  /** customers / customers of the first step; null when the first has none. */
  readonly conversionFromFirst: number | null;
  /** Median seconds from the previous step's event to this one's, over the customers who reached this step. */
  readonly medianSecondsFromPrevious: number | null;
}

export interface FunnelGroupResult {
  readonly key: string | null;
  readonly label: Bilingual | null;
  readonly steps: FunnelStep[];
}

export interface FunnelResult {
  readonly definition: FunnelDefinition;
  /** The bank's time zone: `from` and `to` are its business days (local midnight to local midnight). */
  readonly timeZone: string;
  readonly window: { readonly from: string; readonly to: string; readonly conversionSeconds: number };
  readonly overall: FunnelGroupResult;
  readonly breakdown: {
    readonly by: string;
    readonly groups: FunnelGroupResult[];
    /** Groups beyond the MAX_GROUPS largest, left out. */
    readonly omittedGroups: number;
  } | null;
  readonly freshness: Freshness;
  /** Set when the figures cannot be read (no first-step customer): the reason, in English. */
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

type Counts = { customers: number[]; medians: (number | null)[] };

function stepsOf(def: FunnelDefinition, c: Counts): FunnelStep[] {
  const first = c.customers[0] ?? 0;
  return def.steps.map((s, i) => {
    const n = c.customers[i] ?? 0;
    const prev = i === 0 ? null : (c.customers[i - 1] ?? 0);
    return {
      step: i + 1,
      event: s.event,
      customers: n,
      conversionFromPrevious: prev === null || prev === 0 ? null : n / prev,
      conversionFromFirst: first === 0 ? null : n / first,
      medianSecondsFromPrevious: i === 0 ? null : (c.medians[i] ?? null),
    };
  });
}

/** Checks what the schema cannot: steps repeating their predecessor, events the store has never seen. */
async function checkSteps(deps: BehaviourDeps, def: FunnelDefinition): Promise<AnalysisResult<true>> {
  for (let i = 1; i < def.steps.length; i++) {
    if (JSON.stringify(def.steps[i]) === JSON.stringify(def.steps[i - 1]))
      return err({
        code: 'bad_request',
        message: `step ${i + 1} repeats step ${i}: one event would count for both (use retention for returns)`,
        details: { step: i + 1 },
      });
  }
  const unknown = await unknownEvents(
    deps.events,
    def.steps.map((s) => s.event),
  );
  if (unknown.length > 0) {
    const at = def.steps.findIndex((s) => unknown.includes(s.event));
    return err({
      code: 'bad_request',
      message: `step ${at + 1}: unknown event ${JSON.stringify(def.steps[at]!.event)} (the event store has none)`,
      details: { step: at + 1, event: def.steps[at]!.event, unknownEvents: unknown },
    });
  }
  return ok(true);
}

/** Runs a funnel definition (already checked against funnelDefinitionSchema). */
export async function runFunnel(
  deps: BehaviourDeps,
  def: FunnelDefinition,
): Promise<AnalysisResult<FunnelResult>> {
  const started = performance.now();
  const checked = await checkSteps(deps, def);
  if (!checked.ok) return checked;

  const audience = await resolveAudience(deps.segments, {
    population: def.population,
    breakdown: def.breakdown && def.breakdown.by !== 'property' ? def.breakdown : undefined,
    asOf: def.asOf,
  });
  if (!audience.ok) return audience;
  const { population, groups } = audience.value;
  let omitted = audience.value.omitted;

  const n = def.steps.length;
  let overall: Counts;
  let keyed: { key: string | null; label: Bilingual | null; counts: Counts }[];
  if (population === null && groups === null) {
    // Everything in the event store: one query, no ids leave it.
    const { sql, params } = funnelAggregateSql(def, deps.clock);
    const rows = await deps.events.query<Record<string, number | string>>(sql, params);
    const read = (r: Record<string, number | string>): Counts => ({
      customers: def.steps.map((_, i) => Number(r[`s${i + 1}`] ?? 0)),
      medians: def.steps.map((_, i) => {
        const m = Number(r[`m${i + 1}`]);
        return i > 0 && Number(r[`s${i + 1}`]) > 0 && Number.isFinite(m) ? m / 1000 : null;
      }),
    });
    const total = rows.find((r) => Number(r['t']) === 1);
    overall = total ? read(total) : { customers: new Array<number>(n).fill(0), medians: [] };
    keyed = rows
      .filter((r) => Number(r['t']) === 0)
      .map((r) => ({
        key: String(r['k']) === MISSING_KEY ? null : String(r['k']),
        label: null,
        counts: read(r),
      }));
  } else {
    const parts = await bitmapParts(deps, def);
    overall = countsFor(parts, n, population, null);
    if (groups) {
      keyed = groups.map((g) => ({
        key: g.key,
        label: g.label,
        counts: countsFor(parts, n, intersect(population, g.members), null),
      }));
    } else {
      const keys = [...new Set(parts.map((p) => p.key))];
      keyed = keys
        .map((key) => ({
          key: key === MISSING_KEY ? null : key,
          label: null,
          counts: countsFor(parts, n, population, key),
        }))
        .filter((g) => (g.counts.customers[0] ?? 0) > 0)
        .sort((a, b) => (b.counts.customers[0] ?? 0) - (a.counts.customers[0] ?? 0));
    }
  }
  if (def.breakdown?.by === 'property' && keyed.length > MAX_GROUPS) {
    omitted = keyed.length - MAX_GROUPS;
    keyed = keyed.slice(0, MAX_GROUPS);
  }

  const first = overall.customers[0] ?? 0;
  return ok({
    definition: def,
    timeZone: deps.clock.timeZone,
    window: { from: def.from, to: def.to, conversionSeconds: windowMs(def.window) / 1000 },
    overall: { key: null, label: null, steps: stepsOf(def, overall) },
    breakdown: def.breakdown
      ? {
          by: def.breakdown.by,
          groups: keyed.map((g) => ({ key: g.key, label: g.label, steps: stepsOf(def, g.counts) })),
          omittedGroups: omitted,
        }
      : null,
    freshness: await freshness(deps.events),
    notEnoughData:
      first === 0
        ? `no customer did ${JSON.stringify(def.steps[0]!.event)}${def.population ? ' in the population' : ''} ` +
          `between ${def.from} and ${def.to}`
        : null,
    elapsedMs: performance.now() - started,
  });
}

/** One (key, level) cell of the bitmap form: its customers and the chains of the converted ones. */
interface Part {
  readonly key: string;
  readonly level: number;
  readonly customers: ReadonlyRoaringBitmap32;
  /** [customer, chain of step times in ms] for level ≥ 2. */
  readonly converted: readonly [number, number[]][];
}

async function bitmapParts(deps: BehaviourDeps, def: FunnelDefinition): Promise<Part[]> {
  const { sql, params } = funnelBitmapSql(def, deps.clock);
  const rows = await deps.events.query<{ k: string; level: number; b: string; conv: [number, number[]][] }>(
    sql,
    params,
  );
  return rows.map((r) => ({
    key: String(r.k),
    level: Number(r.level),
    customers: decodeGroupBitmap(r.b),
    converted: r.conv,
  }));
}

/** Step counts and medians over the customers in `filter` (everyone when null) and of one key (every key when null). */
function countsFor(
  parts: readonly Part[],
  n: number,
  filter: ReadonlyRoaringBitmap32 | null,
  key: string | null,
): Counts {
  const atLevel = new Array<number>(n + 1).fill(0);
  const durations: number[][] = Array.from({ length: n }, () => []);
  for (const part of parts) {
    if (key !== null && part.key !== key) continue;
    atLevel[part.level]! += countIn(part.customers, filter);
    for (const [customer, chain] of part.converted) {
      if (filter !== null && !filter.has(customer)) continue;
      for (let i = 1; i < chain.length; i++) {
        if (chain[i]! > 0) durations[i]!.push((chain[i]! - chain[i - 1]!) / 1000);
      }
    }
  }
  const customers = new Array<number>(n).fill(0);
  let reached = 0;
  for (let level = n; level >= 1; level--) {
    reached += atLevel[level]!;
    customers[level - 1] = reached;
  }
  return { customers, medians: durations.map((d, i) => (i === 0 ? null : median(d))) };
}
