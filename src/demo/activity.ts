// Behaviour events of one customer over the history window. The lifecycle stage decides which events the customer
// can emit (a customer at "interested" views products but never consults or buys), engagement decides when, and the
// bank's campaign calendar decides when customers are contacted (only on channels they consented to).
import type { BehaviourEvent } from '../store/events/store.ts';
import { productById, type ProductRow } from './bank.ts';
import { beijingMs, isoDate } from './calendar.ts';
import type { CustomerProfile } from './customers.ts';
import type { HoldingPlan, Window } from './holdings.ts';
import type { Rng } from './random.ts';

// Relative app traffic by Beijing hour: commute, lunch and evening peaks.
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 4, 7, 6, 5, 5, 7, 6, 4, 4, 4, 4, 5, 7, 9, 10, 8, 3];
const HOUR_CUMULATIVE = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let acc = 0;
  return HOUR_WEIGHTS.map((w) => (acc += w) / total);
})();

/** A Beijing second of the day drawn from the app's hourly traffic profile (kept clear of midnight). */
export function sessionSecond(rng: Rng): number {
  const u = rng.next();
  let hour = HOUR_CUMULATIVE.findIndex((c) => u < c);
  if (hour < 0) hour = 23;
  return Math.min(hour * 3600 + rng.int(0, 3599), 86_399 - 900);
}

// App sessions per 30 days by stage, for an engaged customer.
const SESSIONS_PER_30_DAYS = [0, 1.2, 2.2, 3, 3.5, 4.5, 7];

/** The intensity of a customer's activity on a day (1 = their stage's usual rate); 0 after a dormant customer left. */
export function intensity(c: CustomerProfile, w: Window, day: number, quietFrom: number): number {
  if (day < c.sinceDay) return 0;
  if (c.engagement === 'active') return 1.2;
  if (c.engagement === 'cooling')
    return 1.8 * Math.exp(-(day - w.startDay) / (0.35 * (w.endDay - w.startDay + 1)));
  return day < quietFrom ? 1.4 : 0;
}

/**
 * The day a dormant customer went quiet: at least 30 days before the as-of day (so "no activity in the last 30
 * days" holds), never before their first day; in a window shorter than that, right after its first day.
 * Other customers never go quiet.
 */
export function quietFrom(rng: Rng, c: CustomerProfile, w: Window): number {
  if (c.engagement !== 'dormant') return w.endDay + 1;
  const latest = w.endDay - 30;
  const first = Math.max(w.startDay, c.sinceDay);
  return latest <= first ? first + 1 : rng.int(Math.min(latest, first + 7), latest);
}

/** The days an app user opens the app. */
export function drawSessionDays(rng: Rng, c: CustomerProfile, w: Window, quiet: number): number[] {
  if (!c.app_user || c.stage === 0) return [];
  const rate = (SESSIONS_PER_30_DAYS[c.stage] ?? 0) / 30;
  const days: number[] = [];
  for (let day = Math.max(w.startDay, c.sinceDay); day <= w.endDay; day++) {
    if (rng.next() < rate * intensity(c, w, day, quiet)) days.push(day);
  }
  if (days.length === 0) days.push(Math.min(Math.max(w.startDay, c.sinceDay), quiet - 1, w.endDay));
  return days;
}

const TUESDAY = 2;
const FRIDAY = 5;

