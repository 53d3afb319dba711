// The money movements of one customer over the window, as transactions. Planned movements (purchases, repayments,
// redemptions, time-deposit openings) come from the holdings; salary, interest and everyday spending are simulated on
// the current account, steered so that its balance never goes negative and ends exactly at its as-of balance. Going
// backwards from the as-of balances through these transactions therefore reproduces every earlier day's balance,
// which is how customer_daily is derived (see daily.ts).
import type { TransactionRecord } from '../store/events/store.ts';
import { beijingMs } from './calendar.ts';
import type { CustomerProfile } from './customers.ts';
import { isInvestment, type HoldingPlan, type Window } from './holdings.ts';
import type { Rng } from './random.ts';

/** The as-of balances by kind, in cents. */
export interface Balances {
  readonly depositCents: number;
  readonly investmentCents: number;
  readonly loanCents: number;
}

type Kind = TransactionRecord['kind'];
interface Flow {
  readonly second: number;
  readonly order: number;
  readonly kind: Kind;
  readonly account: HoldingPlan;
  readonly cents: number;
  readonly channel: string;
  /** Effect on the current account: +1 credit, -1 debit, 0 none. */
  readonly effect: -1 | 0 | 1;
}

/** The customer's transactions in the window (ordered by time) and their as-of balances. */
export function generateLedger(
  rng: Rng,
  c: CustomerProfile,
  w: Window,
  plans: readonly HoldingPlan[],
): { transactions: TransactionRecord[]; balances: Balances } {
  const current = plans[0]!;
  const first = Math.max(w.startDay, c.sinceDay);
  const byDay = new Map<number, Flow[]>();
  let order = 0;
  const plan = (day: number, flow: Omit<Flow, 'order'>) => {
    if (day < first || day > w.endDay) return;
    const list = byDay.get(day) ?? [];
    list.push({ ...flow, order: order++ });
    byDay.set(day, list);
  };
  for (const h of plans) {
    const category = h.product.category;
    for (const p of h.purchases) {
      if (category === 'time_deposit') {
        plan(p.day, {
          second: p.second,
          kind: 'transfer_out',
          account: current,
          cents: p.amountCents,
          channel: p.channel,
          effect: -1,
        });
        plan(p.day, {
          second: p.second + 1,
          kind: 'deposit',
          account: h,
          cents: p.amountCents,
          channel: p.channel,
          effect: 0,
        });
      } else if (isInvestment(h.product)) {
        plan(p.day, {
          second: p.second,
          kind: 'purchase',
          account: h,
          cents: p.amountCents,
          channel: p.channel,
          effect: -1,
        });
      }
    }
    for (const r of h.redemptions)
      plan(r.day, {
        second: r.second,
        kind: 'redemption',
        account: h,
        cents: r.amountCents,
        channel: r.channel,
        effect: 1,
      });
    for (const r of h.repayments)
      plan(r.day, {
        second: r.second,
        kind: 'repayment',
        account: h,
        cents: r.amountCents,
        channel: r.channel,
        effect: -1,
      });
  }
  if (c.payroll) {
    for (let day = first; day <= w.endDay; day++) {
      if (w.dayOfMonth[day - w.startDay] === 10)
        plan(day, {
          second: 9 * 3600 + rng.int(0, 3599),
          kind: 'deposit',
          account: current,
          cents: Math.round(c.salary * (0.92 + 0.16 * rng.next())) * 100,
          channel: 'payroll',
          effect: 1,
        });
    }
  }

  // Spending days: payroll customers spend through the month; others now and then.
  const perMonth = c.payroll ? 6 : c.engagement === 'active' ? 2 : c.engagement === 'cooling' ? 1 : 0.4;
  const isNew = c.sinceDay >= w.startDay;
  // Where the balance drifts from: what the current account held before the money moved into (or came back from)
  // investments and time deposits, blurred and a little lower on average (the bank grows). Salary is spent and
  // repayments are met from income, so neither shifts it.
  const invested = [...byDay.values()]
    .flat()
    .reduce(
      (sum, f) => (f.kind === 'repayment' || f.channel === 'payroll' ? sum : sum - f.effect * f.cents),
      0,
    );
  const base = Math.max(0, current.balanceCents + invested);
  const drift = Math.exp(0.2 * rng.normal() - (0.05 * (w.endDay - w.startDay + 1)) / 90);
  const opening = isNew ? base * (0.5 + rng.next()) : c.engagement === 'dormant' ? base : base * drift;
  const span = Math.max(1, w.endDay - first);
  const target = (day: number) => opening + ((current.balanceCents - opening) * (day - first)) / span;

  type Entry = {
    day: number;
    second: number;
    kind: Kind;
    account: HoldingPlan;
    cents: number;
    channel: string;
  };
  const entries: Entry[] = [];
  const record = (
    day: number,
    second: number,
    kind: Kind,
    account: HoldingPlan,
    cents: number,
    channel: string,
  ) => {
    if (cents > 0)
      entries.push({ day, second: Math.min(86_399, Math.max(0, second)), kind, account, cents, channel });
  };

  // Walk backwards from the as-of balance: the balance before a debit is higher, so only a credit can push it
  // below zero, and then the customer must have spent at least that much later the same day. Spending and
  // transfers steer the balance towards the drift path. No day ever ends negative, and the end is exact.
  let balance = current.balanceCents;
  for (let day = w.endDay; day >= first; day--) {
    if (rng.next() < perMonth / 30) {
      const gap = target(day) - balance;
      const second = 8 * 3600 + rng.int(0, 14 * 3600);
      if (gap > 10_000) {
        const amount = Math.round(gap * (0.5 + 0.5 * rng.next()));
        record(day, second, 'withdrawal', current, amount, rng.pick(['pos', 'quick_pay', 'atm', 'transfer']));
        balance += amount;
      } else if (-gap > Math.max(100_000, 0.2 * target(day))) {
        const amount = Math.round(-gap * (0.5 + 0.5 * rng.next()));
        record(day, second, 'transfer_in', current, amount, 'transfer');
        balance -= amount;
      }
    }
    const flows = (byDay.get(day) ?? []).sort(
      (a, b) => b.effect - a.effect || a.second - b.second || a.order - b.order,
    );
    for (let i = flows.length - 1; i >= 0; i--) {
      const f = flows[i]!;
      if (f.effect === 1 && balance < f.cents) {
        const spent = f.cents - balance + Math.round(rng.next() * 0.2 * f.cents);
        record(
          day,
          f.second + rng.int(600, 7200),
          'withdrawal',
          current,
          spent,
          rng.pick(['pos', 'quick_pay']),
        );
        balance += spent;
      }
      record(day, f.second, f.kind, f.account, f.cents, f.channel);
      balance -= f.effect * f.cents;
    }
    // Interest on current accounts is paid on the 21st of each quarter's last month, as Chinese banks do.
    if (w.dayOfMonth[day - w.startDay] === 21 && (w.month[day - w.startDay] ?? 1) % 3 === 0) {
      // Quarterly interest on the balance before it, paid at 02:00 ahead of the day's other movements.
      const interest = Math.floor((balance * (current.product.annual_rate ?? 0)) / 4);
      if (interest > 0 && interest <= balance) {
        record(day, 2 * 3600, 'interest', current, interest, 'system');
        balance -= interest;
      }
    }
  }
  // A customer who joined inside the window opened the account with what was on it before that day's movements.
  if (isNew) {
    const earliest = Math.min(9 * 3600, ...entries.filter((e) => e.day === first).map((e) => e.second - 300));
    record(first, earliest, 'deposit', current, Math.round(balance), 'counter');
  }

  entries.sort((a, b) => a.day - b.day || a.second - b.second);
  const prefix = `t${String(c.id).padStart(10, '0')}-`;
  const transactions: TransactionRecord[] = entries.map((e, i) => ({
    txn_id: prefix + i,
    customer_id: c.id,
    account_no: e.account.account_no,
    product_id: e.account.product.id,
    kind: e.kind,
    amount: e.cents / 100,
    channel: e.channel,
    time: beijingMs(e.day, e.second),
  }));

  let depositCents = 0;
  let investmentCents = 0;
  let loanCents = 0;
  for (const h of plans) {
    const category = h.product.category;
    if (category === 'current_deposit' || category === 'time_deposit') depositCents += h.balanceCents;
    else if (isInvestment(h.product)) investmentCents += h.balanceCents;
    else if (category === 'loan') loanCents += h.balanceCents;
  }
  return { transactions, balances: { depositCents, investmentCents, loanCents } };
}
