// A customer's accounts and the money movements on them inside the history window. Balances are the state on the
// as-of day and split the customer's AUM exactly; every movement in the window is planned here so that the ledger
// (transactions) and the behaviour events (purchase) tell the same story as the balances.
import { investmentsFor, PRODUCTS, productById, type ProductRow } from './bank.ts';
import { addMonths, nextMonthlyDay, type Window } from './calendar.ts';
import type { CustomerProfile } from './customers.ts';
import { sessionSecond } from './activity.ts';
import type { Rng } from './random.ts';

export type { Window } from './calendar.ts';

/** A planned movement on one account: amount in cents, positive. */
export interface Movement {
  readonly day: number;
  readonly amountCents: number;
  /** 'app' for customer purchases (these also appear as purchase events), 'auto_invest', 'renewal', 'auto_debit', 'counter'. */
  readonly channel: string;
  /** Beijing second of the day; app purchases share it with their purchase event. */
  readonly second: number;
}

/** One account with its state on the as-of day and its planned movements in the window. */
export interface HoldingPlan {
  readonly account_no: string;
  readonly product: ProductRow;
  balanceCents: number;
  openedDay: number;
  maturityDay: number | null;
  nextDueDay: number | null;
  /** Money in: purchases and top-ups (investments), the opening deposit (time deposits). */
  readonly purchases: Movement[];
  readonly redemptions: Movement[];
  /** Loan instalments and card bill payments, paid from the current account. */
  readonly repayments: Movement[];
}

const isInvestment = (p: ProductRow) =>
  p.category === 'wealth' || p.category === 'fund' || p.category === 'insurance';
const CURRENT = productById('DEP-CUR');

/** The account number of a customer's n-th account (1-based): bank prefix, customer ordinal, sequence. */
export function accountNo(customerId: number, sequence: number): string {
  return `6217${String(customerId).padStart(10, '0')}${String(sequence).padStart(2, '0')}`;
}

/**
 * Plans a customer's 1–6 accounts. `sessionDays` are the days the customer is active in the app; purchases are
 * placed on them so each purchase transaction has its purchase event.
 */
