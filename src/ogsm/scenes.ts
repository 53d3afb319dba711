import { sql } from 'kysely';
import { binaryArm, compare, type Comparison } from '../analytics/experiments/lift.ts';
import { LIFECYCLE_TAG } from '../analytics/lifecycle/service.ts';
import { reasonText } from '../analytics/reasons.ts';
import { contentProducts } from '../campaigns/results/read.ts';
import type { RoleGroup } from '../campaigns/results/model.ts';
import type { Bilingual } from '../contracts/common.ts';
import type { JourneyBody } from '../journeys/model.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { shiftDay } from '../shared/day.ts';
import { LIFECYCLE_STAGES } from '../tags/labels.ts';
import { deserializeBitmap, loadTagSnapshot, type TagSnapshot } from '../tags/snapshot-store.ts';
import type { OgsmDeps } from './subjects.ts';

// Scenes analysis (issue #14 item 6): which scenes move which lifecycle stage. Every contact in a range of business
// days — a campaign run prepared (journeys' own send campaigns left out: they count under their journey), a journey's
// entries of one day — is grouped by its scene and its product's role. A campaign's scene is its content's type
// (product, event, media, category, brand); a journey's is its entry (`journey_event`, `journey_date`,
// `journey_segment`, `journey_lifecycle`, `journey_schedule`). For each group: the subjects, the customers treated,
// and of those with a lifecycle stage both on the contact day (the latest snapshot on or before it) and N days later
// (the latest on or before; a later day than the first), the share that moved forward along portrait → reached →
// interested → demand → first purchase → repeat → super customer, by move, against the control group where one was
// held. An offline activity is a contact on its starting day: its attendees treated, its control group held out; its
// scene `activity_<mode>_<frequency>_<aim>` (e.g. activity_offline_low_transaction), its role its first product's.

/** What the analysis covers. */
export interface ScenesQuery {
  readonly from: string;
  readonly to: string;
  /** Days after the contact the later stage is read (1–90). */
  readonly days: number;
}

/** A group's customers against the lifecycle snapshots. */
export interface StageMoves {
  readonly customers: number;
  /** With a stage on the contact day and a later one N days on. */
  readonly measured: number;
  readonly advanced: number;
  readonly share: number | null;
}

/** One scene × product role. */
export interface SceneGroup {
  readonly source: 'campaign' | 'journey' | 'activity';
  readonly scene: string;
  readonly role: RoleGroup;
  readonly subjects: number;
  readonly contacts: number;
  readonly treated: StageMoves;
  readonly moves: { from: string; to: string; customers: number; share: number }[];
  readonly control: StageMoves | null;
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
}

/** The analysis. */
export interface ScenesAnalysis extends ScenesQuery {
  readonly groups: SceneGroup[];
  readonly stages: string[];
  readonly definitions: Readonly<Record<'scene' | 'treated' | 'advanced' | 'lift', Bilingual>>;
  readonly freshness: { readonly snapshotsThrough: string | null; readonly computedAt: string };
}

const DEFINITIONS: ScenesAnalysis['definitions'] = {
  scene: {
    en: "A campaign's scene is its content's type (product, event, media, category, brand); a journey's is how customers enter it (journey_event, journey_date, journey_segment, journey_lifecycle, journey_schedule); an offline activity's is activity_<mode>_<frequency>_<aim> (its attendees treated); role is the role of the content's product (a journey: its first send node's; an activity: its first product's), none without one",
    zh: '活动的场景为内容类型（产品、活动、媒体、品类、品牌）；旅程的场景为进入方式（事件、日期、客群、生命周期、定时）；线下活动的场景为 activity_<形式>_<频次>_<目的>（到场客户为触达客户）；角色为内容关联产品的角色（旅程取第一个发送节点，线下活动取第一个产品），无则为“无”',
  },
  treated: {
    en: 'Customers contacted in the range: targeted by a campaign run, or entering a journey (a customer contacted twice counts twice)',
    zh: '区间内被触达的客户：活动运行计划触达的客户，或进入旅程的客户（被触达两次计两次）',
  },
  advanced: {
    en: 'Of the customers with a lifecycle stage on the contact day and N days later, those whose stage moved forward',
    zh: '触达当日及 N 天后均有生命周期阶段的客户中，阶段向前推进的客户',
  },
  lift: {
    en: 'Share advanced among the treated minus among the control group (campaign control groups and journey control entries), Wald 95% interval',
    zh: '触达客户阶段推进比例减去对照组比例（活动对照组与旅程对照组），95% 置信区间',
  },
};

const RANK = new Map<string, number>(LIFECYCLE_STAGES.map((s, i) => [s, i]));

/** One contact: a day, its treated and control customers, and its group. */
interface Contact {
  readonly key: string;
  readonly subject: string;
  readonly day: string;
  readonly treated: RoaringBitmap32;
  readonly control: RoaringBitmap32;
}

