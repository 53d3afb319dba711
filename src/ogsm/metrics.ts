import { sql } from 'kysely';
import { binaryArm, compare, type ArmStats, type Comparison } from '../analytics/experiments/lift.ts';
import { reasonText } from '../analytics/reasons.ts';
import type { Bilingual } from '../contracts/common.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { shiftDay } from '../shared/day.ts';
import type { Goal, MetricKey } from './model.ts';
import type { OgsmDeps, SubjectFacts } from './subjects.ts';

// The metric registry: what each metric a goal may name counts (en/zh), its unit, whether it has a lift against the
// control group, and how it is measured on a subject's facts over a window from the subject's start. Measured value
// over target is the attainment. A figure that cannot be measured is null with its reason, never NaN.

/** A metric's unit: customers (or a journey's entries), a share in [0, 1], or CNY. */
export type MetricUnit = 'customers' | 'ratio' | 'CNY';

/** What a metric is. */
export interface MetricDefinition {
  readonly key: MetricKey;
  readonly unit: MetricUnit;
  readonly lift: boolean;
  /** Takes a product category (new_buyers). */
  readonly category: boolean;
  readonly definition: Bilingual;
}

/** Every metric, by key. */
export const METRICS: Readonly<Record<MetricKey, MetricDefinition>> = {
  conversions: {
    key: 'conversions',
    unit: 'customers',
    lift: true,
    category: false,
    definition: {
      en: "Treated customers (a journey's entries) with the conversion event (a journey's goal) within the window; lift: conversion rate against the control group, 95% interval",
      zh: '窗口内发生转化事件（旅程为目标事件）的触达客户数（旅程按进入次数计）；提升：与对照组转化率之差，95% 置信区间',
    },
  },
  conversion_rate: {
    key: 'conversion_rate',
    unit: 'ratio',
    lift: true,
    category: false,
    definition: {
      en: 'Converted over treated within the window; lift against the control group, 95% interval',
      zh: '窗口内转化客户数除以触达客户数；与对照组相比的提升，95% 置信区间',
    },
  },
  reached: {
    key: 'reached',
    unit: 'customers',
    lift: false,
    category: false,
    definition: {
      en: "Customers reached: a campaign's messages a channel accepted; customers who entered a journey's graph",
      zh: '触达客户数：活动为渠道已接收消息的客户，旅程为进入流程的客户',
    },
  },
  new_buyers: {
    key: 'new_buyers',
    unit: 'customers',
    lift: true,
    category: true,
    definition: {
      en: 'Treated customers who bought a product of the category within the window (a purchase event with that category, or a holding opened) and held none of it before; lift: share against the control group',
      zh: '窗口内首次购买该类产品（带该类别的购买事件或新开持仓）且此前未持有的触达客户数；提升：与对照组比例之差',
    },
  },
  aum_change: {
    key: 'aum_change',
    unit: 'CNY',
    lift: true,
    category: false,
    definition: {
      en: "Sum over the treated group of AUM at the window's end (latest daily figure) minus AUM the day before the start; lift: mean change per customer against the control group (Welch)",
      zh: '触达客群窗口末（最新日数据）资产减去开始前一日资产之和；提升：人均变化与对照组之差（Welch 检验）',
    },
  },
  leads: {
    key: 'leads',
    unit: 'customers',
    lift: false,
    category: false,
    definition: {
      en: "People captured as leads at an activity who were not on it before (new prospects, or known customers not invited), as the activity's results count them; activities only",
      zh: '线下活动现场采集的线索人数（新建潜客，或未受邀的已有客户），口径同活动结果；仅限活动',
    },
  },
  attendees: {
    key: 'attendees',
    unit: 'customers',
    lift: false,
    category: false,
    definition: {
      en: 'Customers checked in at an activity: invitees, walk-ins and leads present (the control group apart); activities only',
      zh: '线下活动签到客户数：受邀客户、现场到场客户及现场线索（不含对照组）；仅限活动',
    },
  },
};