/** Generates the customer's events; `plans` supply the app purchases (day, second, product, amount). */
export function generateEvents(
  rng: Rng,
  c: CustomerProfile,
  w: Window,
  sessionDays: readonly number[],
  quiet: number,
  plans: readonly HoldingPlan[],
  interests: readonly ProductRow[],
): BehaviourEvent[] {
  const events: BehaviourEvent[] = [];
  const prefix = `e${String(c.id).padStart(10, '0')}-`;
  const granted = new Set(
    c.consents.filter((x) => x.purpose === 'marketing' && x.status === 'granted').map((x) => x.channel),
  );
  const appId = c.distinctId;
  const wecomId = c.wecom_external_userid;
  const emit = (
    event: string,
    day: number,
    second: number,
    distinctId: string,
    properties: Record<string, unknown>,
  ) => {
    events.push({
      event_id: prefix + events.length,
      customer_id: c.id,
      distinct_id: distinctId,
      event,
      time: beijingMs(day, Math.min(86_399, Math.max(0, second))),
      properties,
    });
  };
  const product = () => rng.pick(interests);
  const productProps = (p: ProductRow, channel: string) => ({
    product_id: p.id,
    category: p.category,
    channel,
  });
  const os = c.idfa_md5 !== null || c.caid_md5 !== null ? 'ios' : 'android';

  // App sessions, with purchases placed on the day and second the holdings planned them.
  const purchases = plans.flatMap((h) =>
    h.product.category === 'time_deposit'
      ? []
      : h.purchases.filter((p) => p.channel === 'app').map((p) => ({ ...p, product: h.product })),
  );
  if (appId !== null) {
    for (const day of sessionDays) {
      const bought = purchases.filter((p) => p.day === day);
      const start = bought.length > 0 ? Math.max(0, (bought[0]?.second ?? 0) - 300) : sessionSecond(rng);
      let t = start;
      const step = () => (t += rng.int(8, 90));
      if (
        w.weekday[day - w.startDay] === FRIDAY &&
        granted.has('app_push') &&
        rng.chance(0.05 + 0.02 * c.stage)
      ) {
        emit('campaign_click', day, t, appId, { campaign_id: campaignId(day, 'PUSH'), channel: 'app_push' });
        step();
      }
      emit('app_open', day, t, appId, { channel: 'app', os });
      if (c.stage >= 2) {
        const views = 1 + rng.poisson(0.6);
        for (let v = 0; v < views; v++) {
          const p = product();
          emit('view_product', day, step(), appId, productProps(p, 'app'));
          if (rng.chance(0.1)) emit('add_favorite', day, step(), appId, productProps(p, 'app'));
        }
      }
      if (c.stage >= 3 && rng.chance(0.12))
        emit('consult', day, step(), appId, { ...productProps(product(), 'online_chat') });
      if (c.stage >= 3 && rng.chance(0.05)) emit('apply', day, step(), appId, productProps(product(), 'app'));
      for (const p of bought) {
        emit('view_product', day, p.second - 60, appId, productProps(p.product, 'app'));
        emit('purchase', day, p.second, appId, {
          ...productProps(p.product, 'app'),
          amount: p.amountCents / 100,
        });
      }
      if (c.stage === 6 && rng.chance(0.12))
        emit('share', day, Math.max(t, ...bought.map((p) => p.second)) + 30, appId, {
          ...productProps(product(), 'wechat'),
        });
    }
  }

  // Outreach the bank sends: WeCom posts on Tuesdays, SMS on the 8th of each month; responses follow engagement.
  for (let day = Math.max(w.startDay, c.sinceDay); day <= w.endDay && c.stage > 0; day++) {
    const tuesday = w.weekday[day - w.startDay] === TUESDAY;
    const smsDay = w.dayOfMonth[day - w.startDay] === 8;
    if (!tuesday && !smsDay) continue;
    const active = intensity(c, w, day, quiet);
    if (active === 0) continue;
    if (tuesday && wecomId !== null && granted.has('wecom')) {
      if (rng.chance((0.05 + 0.03 * c.stage) * active)) {
        const t = 8 * 3600 + rng.int(0, 5 * 3600);
        emit('campaign_click', day, t, wecomId, { campaign_id: campaignId(day, 'WECOM'), channel: 'wecom' });
        if (c.stage >= 2 && appId === null)
          emit('view_product', day, t + rng.int(10, 120), wecomId, productProps(product(), 'wecom'));
      }
      if (rng.chance((0.04 + 0.02 * c.stage) * active))
        emit('wecom_reply', day, 9 * 3600 + rng.int(0, 12 * 3600), wecomId, {
          channel: 'wecom',
          manager_id: c.managerId,
        });
      if (c.stage >= 3 && appId === null && rng.chance(0.06 * active))
        emit('consult', day, 14 * 3600 + rng.int(0, 6 * 3600), wecomId, productProps(product(), 'wecom'));
    }
    if (smsDay && granted.has('sms') && rng.chance((0.02 + 0.01 * c.stage) * active)) {
      emit('campaign_click', day, 10 * 3600 + rng.int(0, 8 * 3600), c.customer_no, {
        campaign_id: campaignId(day, 'SMS'),
        channel: 'sms',
      });
    }
  }

  ensureStageEvents(rng, c, w, quiet, sessionDays, events, emit, product, productProps);
  return events;
}

/** Every stage the customer reached shows in their events, even if the random draws missed it. */
function ensureStageEvents(
  rng: Rng,
  c: CustomerProfile,
  w: Window,
  quiet: number,
  sessionDays: readonly number[],
  events: readonly BehaviourEvent[],
  emit: (
    event: string,
    day: number,
    second: number,
    distinctId: string,
    properties: Record<string, unknown>,
  ) => void,
  product: () => ProductRow,
  productProps: (p: ProductRow, channel: string) => Record<string, unknown>,
): void {
  if (c.stage === 0) return;
  const has = (...names: string[]) => events.some((e) => names.includes(e.event));
  const first = Math.max(w.startDay, c.sinceDay);
  const day =
    sessionDays.length > 0
      ? rng.pick(sessionDays)
      : rng.int(first, Math.max(first, Math.min(quiet - 1, w.endDay)));
  const second = sessionSecond(rng);
  // The channel this customer can be reached on: the app, else WeCom, else the SMS link that carries the customer number.
  const [id, channel] =
    c.distinctId !== null
      ? [c.distinctId, 'app']
      : c.wecom_external_userid !== null
        ? [c.wecom_external_userid, 'wecom']
        : [c.customer_no, 'sms'];
  if (!has('app_open', 'campaign_click', 'wecom_reply')) {
    if (channel === 'app')
      emit('app_open', day, second, id, {
        channel: 'app',
        os: c.idfa_md5 !== null || c.caid_md5 !== null ? 'ios' : 'android',
      });
    else if (channel === 'wecom')
      emit('wecom_reply', day, second, id, { channel: 'wecom', manager_id: c.managerId });
    else emit('campaign_click', day, second, id, { campaign_id: campaignId(day, 'SMS'), channel: 'sms' });
  }
  if (c.stage >= 2 && !has('view_product'))
    emit('view_product', day, second + 30, id, productProps(product(), channel));
  if (c.stage >= 3 && !has('consult', 'apply'))
    emit(
      'consult',
      day,
      second + 90,
      id,
      productProps(product(), channel === 'app' ? 'online_chat' : channel),
    );
  if (c.stage >= 6 && !has('share')) emit('share', day, second + 150, id, productProps(product(), 'wechat'));
}

const campaignId = (day: number, channel: string) => `CMP-${isoDate(day).replaceAll('-', '')}-${channel}`;

/** Products a customer looks at: those within their risk level, plus deposits everyone browses. */
export function interestingProducts(riskLevel: number, investments: readonly ProductRow[]): ProductRow[] {
  return [
    ...investments.filter((p) => p.risk_level <= riskLevel),
    productById('TD-1Y'),
    productById('TD-3M'),
  ];
}
