import { formatDay, parseDay } from '../../segments/predicate.ts';
import { PRODUCT_CATEGORIES, type ProductCategory } from '../../segments/rule.ts';
import type { SegmentService } from '../../segments/service.ts';
import type { Clock } from '../../shared/clock.ts';
import { ok } from '../../shared/errors.ts';
import { withinDaysSql } from '../../store/events/business-day.ts';
import type { EventStore } from '../../store/events/store.ts';
import { concentrationWithLorenz, type LorenzPoint } from '../concentration.ts';
import {
  populationView,
  resolvePopulation,
  type AnalysisResult,
  type PopulationInput,
  type PopulationView,
} from '../lifecycle/population.ts';

// How concentrated AUM and revenue contribution are among the customers of the bank (or of a population): Lorenz
// and Pareto curves, Gini and the share of the top 20%. AUM and balances come from the segment index of the day
// (typed arrays by customer ordinal, as group analysis uses them); fees from the event store.
//
// Revenue contribution: the stores hold no profit figures per customer (the demo bank books no fees; interest
// transactions are interest the bank pays). So a customer's revenue contribution is an estimate: the annual margin
// the bank earns on each balance the customer holds, by product category (REVENUE_MARGINS, stated in every answer),
// plus the fees actually charged (transactions of kind 'fee') in the 365 days to the day.

/**
 * Annual net revenue margin assumed per product category, as a share of the balance: the spread over the bank's
 * funding rate for deposits and loans, commissions and trailing fees for wealth, funds and insurance, interchange and
 * revolving interest for cards. Typical of Chinese retail banks; an estimate, not an accounting figure.
 */
export const REVENUE_MARGINS: Readonly<Record<ProductCategory, number>> = {
  current_deposit: 0.018,
  time_deposit: 0.006,
  wealth: 0.005,
  fund: 0.006,
  insurance: 0.01,
  loan: 0.015,
  credit_card: 0.03,
};

/** Days of fees counted in revenue contribution (the day included). */
export const FEE_WINDOW_DAYS = 365;

/** The concentration of one measure. */
export interface MeasureConcentration {
  readonly total: number;
  /** Customers with a positive value. */
  readonly holders: number;
  readonly gini: number;
  readonly top20Share: number;
  /** Richest first: the richest customerShare of the customers hold valueShare (20 points). */
  readonly pareto: { customerShare: number; valueShare: number }[];
  /** Poorest first, 101 points from (0, 0) to (1, 1). */
  readonly lorenz: LorenzPoint[];
}

export interface ConcentrationAnalysis {
  readonly asOf: string;
  readonly population: PopulationView;
  readonly customers: number;
  readonly aum: MeasureConcentration;
  readonly revenue: MeasureConcentration & {
    readonly margins: Readonly<Record<ProductCategory, number>>;
    readonly feeWindow: { from: string; to: string };
    readonly fees: number;
  };
  /** The bank's time zone: `asOf` and the fee window are its business days. */
  readonly timeZone: string;
  readonly computedAt: string;
  readonly elapsedMs: number;
}

/** The concentration of already-gathered values (changed: clamped and sorted). */
export function measure(values: Float64Array): MeasureConcentration {
  let holders = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) {
      holders++;
      total += v;
    }
  }
  const c = concentrationWithLorenz(values);
  return {
    total: Math.round(total * 100) / 100,
    holders,
    gini: c.gini,
    top20Share: c.top20AumShare,
    pareto: c.pareto.map((p) => ({ customerShare: p.customerShare, valueShare: p.aumShare })),
    lorenz: c.lorenz,
  };
}

/** AUM and revenue concentration on a day (default today) for the bank or a population. */
export async function analyseConcentration(
  deps: { segments: SegmentService; events: EventStore; clock: Clock },
  options: PopulationInput & { asOf?: string | undefined },
): Promise<AnalysisResult<ConcentrationAnalysis>> {
  const started = performance.now();
  const asOf = options.asOf ?? deps.segments.today();
  const population = await resolvePopulation(deps.segments, options, asOf);
  if (!population.ok) return population;
  const entry = population.value.entry ?? (await deps.segments.entry(asOf));
  const index = entry.base.index;
  const members = population.value.members ?? index.universe;
  const ordinals = members.toUint32Array();
  const feeFrom = formatDay(parseDay(asOf)! - (FEE_WINDOW_DAYS - 1));
  const fees = await feesByCustomer(deps.events, { from: feeFrom, to: asOf, timeZone: deps.clock.timeZone });
  const aumColumn = index.attribute('aum');
  const aumOf = aumColumn && aumColumn.type === 'number' ? aumColumn.column.values : new Float64Array(0);
  const balances = PRODUCT_CATEGORIES.map((c) => ({
    margin: REVENUE_MARGINS[c],
    values: index.holdings(c).values,
  }));
  const aum = new Float64Array(ordinals.length);
  const revenue = new Float64Array(ordinals.length);
  let feeTotal = 0;
  for (let i = 0; i < ordinals.length; i++) {
    const o = ordinals[i]!;
    aum[i] = aumOf[o] ?? 0; // NaN (unknown) is clamped to 0 by the concentration
    let r = 0;
    for (const b of balances) {
      const balance = b.values[o];
      if (balance !== undefined && balance > 0) r += balance * b.margin;
    }
    const fee = fees.get(o) ?? 0;
    feeTotal += fee;
    revenue[i] = r + fee;
  }
  const revenueFigures = measure(revenue);
  return ok({
    asOf: entry.asOf,
    population: populationView(population.value),
    customers: ordinals.length,
    aum: measure(aum),
    revenue: {
      ...revenueFigures,
      margins: REVENUE_MARGINS,
      feeWindow: { from: feeFrom, to: asOf },
      fees: Math.round(feeTotal * 100) / 100,
    },
    timeZone: deps.clock.timeZone,
    computedAt: deps.clock.now().toISOString(),
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  });
}

/** Fees charged per customer ordinal on the business days [from, to] (only customers with fees). */
async function feesByCustomer(
  events: EventStore,
  days: { from: string; to: string; timeZone: string },
): Promise<Map<number, number>> {
  const rows = await events.query<{ id: number; fees: number }>(
    `SELECT customer_id AS id, toFloat64(sum(amount)) AS fees FROM transactions_dedup
      WHERE kind = 'fee' AND customer_id > 0 AND ${withinDaysSql('time', '{from:String}', '{to:String}')}
      GROUP BY customer_id`,
    { from: days.from, to: days.to, tz: days.timeZone },
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.fees)]));
}