/** One goal as measured now. */
export interface GoalMeasurement {
  readonly value: number | null;
  readonly valueReason: string | null;
  /** value / target × 100, one decimal; null with the value. */
  readonly attainment: number | null;
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
  readonly window: { from: string; until: string; open: boolean } | null;
  readonly eventsThrough: string | null;
}

const DAY_MS = 86_400_000;

/** value / target as a percentage with one decimal. */
export function attainment(value: number | null, target: number): number | null {
  return value === null ? null : Math.round((value / target) * 1000) / 10;
}

/** Measures one goal (or a measure: a goal without a target) on a subject's facts. */
export async function measure(
  deps: OgsmDeps,
  facts: SubjectFacts,
  goal: Pick<Goal, 'metric' | 'windowDays' | 'category'> & { target?: number },
): Promise<GoalMeasurement> {
  const none = (reason: string, window: GoalMeasurement['window'] = null): GoalMeasurement => ({
    value: null,
    valueReason: reason,
    attainment: null,
    lift: null,
    liftReason: reason,
    window,
    eventsThrough: null,
  });
  if (!facts.start) return none(facts.startReason ?? reasonText('notStarted'));
  const now = deps.clock.now();
  const end = new Date(facts.start.getTime() + goal.windowDays * DAY_MS);
  const until = end < now ? end : now;
  const window = { from: facts.start.toISOString(), until: until.toISOString(), open: end > now };
  const done = (
    value: number,
    lift: Comparison | null,
    liftReason: string | null,
    through: number | null = null,
  ): GoalMeasurement => ({
    value,
    valueReason: null,
    attainment: goal.target === undefined ? null : attainment(value, goal.target),
    lift,
    liftReason: lift ? null : liftReason,
    window,
    eventsThrough: through === null ? null : new Date(through).toISOString(),
  });
  switch (goal.metric) {
    case 'conversions':
    case 'conversion_rate': {
      const c = await facts.conversion(goal.windowDays);
      if (!c.ok) return none(c.error, window);
      const f = c.value;
      if (goal.metric === 'conversions') return done(f.converted, f.lift, f.liftReason, f.eventsThrough);
      if (f.units === 0) return none(reasonText('nobodyTreatedYet'), window);
      return done(f.converted / f.units, f.lift, f.liftReason, f.eventsThrough);
    }
    case 'reached':
      return done(facts.reached, null, reasonText('reachNoControl'));
    case 'new_buyers': {
      const buyers = await newBuyers(deps, goal.category, facts.start, until);
      const t = buyers.set.andCardinality(facts.treated);
      const c = buyers.set.andCardinality(facts.control);
      const lift =
        facts.control.size > 0 && facts.treated.size > 0
          ? compare(
              binaryArm('treated', facts.treated.size, t),
              binaryArm('control', facts.control.size, c),
              'binary',
            )
          : null;
      return done(
        t,
        lift,
        facts.control.size === 0 ? reasonText('noControlGroup') : reasonText('nobodyTreated'),
        buyers.last,
      );
    }
    case 'leads':
    case 'attendees': {
      // The registry lets only activities name them (planProblems); a stored plan of another kind reads as unmeasurable.
      const leads = goal.metric === 'leads';
      if (!facts.activity)
        return none(reasonText(leads ? 'leadsOnlyActivity' : 'attendeesOnlyActivity'), window);
      return done(
        facts.activity[goal.metric],
        null,
        reasonText(leads ? 'leadsNoControl' : 'attendeesNoControl'),
      );
    }
    case 'aum_change': {
      const change = await aumChange(deps, facts, until);
      if (!change.ok) return none(change.reason, window);
      return done(change.total, change.lift, change.liftReason);
    }
  }
}

/**
 * Customers who bought a product of `category` (any category when absent) in [from, until): a `purchase` event
 * with that category, or a holding opened on a business day of the window — less those who held one before.
 */
