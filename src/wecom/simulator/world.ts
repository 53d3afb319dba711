import type { CorpTag, ExternalContact } from '../port.ts';
import type { RateWindow } from '../rate-budget.ts';

// The simulator's enterprise, all in memory: staff, customers, who is friends with whom (with WeCom's follow info),
// corp tags, transfers and group messages, on a clock tests can move. Rules that change it live beside it, one file
// per area of WeCom's API; this file holds the state and the small queries they share.

/** A world to start from: a JSON file or the demo bank (src/demo/wecom-world.ts). Times are Unix seconds. */
export interface WorldSeed {
  readonly staff: readonly { userid: string; name: string; departed_at?: number }[];
  readonly customers: readonly {
    external_userid: string;
    name: string;
    unionid?: string;
    /** The number a manager notes in remark_mobiles. */
    mobile?: string;
  }[];
  readonly friendships: readonly {
    userid: string;
    external_userid: string;
    createtime: number;
    remark?: string;
    add_way?: number;
  }[];
  /** Tags staff made in WeCom's admin console ("manual" tags the app may use but not edit or delete). */
  readonly manualTags?: readonly { group_name: string; tags: readonly string[] }[];
}

/** What the simulator enforces, WeCom's values by default; tests make them small. */
export interface SimulatorLimits {
  /** Per-API windows; exceeding one answers 45009 and blocks the API for `blockMs`. */
  readonly rate: readonly (RateWindow & { readonly blockMs: number })[];
  readonly tokenLifetimeSeconds: number;
  readonly maxTags: number;
  /** Customers a taker may hold; a transfer completing beyond it ends in status 4. */
  readonly takerCustomerLimit: number;
  readonly transferDelaySeconds: number;
  /** Page size of transfer_result and get_groupmsg_send_result. */
  readonly resultPageSize: number;
}

/** WeCom's limits. */
export const WECOM_LIMITS: SimulatorLimits = {
  rate: [
    { ms: 60_000, calls: 10_000, blockMs: 60_000 },
    { ms: 3_600_000, calls: 150_000, blockMs: 3_600_000 },
  ],
  tokenLifetimeSeconds: 7200,
  maxTags: 3000,
  takerCustomerLimit: 50_000,
  transferDelaySeconds: 86_400,
  resultPageSize: 1000,
};