export function planHoldings(
  rng: Rng,
  c: CustomerProfile,
  w: Window,
  sessionDays: readonly number[],
): HoldingPlan[] {
  const wealthy = c.tier !== 'mass' && c.tier !== 'gold';
  const newInWindow = c.sinceDay >= w.startDay;
  const plans: HoldingPlan[] = [];
  let sequence = 0;
  const open = (product: ProductRow, openedDay: number): HoldingPlan => {
    const plan: HoldingPlan = {
      account_no: accountNo(c.id, ++sequence),
      product,
      balanceCents: 0,
      openedDay,
      maturityDay: null,
      nextDueDay: null,
      purchases: [],
      redemptions: [],
      repayments: [],
    };
    plans.push(plan);
    return plan;
  };
  const current = open(CURRENT, c.sinceDay);
  const dayBetween = (from: number, to: number) => (to <= from ? from : rng.int(from, to));

  // Investments: only customers at the transaction stage or beyond have bought; the stage fixes how many purchases
  // fall inside the window, and purchases on days the customer is active in the app.
  const purchaseCount =
    c.stage === 4 ? 1 : c.stage === 5 ? 2 + (rng.chance(0.4) ? 1 : 0) : c.stage === 6 ? 3 + rng.int(0, 2) : 0;
  const existing = newInWindow ? 0 : c.stage === 5 ? rng.int(0, 1) : c.stage === 6 ? rng.int(1, 2) : 0;
  const opening = purchaseCount === 0 ? 0 : c.stage === 4 ? 1 : rng.int(1, Math.min(2, purchaseCount));
  const candidates = investmentsFor(c.risk_level);
  const chosen = new Set<ProductRow>();
  const pickInvestment = () => {
    for (let tries = 0; tries < 6; tries++) {
      const p = rng.pick(candidates);
      if (!chosen.has(p)) return chosen.add(p) && p;
    }
    return rng.pick(candidates);
  };
  const investments: HoldingPlan[] = [];
  for (let k = 0; k < existing; k++) {
    investments.push(open(pickInvestment(), dayBetween(c.sinceDay, w.startDay - 30)));
  }
  const days = [...(sessionDays.length > 0 ? sessionDays : [w.endDay])];
  const purchaseDays = Array.from({ length: purchaseCount }, () => rng.pick(days)).sort((a, b) => a - b);
  const opened: HoldingPlan[] = [];
  purchaseDays.forEach((day, k) => {
    if (k < opening) {
      const plan = open(pickInvestment(), day);
      opened.push(plan);
      investments.push(plan);
      plan.purchases.push({ day, amountCents: 0, channel: 'app', second: sessionSecond(rng) });
    } else {
      const eligible = investments.filter((h) => h.openedDay <= day);
      const target = eligible.length > 0 ? rng.pick(eligible) : investments[0];
      target?.purchases.push({ day, amountCents: 0, channel: 'app', second: sessionSecond(rng) });
    }
  });

  // Time deposits: more common the wealthier the customer.
  const tdRate = c.tier === 'mass' ? 0.25 : c.tier === 'gold' ? 0.55 : 0.7;
  const timeDeposits =
    c.aumCents >= 500_000 && rng.chance(tdRate) ? (c.aumCents > 10_000_000 && rng.chance(0.3) ? 2 : 1) : 0;
  const tds: HoldingPlan[] = [];
  for (let k = 0; k < timeDeposits && plans.length < 5; k++) {
    const product = rng.pick(
      PRODUCTS.filter(
        (p) => p.category === 'time_deposit' && (p.id !== 'TD-3Y' || wealthy || rng.chance(0.3)),
      ),
    );
    const term = product.term_days ?? 365;
    // Opened so that maturities spread evenly over the coming term: a 3-month deposit matures within 30 days a third of the time.
    const openedDay = Math.max(c.sinceDay, w.endDay - rng.int(0, term - 1));
    const plan = open(product, openedDay);
    plan.maturityDay = openedDay + term;
    if (openedDay >= w.startDay) {
      const inApp = c.app_user && rng.chance(0.6);
      plan.purchases.push({
        day: openedDay,
        amountCents: 0,
        channel: inApp ? 'app' : 'counter',
        second: inApp ? sessionSecond(rng) : rng.int(9 * 3600, 16 * 3600),
      });
    }
    tds.push(plan);
  }

  // Loans and cards do not count towards AUM; a loan needs a customer known before the window (repayment history).
  if (!newInWindow && c.age < 68 && plans.length < 6 && rng.chance(wealthy ? 0.2 : 0.12)) {
    const id =
      c.occupation === 'business_owner' || c.occupation === 'self_employed'
        ? rng.chance(0.5)
          ? 'LN-BUSINESS'
          : 'LN-MORTGAGE'
        : rng.chance(0.65)
          ? 'LN-MORTGAGE'
          : 'LN-CONSUMER';
    const product = productById(id);
    const term = product.term_days ?? 3650;
    const openedDay = dayBetween(Math.max(c.sinceDay, w.endDay - term + 200), w.startDay - 1);
    const loan = open(product, openedDay);
    const scale =
      id === 'LN-MORTGAGE'
        ? 60 + rng.next() * 120
        : id === 'LN-BUSINESS'
          ? 20 + rng.next() * 60
          : 2 + rng.next() * 10;
    const remaining = Math.max(0.1, 1 - (w.endDay - openedDay) / term);
    loan.balanceCents = Math.round(c.salary * scale * remaining) * 100;
    loan.maturityDay = openedDay + term;
    const dueDay = rng.int(1, 28);
    const monthsLeft = Math.max(1, Math.round((loan.maturityDay - w.endDay) / 30.4));
    const instalment = Math.round(
      loan.balanceCents / monthsLeft + (loan.balanceCents * (product.annual_rate ?? 0.04)) / 12,
    );
    loan.nextDueDay = nextMonthlyDay(w.endDay, dueDay);
    for (
      let day = nextMonthlyDay(w.startDay - 1, dueDay);
      day <= w.endDay;
      day = nextMonthlyDay(day, dueDay)
    ) {
      loan.repayments.push({
        day,
        amountCents: instalment,
        channel: 'auto_debit',
        second: rng.int(6 * 3600, 7 * 3600),
      });
    }
  }
  if (plans.length < 6 && rng.chance(wealthy ? 0.55 : 0.3)) {
    const card = open(
      productById(wealthy ? 'CC-PLATINUM' : 'CC-STANDARD'),
      dayBetween(c.sinceDay, w.endDay - 60),
    );
    const bill = () => Math.round(c.salary * (0.1 + rng.next() * 0.5)) * 100;
    card.balanceCents = bill();
    const dueDay = rng.int(1, 28);
    card.nextDueDay = nextMonthlyDay(w.endDay, dueDay);
    for (
      let day = nextMonthlyDay(Math.max(w.startDay, card.openedDay + 30) - 1, dueDay);
      day <= w.endDay;
      day = nextMonthlyDay(day, dueDay)
    ) {
      card.repayments.push({
        day,
        amountCents: bill(),
        channel: 'auto_debit',
        second: rng.int(6 * 3600, 7 * 3600),
      });
    }
  }

  splitAum(rng, c, current, tds, investments);
  planInvestmentFlows(rng, w, investments, opened);
  return plans;
}