/** The scenes analysis over contacts in [from, to] (business days). */
export async function scenesAnalysis(deps: OgsmDeps, query: ScenesQuery): Promise<ScenesAnalysis> {
  const contacts = [
    ...(await campaignContacts(deps, query)),
    ...(await journeyContacts(deps, query)),
    ...(await activityContacts(deps, query)),
  ];
  const snapshots = new Map<string, Promise<TagSnapshot | null>>();
  const snapshot = (day: string) => {
    let s = snapshots.get(day);
    if (!s)
      snapshots.set(day, (s = loadTagSnapshot(deps.db, day, { keys: [LIFECYCLE_TAG], onOrBefore: true })));
    return s;
  };
  type Sum = {
    subjects: Set<string>;
    contacts: number;
    t: Counts;
    c: Counts;
    hasControl: boolean;
    moves: Map<string, number>;
  };
  const sums = new Map<string, Sum>();
  let through: string | null = null;
  for (const contact of contacts) {
    const [before, after] = await Promise.all([
      snapshot(contact.day),
      snapshot(shiftDay(contact.day, query.days)),
    ]);
    if (after && (through === null || after.asOf > through)) through = after.asOf;
    let sum = sums.get(contact.key);
    if (!sum)
      sums.set(
        contact.key,
        (sum = {
          subjects: new Set(),
          contacts: 0,
          t: zero(),
          c: zero(),
          hasControl: false,
          moves: new Map(),
        }),
      );
    sum.subjects.add(contact.subject);
    sum.contacts += 1;
    sum.hasControl ||= contact.control.size > 0;
    const later = before && after && after.asOf > before.asOf ? after : null;
    tally(sum.t, contact.treated, before, later, sum.moves);
    tally(sum.c, contact.control, before, later, null);
  }
  const groups = [...sums].map(([key, s]): SceneGroup => {
    const [source, scene, role] = key.split('|') as [SceneGroup['source'], string, RoleGroup];
    const treated = moves(s.t);
    const control = s.hasControl ? moves(s.c) : null;
    let lift: Comparison | null = null;
    let liftReason: string | null = null;
    if (!control) liftReason = reasonText('noControlGroup');
    else if (treated.measured === 0 || control.measured === 0) liftReason = reasonText('noStageMeasured');
    else
      lift = compare(
        binaryArm('treated', treated.measured, treated.advanced),
        binaryArm('control', control.measured, control.advanced),
        'binary',
      );
    return {
      source,
      scene,
      role,
      subjects: s.subjects.size,
      contacts: s.contacts,
      treated,
      moves: [...s.moves]
        .map(([m, customers]) => {
          const [from, to] = m.split('>') as [string, string];
          return { from, to, customers, share: treated.measured > 0 ? customers / treated.measured : 0 };
        })
        .sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from)),
      control,
      lift,
      liftReason,
    };
  });
  groups.sort((a, b) => b.treated.customers - a.treated.customers || a.scene.localeCompare(b.scene));
  return {
    ...query,
    groups,
    stages: [...LIFECYCLE_STAGES],
    definitions: DEFINITIONS,
    freshness: { snapshotsThrough: through, computedAt: deps.clock.now().toISOString() },
  };
}

type Counts = { customers: number; measured: number; advanced: number };
const zero = (): Counts => ({ customers: 0, measured: 0, advanced: 0 });
const moves = (c: Counts): StageMoves => ({ ...c, share: c.measured > 0 ? c.advanced / c.measured : null });

/** Adds a contact's customers, their stages then and N days later, and their forward moves. */
function tally(
  into: Counts,
  who: RoaringBitmap32,
  before: TagSnapshot | null,
  after: TagSnapshot | null,
  byMove: Map<string, number> | null,
): void {
  into.customers += who.size;
  if (!before || !after) return;
  const then = before.tags.get(LIFECYCLE_TAG) ?? new Map<string, RoaringBitmap32>();
  const now = after.tags.get(LIFECYCLE_TAG) ?? new Map<string, RoaringBitmap32>();
  for (const [from, atFrom] of then) {
    const group = RoaringBitmap32.and(atFrom, who);
    if (group.size === 0) continue;
    for (const [to, atTo] of now) {
      const n = group.andCardinality(atTo);
      if (n === 0) continue;
      into.measured += n;
      if ((RANK.get(to) ?? -1) > (RANK.get(from) ?? -1)) {
        into.advanced += n;
        if (byMove) byMove.set(`${from}>${to}`, (byMove.get(`${from}>${to}`) ?? 0) + n);
      }
    }
  }
}