async function newBuyers(deps: OgsmDeps, category: string | undefined, from: Date, until: Date) {
  const rows = await deps.events.query<{ ids: number[]; last: string }>(
    `SELECT arraySort(groupUniqArray(customer_id)) AS ids, toString(toUnixTimestamp64Milli(max(time))) AS last
       FROM events_dedup
      WHERE event = 'purchase' AND customer_id > 0
        AND ({category:String} = '' OR JSONExtractString(properties, 'category') = {category:String})
        AND time >= fromUnixTimestamp64Milli({from:Int64}) AND time < fromUnixTimestamp64Milli({until:Int64})`,
    { category: category ?? '', from: from.getTime(), until: until.getTime() },
  );
  const firstDay = deps.clock.dayOf(from);
  const lastDay = deps.clock.dayOf(until.getTime() - 1);
  const cat = category ?? null;
  const holdings = await sql<{ customer_id: number; before: boolean }>`
    select h.customer_id, bool_or(h.opened_on < ${firstDay}::date) as before
      from holdings h join products p on p.id = h.product_id
     where (${cat}::text is null or p.category = ${cat}::text) and h.opened_on <= ${lastDay}::date
     group by 1`.execute(deps.db);
  const set = new RoaringBitmap32(rows[0]?.ids ?? []);
  for (const h of holdings.rows) if (!h.before) set.add(h.customer_id);
  for (const h of holdings.rows) if (h.before) set.remove(h.customer_id);
  const ids = rows[0]?.ids ?? [];
  return { set, last: ids.length > 0 && rows[0]?.last ? Number(rows[0].last) : null };
}

type AumChange =
  | { ok: true; total: number; lift: Comparison | null; liftReason: string | null }
  | { ok: false; reason: string };

/** The treated group's AUM change over the window from the daily figures, and its mean against control's. */
async function aumChange(deps: OgsmDeps, facts: SubjectFacts, until: Date): Promise<AumChange> {
  const baseDay = shiftDay(deps.clock.dayOf(facts.start!), -1);
  const endDay = deps.clock.dayOf(until.getTime() - 1);
  const days = await deps.events.query<{ base: string; end: string }>(
    `SELECT toString(maxIf(date, date <= {base:Date})) AS base, toString(maxIf(date, date <= {end:Date})) AS end
       FROM customer_daily_dedup WHERE date <= {end:Date}`,
    { base: baseDay, end: endDay },
  );
  const base = days[0]?.base;
  const last = days[0]?.end;
  if (!base || base === '1970-01-01')
    return { ok: false, reason: reasonText('noAumBefore', { day: baseDay }) };
  if (!last || last <= base) return { ok: false, reason: reasonText('noAumAfter', { day: base }) };
  const rows = await deps.events.query<{ customer_id: number; change: number }>(
    `SELECT customer_id, toFloat64(sumIf(aum, date = {end:Date}) - sumIf(aum, date = {base:Date})) AS change
       FROM customer_daily_dedup WHERE date IN ({base:Date}, {end:Date}) GROUP BY customer_id`,
    { base, end: last },
  );
  const change = new Map(rows.map((r) => [Number(r.customer_id), Number(r.change)]));
  const arm = (name: string, set: RoaringBitmap32): ArmStats => {
    let sum = 0;
    let sq = 0;
    for (const id of set) {
      const x = change.get(id) ?? 0;
      sum += x;
      sq += x * x;
    }
    const n = set.size;
    const mean = n > 0 ? sum / n : null;
    return {
      arm: name,
      units: n,
      n,
      sum,
      mean,
      variance: mean !== null && n > 1 ? (sq - n * mean * mean) / (n - 1) : null,
    };
  };
  const t = arm('treated', facts.treated);
  const total = Math.round(t.sum * 100) / 100;
  if (facts.control.size === 0)
    return { ok: true, total, lift: null, liftReason: reasonText('noControlGroup') };
  if (t.n === 0) return { ok: true, total, lift: null, liftReason: reasonText('nobodyTreated') };
  return {
    ok: true,
    total,
    lift: compare(t, arm('control', facts.control), 'numeric'),
    liftReason: null,
  };
}