/** Splits the AUM exactly over current account, time deposits and investments (the current account takes the rest). */
function splitAum(
  rng: Rng,
  c: CustomerProfile,
  current: HoldingPlan,
  tds: HoldingPlan[],
  investments: HoldingPlan[],
): void {
  const wealthy = c.tier !== 'mass' && c.tier !== 'gold';
  const weights = [
    ...tds.map(() => 1.4 * (0.4 + rng.next())),
    ...investments.map(() => (wealthy ? 2 : 1.1) * (0.3 + rng.next())),
  ];
  const currentWeight = (c.tier === 'mass' ? 1.6 : c.tier === 'gold' ? 1 : 0.5) * (0.3 + rng.next());
  const total = weights.reduce((a, b) => a + b, currentWeight);
  let assigned = 0;
  [...tds, ...investments].forEach((plan, i) => {
    plan.balanceCents = Math.floor((c.aumCents * (weights[i] ?? 0)) / total);
    assigned += plan.balanceCents;
  });
  current.balanceCents = c.aumCents - assigned;
  for (const td of tds)
    if (td.purchases[0]) td.purchases[0] = { ...td.purchases[0], amountCents: td.balanceCents };
}

/**
 * Sizes purchases so balances add up: an investment opened in the window holds exactly what was paid into it; one
 * held from before takes top-ups of at most a fifth of its balance each, and may have had a partial redemption.
 * Funds may run a monthly auto-investment plan; insurance premiums renew on the policy anniversary.
 */
function planInvestmentFlows(rng: Rng, w: Window, investments: HoldingPlan[], opened: HoldingPlan[]): void {
  for (const plan of investments) {
    const isNew = opened.includes(plan);
    const { category, term_days: term } = plan.product;
    // Term products held from before the window roll over at each maturity (as holding-period wealth products
    // do), so the next maturity is always ahead.
    if (term !== null)
      plan.maturityDay =
        plan.openedDay + term * Math.max(1, Math.ceil((w.endDay + 1 - plan.openedDay) / term));
    if (category === 'fund' && rng.chance(0.4)) {
      const dueDay = rng.int(1, 28);
      const monthly = Math.max(100, Math.min(Math.round(plan.balanceCents / 12 / 10_000) * 10_000, 500_000));
      plan.nextDueDay = nextMonthlyDay(w.endDay, dueDay);
      for (
        let day = nextMonthlyDay(Math.max(w.startDay - 1, plan.openedDay), dueDay);
        day <= w.endDay;
        day = nextMonthlyDay(day, dueDay)
      ) {
        plan.purchases.push({
          day,
          amountCents: monthly,
          channel: 'auto_invest',
          second: rng.int(7 * 3600, 8 * 3600),
        });
      }
    }
    if (category === 'insurance') {
      let anniversary = addMonths(plan.openedDay, 12);
      while (anniversary <= w.endDay) {
        if (anniversary >= w.startDay)
          plan.purchases.push({
            day: anniversary,
            amountCents: 0,
            channel: 'renewal',
            second: rng.int(9 * 3600, 10 * 3600),
          });
        anniversary = addMonths(anniversary, 12);
      }
      plan.nextDueDay = anniversary;
    }
    plan.purchases.sort((a, b) => a.day - b.day);
    if (!isNew && (category === 'wealth' || category === 'fund') && rng.chance(0.15)) {
      plan.redemptions.push({
        day: rng.int(w.startDay, w.endDay),
        amountCents: Math.round(plan.balanceCents * (0.05 + 0.25 * rng.next())),
        channel: 'app',
        second: sessionSecond(rng),
      });
    }
    // Fill in the amounts: fixed ones (auto-investment) stand; the others share what is left of the balance.
    const fixed = plan.purchases.reduce((sum, p) => sum + (p.amountCents > 0 ? p.amountCents : 0), 0);
    const open = plan.purchases.filter((p) => p.amountCents === 0);
    if (isNew) {
      // Scale auto-investments down if they would exceed the balance, then the opening purchase takes the rest.
      const room = Math.max(0, plan.balanceCents - open.length);
      const factor = fixed > room / 2 ? room / 2 / fixed : 1;
      let paid = 0;
      plan.purchases.forEach((p, i) => {
        if (p.amountCents > 0)
          plan.purchases[i] = { ...p, amountCents: Math.max(1, Math.floor(p.amountCents * factor)) };
        paid += plan.purchases[i]!.amountCents;
      });
      const share = Math.max(open.length, plan.balanceCents - paid);
      let left = share;
      open.forEach((p, k) => {
        const amount =
          k === open.length - 1
            ? left
            : Math.max(1, Math.floor(share * (k === 0 ? 0.7 : 0.3 / (open.length - 1))));
        left -= amount;
        plan.purchases[plan.purchases.indexOf(p)] = { ...p, amountCents: amount };
      });
      plan.balanceCents = plan.purchases.reduce((sum, p) => sum + p.amountCents, 0);
    } else {
      for (const p of open)
        plan.purchases[plan.purchases.indexOf(p)] = {
          ...p,
          amountCents: Math.max(1, Math.round(plan.balanceCents * (0.03 + 0.17 * rng.next()))),
        };
    }
  }
}

/** Whether a product's balance counts towards AUM (deposits and investments; not loans or card debt). */
export const countsTowardsAum = (p: ProductRow) =>
  p.category === 'current_deposit' || p.category === 'time_deposit' || isInvestment(p);
/** Whether a product is an investment (wealth, fund, insurance). */
export { isInvestment };