/** Campaign runs prepared in the range (not a journey's own sends), each a contact on its day. */
async function campaignContacts(deps: OgsmDeps, q: ScenesQuery): Promise<Contact[]> {
  const runs = await sql<{
    id: string;
    campaign_id: number;
    prepared_at: Date;
    control: Buffer | null;
    content_id: number;
    type: string;
    targeted: number[] | null;
  }>`
    select r.id, r.campaign_id, r.prepared_at, r.control, c.id as content_id, c.type,
           (select array_agg(distinct d.customer_id) from deliveries d
             where d.run_id = r.id and d.status <> 'suppressed') as targeted
      from campaign_runs r
      join campaigns k on k.id = r.campaign_id and k.owned_by is null
      join campaign_versions v on v.campaign_id = r.campaign_id and v.version = r.version
      join content_items c on c.id = (v.body -> 'content' ->> 'id')::int
     where r.prepared_at >= ${deps.clock.startOf(q.from)}
       and r.prepared_at < ${deps.clock.startOf(shiftDay(q.to, 1))}
     order by r.id`.execute(deps.db);
  const products = await contentProducts(
    deps.db,
    runs.rows.map((r) => r.content_id),
  );
  return runs.rows.map((r) => ({
    key: `campaign|${r.type}|${products.get(r.content_id)?.role ?? 'none'}`,
    subject: `campaign:${r.campaign_id}`,
    day: deps.clock.dayOf(new Date(r.prepared_at)),
    treated: new RoaringBitmap32(r.targeted ?? []),
    control: r.control ? deserializeBitmap(r.control) : new RoaringBitmap32(),
  }));
}

/** Journey entries in the range, one contact per journey and business day of entry. */
async function journeyContacts(deps: OgsmDeps, q: ScenesQuery): Promise<Contact[]> {
  const rows = await sql<{ journey_id: number; day: string; control: boolean; ids: number[] }>`
    select journey_id, to_char(entered_at at time zone ${deps.clock.timeZone}, 'YYYY-MM-DD') as day,
           arm is not distinct from 'control' as control, array_agg(distinct customer_id) as ids
      from journey_memberships
     where entered_at >= ${deps.clock.startOf(q.from)} and entered_at < ${deps.clock.startOf(shiftDay(q.to, 1))}
     group by 1, 2, 3 order by 1, 2`.execute(deps.db);
  if (rows.rows.length === 0) return [];
  const ids = [...new Set(rows.rows.map((r) => r.journey_id))];
  const latest = await sql<{ journey_id: number; body: JourneyBody }>`
    select distinct on (journey_id) journey_id, body from journey_versions
     where journey_id = any(${ids}::int[]) order by journey_id, version desc`.execute(deps.db);
  const firstSend = (b: JourneyBody) => b.nodes.find((n) => n.kind === 'send');
  const contentOf = new Map(
    latest.rows.map((r) => {
      const send = firstSend(r.body);
      return [r.journey_id, send?.kind === 'send' ? send.content.id : null] as const;
    }),
  );
  const products = await contentProducts(
    deps.db,
    [...contentOf.values()].filter((c): c is number => c !== null),
  );
  const scene = new Map(latest.rows.map((r) => [r.journey_id, `journey_${r.body.entry.kind}`]));
  const contacts = new Map<string, Contact>();
  for (const r of rows.rows) {
    const content = contentOf.get(r.journey_id);
    const role = (content != null ? products.get(content)?.role : null) ?? 'none';
    const id = `${r.journey_id}|${r.day}`;
    const contact = contacts.get(id) ?? {
      key: `journey|${scene.get(r.journey_id)}|${role}`,
      subject: `journey:${r.journey_id}`,
      day: r.day,
      treated: new RoaringBitmap32(),
      control: new RoaringBitmap32(),
    };
    (r.control ? contact.control : contact.treated).addMany(r.ids);
    contacts.set(id, contact);
  }
  return [...contacts.values()];
}

/** Each activity that started in the range: its attendees (checked in) against the control group held at invitation. */
async function activityContacts(deps: OgsmDeps, q: ScenesQuery): Promise<Contact[]> {
  const rows = await sql<{
    id: number;
    scene: string;
    role: RoleGroup | null;
    day: string;
    control: boolean;
    ids: number[];
  }>`
    select a.id, 'activity_' || a.mode || '_' || a.frequency || '_' || a.aim as scene,
           a.products -> 0 ->> 'role' as role,
           to_char(a.starts_at at time zone ${deps.clock.timeZone}, 'YYYY-MM-DD') as day,
           i.control, array_agg(i.customer_id) as ids
      from activities a join activity_invitees i on i.activity_id = a.id
     where a.starts_at >= ${deps.clock.startOf(q.from)} and a.starts_at < ${deps.clock.startOf(shiftDay(q.to, 1))}
       and (i.control or i.checked_in_at is not null)
     group by 1, 2, 3, 4, 5 order by 1`.execute(deps.db);
  const contacts = new Map<number, Contact>();
  for (const r of rows.rows) {
    const contact = contacts.get(r.id) ?? {
      key: `activity|${r.scene}|${r.role ?? 'none'}`,
      subject: `activity:${r.id}`,
      day: r.day,
      treated: new RoaringBitmap32(),
      control: new RoaringBitmap32(),
    };
    (r.control ? contact.control : contact.treated).addMany(r.ids);
    contacts.set(r.id, contact);
  }
  return [...contacts.values()];
}