/** The simulator's time: the wall clock (or a test's) plus however far it was advanced. */
export class SimClock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  /** The base clock alone, never advanced: what a callback's signature timestamp is checked against. */
  wall(): number {
    return this.base();
  }

  /** Unix seconds. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The Beijing day number: WeCom's "one message per customer per day" is a China day. */
  day(): number {
    return Math.floor((this.now() + 8 * 3_600_000) / 86_400_000);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface StaffMember {
  readonly userid: string;
  readonly name: string;
  departedAt: number | undefined;
}

export interface Customer extends ExternalContact {
  readonly mobile: string | undefined;
  /** Set by the control API: the customer refuses to be taken over (transfer status 3). */
  refusesTransfer: boolean;
  /** Unix seconds of each scheduled move, for the two-in-90-days rule. */
  readonly moves: number[];
  /** The Beijing day the customer last received a group message. */
  lastMessageDay: number | undefined;
}

export interface Follow {
  readonly userid: string;
  readonly external_userid: string;
  remark: string;
  readonly tagIds: Set<string>;
  readonly add_way: number;
  readonly createtime: number;
}

export interface TagGroup {
  readonly group_id: string;
  group_name: string;
  order: number;
  readonly create_time: number;
  /** Created through the API (the app may edit and delete it), or seeded as a manual tag group. */
  readonly byApp: boolean;
  readonly tags: Map<string, CorpTag & { name: string; order: number; readonly byApp: boolean }>;
}

export interface Transfer {
  readonly kind: 'employed' | 'resigned';
  readonly handover_userid: string;
  readonly takeover_userid: string;
  readonly external_userid: string;
  status: 1 | 2 | 3 | 4;
  /** When it completes (status 2) or completed. */
  readonly takeover_time: number;
}

export interface GroupMessage {
  readonly msgid: string;
  readonly sender: string;
  readonly text: string;
  readonly created: number;
  state: 'awaiting' | 'confirmed' | 'expired';
  /** Per customer: 0 not sent, 1 sent, 2 not a friend, 3 already received one today. */
  readonly sends: Map<string, { status: 0 | 1 | 2 | 3; send_time?: number }>;
}

/** The enterprise's state. */
export class World {
  readonly staff = new Map<string, StaffMember>();
  readonly customers = new Map<string, Customer>();
  /** Friendships by staff member, then customer. */
  readonly follows = new Map<string, Map<string, Follow>>();
  readonly tagGroups = new Map<string, TagGroup>();
  readonly transfers: Transfer[] = [];
  /** transfers[settled..] may still be waiting (all are scheduled with the same delay, so in due order). */
  settled = 0;
  readonly messages = new Map<string, GroupMessage>();
  readonly tokens = new Map<string, number>();
  private sequence = 0;

  constructor(
    readonly corpId: string,
    readonly clock: SimClock,
    readonly limits: SimulatorLimits,
    seed: WorldSeed,
  ) {
    for (const s of seed.staff)
      this.staff.set(s.userid, { userid: s.userid, name: s.name, departedAt: s.departed_at });
    for (const c of seed.customers)
      this.customers.set(c.external_userid, {
        external_userid: c.external_userid,
        name: c.name,
        type: 1,
        ...(c.unionid === undefined ? {} : { unionid: c.unionid }),
        mobile: c.mobile,
        refusesTransfer: false,
        moves: [],
        lastMessageDay: undefined,
      });
    for (const f of seed.friendships)
      this.befriend(f.userid, f.external_userid, f.createtime, f.remark, f.add_way);
    for (const group of seed.manualTags ?? []) {
      const created = this.clock.seconds();
      const g = this.addTagGroup(group.group_name, 0, false, created);
      for (const name of group.tags) this.addTag(g, name, 0, false, created);
    }
  }

  /** A fresh id with a prefix (tags, messages, tokens): unique within this world. */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(36).padStart(6, '0')}`;
  }

  followsOf(userid: string): Map<string, Follow> {
    let map = this.follows.get(userid);
    if (!map) {
      map = new Map();
      this.follows.set(userid, map);
    }
    return map;
  }

  follow(userid: string, externalUserid: string): Follow | undefined {
    return this.follows.get(userid)?.get(externalUserid);
  }

  /** Makes a friendship (a no-op when it exists); false when the staff member or customer is unknown. */
  befriend(userid: string, externalUserid: string, createtime: number, remark = '', addWay = 1): boolean {
    if (!this.staff.has(userid) || !this.customers.has(externalUserid)) return false;
    const map = this.followsOf(userid);
    if (!map.has(externalUserid))
      map.set(externalUserid, {
        userid,
        external_userid: externalUserid,
        remark,
        tagIds: new Set(),
        add_way: addWay,
        createtime,
      });
    return true;
  }

  /** Ends a friendship; whether there was one. */
  unfriend(userid: string, externalUserid: string): boolean {
    return this.follows.get(userid)?.delete(externalUserid) ?? false;
  }

  tagCount(): number {
    let n = 0;
    for (const g of this.tagGroups.values()) n += g.tags.size;
    return n;
  }

  addTagGroup(name: string, order: number, byApp: boolean, created: number): TagGroup {
    const group: TagGroup = {
      group_id: this.nextId('et'),
      group_name: name,
      order,
      create_time: created,
      byApp,
      tags: new Map(),
    };
    this.tagGroups.set(group.group_id, group);
    return group;
  }

  addTag(group: TagGroup, name: string, order: number, byApp: boolean, created: number): void {
    const id = this.nextId('et');
    group.tags.set(id, { id, name, order, create_time: created, byApp });
  }

  /** The group holding tag `id`, with the tag. */
  findTag(id: string) {
    for (const group of this.tagGroups.values()) {
      const tag = group.tags.get(id);
      if (tag) return { group, tag };
    }
    return undefined;
  }
}
