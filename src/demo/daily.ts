// Daily facts (customer_daily). Writing every customer's balances for every day of the window from JS would be
// N × D rows through JSON (9M for 100k customers over 90 days): too slow for the first start. Instead the seed writes
// one anchor row per customer for the as-of day, and the event store derives the other dates itself by walking back
// through the customer's transactions (balance on day g = as-of balance − net flows after g). The history is thus
// consistent with the current AUM and with the transactions by construction.
//
// Grid: every day of the last 30 days of the window, plus each month end before that (≈ 33 dates for 90 days).
// That serves the tier rule (monthly daily-average AUM needs a month of days) and month-on-month trends, at about a
// third of the rows of a full daily grid.
import type { EventStore } from '../store/events/store.ts';
import { PRODUCTS } from './bank.ts';
import { isMonthEnd, isoDate } from './calendar.ts';
import type { Window } from './holdings.ts';

/** How customer_daily is populated, stated in the seed summary so analyses can say what they rest on. */
export const DAILY_GRID_DEFINITION =
  'balances at the end of every day of the last 30 days of the window, and at each month end before that; ' +
  'derived from the as-of balances and the transactions (no market revaluation)';

/** The grid dates of the window, ascending, as-of day included. */
export function dailyGrid(w: Window): number[] {
  const dailyFrom = Math.max(w.startDay, w.endDay - 29);
  const days: number[] = [];
  for (let day = w.startDay; day < dailyFrom; day++) if (isMonthEnd(day)) days.push(day);
  for (let day = dailyFrom; day <= w.endDay; day++) days.push(day);
  return days;
}

/** Balance category of each product, as the derivation query sees it. */
const CATEGORY_OF = PRODUCTS.map((p) =>
  p.category === 'current_deposit' || p.category === 'time_deposit'
    ? 'deposit'
    : p.category === 'loan'
      ? 'loan'
      : p.category === 'credit_card'
        ? 'card'
        : 'investment',
);

// Signed effect of a transaction on each balance, in integer cents (exact). Purchases and redemptions move money
// between the current account and the investment; repayments leave the current account (and reduce a loan); a time-deposit opening
// is a transfer_out plus a deposit, which nets to zero.
const DERIVE_SQL = `
INSERT INTO customer_daily (date, customer_id, aum, deposit_balance, investment_balance, loan_balance)
SELECT date, customer_id, toDecimal64(deposit + investment, 2) / 100, toDecimal64(deposit, 2) / 100,
  toDecimal64(investment, 2) / 100, toDecimal64(loan, 2) / 100
FROM (
  SELECT g AS date, a.customer_id AS customer_id,
    a.deposit - arraySum(arrayMap((x, d) -> if(d > g, x, 0), f.deps, f.days)) AS deposit,
    a.investment - arraySum(arrayMap((x, d) -> if(d > g, x, 0), f.invs, f.days)) AS investment,
    a.loan - arraySum(arrayMap((x, d) -> if(d > g, x, 0), f.loans, f.days)) AS loan,
    transform(a.customer_id, {newIds:Array(UInt32)}, {newSince:Array(Date)}, toDate('1970-01-01')) AS since
  FROM (
    SELECT customer_id, toInt64(deposit_balance * 100) AS deposit, toInt64(investment_balance * 100) AS investment,
      toInt64(loan_balance * 100) AS loan
    FROM customer_daily_dedup WHERE date = {asOf:Date} AND customer_id BETWEEN {fromId:UInt32} AND {toId:UInt32}
  ) AS a
  LEFT JOIN (
    SELECT customer_id, groupArray(day) AS days, groupArray(dep) AS deps, groupArray(inv) AS invs, groupArray(ln) AS loans
    FROM (
      SELECT customer_id, toDate(time, 'Asia/Shanghai') AS day,
        sum(multiIf(
          cat = 'deposit' AND kind IN ('deposit', 'transfer_in', 'interest'), cents,
          cat = 'deposit' AND kind IN ('withdrawal', 'transfer_out', 'fee'), -cents,
          cat = 'investment' AND kind = 'purchase', -cents,
          cat = 'investment' AND kind = 'redemption', cents,
          kind = 'repayment', -cents,
          0)) AS dep,
        sum(multiIf(cat = 'investment' AND kind = 'purchase', cents, cat = 'investment' AND kind = 'redemption', -cents, 0)) AS inv,
        sum(if(cat = 'loan' AND kind = 'repayment', -cents, 0)) AS ln
      FROM (
        SELECT customer_id, time, kind, toInt64(amount * 100) AS cents, transform(product_id, {productIds:Array(String)}, {categories:Array(String)}, '') AS cat
        FROM transactions_dedup
        WHERE time >= {from:DateTime64(3)} AND customer_id BETWEEN {fromId:UInt32} AND {toId:UInt32}
      )
      GROUP BY customer_id, day
    )
    GROUP BY customer_id
  ) AS f ON f.customer_id = a.customer_id
  ARRAY JOIN {grid:Array(Date)} AS g
)
WHERE date >= since`;

/**
 * Derives the grid dates before the as-of day from the anchors and transactions already in the event store.
 * `newCustomers` maps customers who joined inside the window to their first day (no rows before it). Runs in
 * slices of customers to bound the engine's memory at a million customers.
 */
export async function deriveDailyFacts(
  events: EventStore,
  w: Window,
  customers: number,
  newCustomers: ReadonlyMap<number, number>,
): Promise<void> {
  const grid = dailyGrid(w)
    .filter((day) => day < w.endDay)
    .map(isoDate);
  if (grid.length === 0) return;
  const slice = 250_000;
  for (let fromId = 1; fromId <= customers; fromId += slice) {
    const toId = Math.min(customers, fromId + slice - 1);
    const joined = [...newCustomers].filter(([id]) => id >= fromId && id <= toId);
    await events.command(DERIVE_SQL, {
      asOf: isoDate(w.endDay),
      // Flows on the day after the earliest grid date onwards matter; Beijing midnight is 16:00 UTC the day before.
      from: `${isoDate(w.startDay - 1)} 16:00:00.000`,
      fromId,
      toId,
      grid,
      productIds: PRODUCTS.map((p) => p.id),
      categories: CATEGORY_OF,
      newIds: joined.map(([id]) => id),
      newSince: joined.map(([, day]) => isoDate(day)),
    });
  }
}
