import type { Kysely } from 'kysely';
import { runAttribution, type AttributionRun } from '../media/attribution.ts';
import { importMediaText } from '../media/upload.ts';
import type { Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { BehaviourEvent, EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { Rng } from './random.ts';

// The demo bank's media (issue #15 part 2), so the Media page is alive on first start: first-touch events for the
// newer customers (each medium's own property: channel, utm_source, dsp_tag), referrals by some of them, daily spend
// reports of the four media over the demo's period and monthly brand figures (with a baseline before it), imported
// through the media importer, then the 30-day attribution. Deterministic from the demo seed.

/** The four media, with the property their touch events carry, their share of the acquired and their CPA (CNY). */
const MEDIA = [
  { key: 'tencent_ads', prop: { channel: 'tencent_ads' }, share: 0.3, cpa: 420, ctr: 0.012 },
  { key: 'ocean_engine', prop: { utm_source: 'douyin' }, share: 0.35, cpa: 310, ctr: 0.018 },
  { key: 'baidu', prop: { utm_source: 'baidu' }, share: 0.2, cpa: 520, ctr: 0.035 },
  { key: 'wechat_moments', prop: { dsp_tag: 'moments' }, share: 0.15, cpa: 380, ctr: 0.009 },
] as const;

/** Share of the period's new customers a medium brought (the others came organically). */
const ACQUIRED_SHARE = 0.6;

/** What the demo's media seeding wrote. */
export interface DemoMedia {
  readonly touchEvents: number;
  readonly spendRows: number;
  readonly brandRows: number;
  readonly attribution: AttributionRun;
}

/**
 * Touch events (and a few referrals) for the customers who joined in the `days` up to today; returns the events.
 * Also used on its own by tests that import the reports themselves.
 */
export async function seedMediaTouches(
  deps: { db: Kysely<Database>; events: EventStore; clock: Clock },
  options: { seed: string | number; days: number },
): Promise<BehaviourEvent[]> {
  const today = deps.clock.today();
  const since = await deps.db
    .selectFrom('customers')
    .select(['id', 'customer_no', 'customer_since'])
    .where('customer_since', '>=', shiftDay(today, -options.days))
    .where('customer_since', '<=', today)
    .orderBy('id')
    .execute();
  const events: BehaviourEvent[] = [];
  for (const c of since) {
    const rng = Rng.for(options.seed, 'media', c.id);
    if (!rng.chance(ACQUIRED_SHARE) || !c.customer_since) continue;
    const first = pick(rng);
    const touches = rng.int(1, 3);
    for (let i = 0; i < touches; i++) {
      // the first touch, then later ones (a fifth of them on another medium) up to the day of joining
      const medium = i === 0 || !rng.chance(0.2) ? first : pick(rng);
      const day = shiftDay(c.customer_since, -Math.max(0, 20 - 8 * i - rng.int(0, 6)));
      const at = deps.clock.at(
        day,
        `${String(rng.int(8, 21)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`,
      );
      events.push({
        event_id: `demo-media-${c.id}-${i}`,
        customer_id: c.id,
        distinct_id: c.customer_no,
        event: 'ad_click',
        time: at.getTime(),
        properties: { ...medium.prop, campaign: `${medium.key}-demo` },
      });
    }
    if (rng.chance(0.12)) {
      const day = shiftDay(c.customer_since, rng.int(3, 25));
      if (day <= today)
        events.push({
          event_id: `demo-media-${c.id}-referral`,
          customer_id: c.id,
          distinct_id: c.customer_no,
          event: 'referral',
          time: deps.clock.at(day, '12:00').getTime(),
          properties: { referred: `${c.customer_no}-friend` },
        });
    }
  }
  if (events.length) await deps.events.insert('events', events);
  return events;
}

function pick(rng: Rng): (typeof MEDIA)[number] {
  let x = rng.next();
  for (const m of MEDIA) if ((x -= m.share) < 0) return m;
  return MEDIA[MEDIA.length - 1]!;
}

/** Seeds the demo's media once (nothing when spend reports exist already). */
export async function seedDemoMedia(
  deps: { store: OperationalStore; events: EventStore; clock: Clock },
  options: { seed: string | number; days: number },
): Promise<DemoMedia | null> {
  const db = deps.store.db;
  if (await db.selectFrom('media_spend').select('day').limit(1).executeTakeFirst()) return null;
  const touchEvents = await seedMediaTouches({ db, events: deps.events, clock: deps.clock }, options);
  const acquired = new Map<string, number>();
  for (const e of touchEvents)
    if (e.event_id.endsWith('-0')) {
      const key = MEDIA.find((m) =>
        Object.values(m.prop).includes(Object.values(e.properties)[0] as never),
      )!.key;
      acquired.set(key, (acquired.get(key) ?? 0) + 1);
    }
  const today = deps.clock.today();
  const spend = ['channel,campaign,day,impressions,clicks,cost'];
  for (const m of MEDIA) {
    const daily = ((acquired.get(m.key) ?? 0) * m.cpa) / options.days;
    for (let d = options.days; d >= 1; d--) {
      const rng = Rng.for(options.seed, 'media-spend', m.key, d);
      const cost = Math.round(daily * (0.6 + 0.8 * rng.next()) * 100) / 100;
      const clicks = Math.round(cost / (1.5 + rng.next()));
      spend.push(
        `${m.key},${m.key}-demo,${shiftDay(today, -d)},${Math.round(clicks / m.ctr)},${clicks},${cost}`,
      );
    }
  }
  const brand = ['channel,period,branded_search,direct_visits,awareness'];
  const months = Math.ceil(options.days / 30) + 3;
  for (const m of MEDIA)
    for (let i = months; i >= 0; i--) {
      const rng = Rng.for(options.seed, 'media-brand', m.key, i);
      const period = `${shiftDay(today, -30 * i).slice(0, 7)}-01`;
      // the media's campaigns run over the demo's period: brand figures grow inside it
      const growth = i * 30 <= options.days ? 1.1 + 0.4 * rng.next() : 0.95 + 0.1 * rng.next();
      brand.push(
        `${m.key},${period},${Math.round(2000 * growth * (1 + m.share))},${Math.round(800 * growth)},${(40 * growth).toFixed(1)}`,
      );
    }
  const unique = [
    brand[0]!,
    ...new Map(brand.slice(1).map((l) => [l.split(',').slice(0, 2).join(','), l])).values(),
  ];
  const importDeps = { operational: deps.store, clock: deps.clock };
  const spent = await importMediaText(importDeps, {
    kind: 'media_spend',
    csv: spend.join('\n'),
    actor: 'system:demo',
  });
  const branded = await importMediaText(importDeps, {
    kind: 'media_brand',
    csv: unique.join('\n'),
    actor: 'system:demo',
  });
  if (!spent.ok || !branded.ok) throw new Error('demo media reports were refused');
  const attribution = await runAttribution(
    { db, events: deps.events, clock: deps.clock },
    { actor: 'system:demo' },
  );
  return {
    touchEvents: touchEvents.length,
    spendRows: spent.value.inserted,
    brandRows: branded.value.inserted,
    attribution,
  };
}
