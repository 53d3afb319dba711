// The customer 360 profile: masked personal fields (revealed field by field, audited), owner and assistants,
// holdings, consents, open work and last contact.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Database, Tier } from '../store/operational/database.ts';
import type { HandoverStatus, OwnershipKind } from '../store/operational/pool-tables.ts';
import { ADOPTED_REASON } from './ownership.ts';
import { iso } from './customers.ts';
import { maskPii, type PiiField, type PiiValues } from './mask.ts';
import { findCustomerInScope, type DataScope } from './scope.ts';

/** The 360 view of one customer. */
export interface CustomerProfile {
  readonly customerNo: string;
  readonly pii: PiiValues;
  /** Personal fields shown unmasked in this answer (each reveal was audited). */
  readonly revealed: PiiField[];
  readonly gender: 'M' | 'F' | 'U' | null;
  readonly city: string | null;
  readonly occupation: string | null;
  readonly orgUnit: { id: string; name: string } | null;
  readonly riskLevel: number | null;
  readonly customerSince: string | null;
  readonly aum: number;
  readonly tier: Tier | null;
  readonly payroll: boolean;
  readonly appUser: boolean;
  readonly wecomFriend: boolean;
  readonly lifecycleStage: string | null;
  readonly engagement: string | null;
  readonly owner: {
    managerId: string;
    name: string;
    since: string | null;
    source: string;
    handoverStatus: HandoverStatus | null;
  } | null;
  readonly assistants: { staffId: string; name: string }[];
  readonly holdings: {
    accountNo: string;
    productId: string;
    productName: string;
    category: string;
    balance: number;
    openedOn: string;
    maturityDate: string | null;
    nextDueDate: string | null;
    status: 'active' | 'closed';
  }[];
  readonly consents: {
    channel: string;
    purpose: 'marketing' | 'service';
    status: 'granted' | 'revoked';
    updatedAt: string | null;
  }[];
  readonly openTasks: number;
  readonly openReminders: { id: number; kind: string; dueOn: string }[];
  readonly lastContactAt: string | null;
  readonly ownershipHistory: {
    kind: OwnershipKind;
    from: string | null;
    fromName: string | null;
    to: string | null;
    toName: string | null;
    reason: string | null;
    /** Set for a system reason the dashboard words itself (the reason is then null). */
    reasonCode: 'adopted_from_attribute' | null;
    jobId: number | null;
    at: string | null;
  }[];
}

/** Account numbers show their last 4 digits only (never revealed through the pool). */
export function maskAccountNo(accountNo: string): string {
  return accountNo.length <= 4
    ? '*'.repeat(accountNo.length)
    : '*'.repeat(accountNo.length - 4) + accountNo.slice(-4);
}

/**
 * The 360 profile of a customer in the scope, or undefined (unknown and out-of-scope alike). Fields in `reveal` are
 * shown unmasked and the reveal is audited (who, which customer, which fields, why); the caller checked the permission
 * and that a reason was given.
 */
export async function customerProfile(
  db: Kysely<Database>,
  who: { actor: string; scope: DataScope },
  customerNo: string,
  reveal: ReadonlySet<PiiField> = new Set(),
  reason: string | null = null,
): Promise<CustomerProfile | undefined> {
  const c = await findCustomerInScope(db, who.scope, customerNo);
  if (!c) return undefined;
  const [owner, assistants, holdings, consents, tasks, reminders, contact, unit, history] = await Promise.all(
    [
      db
        .selectFrom('customer_owners as o')
        .innerJoin('staff as s', 's.id', 'o.manager_id')
        .select(['o.manager_id', 's.name', 'o.since', 'o.source', 'o.handover_status'])
        .where('o.customer_id', '=', c.id)
        .executeTakeFirst(),
      db
        .selectFrom('customer_assistants as a')
        .innerJoin('staff as s', 's.id', 'a.staff_id')
        .select(['a.staff_id', 's.name'])
        .where('a.customer_id', '=', c.id)
        .orderBy('a.staff_id')
        .execute(),
      db
        .selectFrom('holdings as h')
        .innerJoin('products as p', 'p.id', 'h.product_id')
        .select([
          'h.account_no',
          'h.product_id',
          'p.name',
          'p.category',
          'h.balance',
          'h.opened_on',
          'h.maturity_date',
          'h.next_due_date',
          'h.status',
        ])
        .where('h.customer_id', '=', c.id)
        .orderBy('h.opened_on', 'desc')
        .orderBy('h.account_no')
        .execute(),
      db
        .selectFrom('consents')
        .select(['channel', 'purpose', 'status', 'updated_at'])
        .where('customer_id', '=', c.id)
        .orderBy('channel')
        .orderBy('purpose')
        .execute(),
      db
        .selectFrom('tasks')
        .select(sql<number>`count(*)`.as('n'))
        .where('customer_id', '=', c.id)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('reminders')
        .select(['id', 'kind', 'due_on'])
        .where('customer_id', '=', c.id)
        .where('status', '=', 'open')
        .orderBy('due_on')
        .limit(20)
        .execute(),
      db
        .selectFrom('customer_contacts')
        .select('last_contact_at')
        .where('customer_id', '=', c.id)
        .executeTakeFirst(),
      c.org_unit_id === null
        ? Promise.resolve(undefined)
        : db
            .selectFrom('org_units')
            .select(['id', 'name'])
            .where('id', '=', c.org_unit_id)
            .executeTakeFirst(),
      db
        .selectFrom('ownership_history as h')
        .leftJoin('staff as f', 'f.id', 'h.from_manager')
        .leftJoin('staff as t', 't.id', 'h.to_manager')
        .select(['h.kind', 'h.from_manager', 'f.name as from_name', 'h.to_manager', 't.name as to_name'])
        .select(['h.reason', 'h.job_id', 'h.at'])
        .where('h.customer_id', '=', c.id)
        .orderBy('h.at', 'desc')
        .orderBy('h.id', 'desc')
        .limit(20)
        .execute(),
    ],
  );
  const revealed = [...reveal].sort();
  if (revealed.length > 0) {
    await recordAudit(db, {
      actor: who.actor,
      action: 'customer.reveal_pii',
      entityType: 'customer',
      entityId: c.customer_no,
      details: { fields: revealed, reason },
    });
  }
  const attributes = c.attributes ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    customerNo: c.customer_no,
    pii: maskPii(
      { name: c.name, phone: c.phone, id_number: c.id_number, email: c.email, birth_date: c.birth_date },
      reveal,
    ),
    revealed,
    gender: c.gender,
    city: c.city,
    occupation: c.occupation,
    orgUnit: unit ?? null,
    riskLevel: c.risk_level,
    customerSince: c.customer_since,
    aum: Number(c.aum),
    tier: c.tier,
    payroll: c.payroll,
    appUser: c.app_user,
    wecomFriend: c.wecom_friend,
    lifecycleStage: text(attributes['lifecycle_stage']),
    engagement: text(attributes['engagement']),
    owner: owner
      ? {
          managerId: owner.manager_id,
          name: owner.name,
          since: iso(owner.since),
          source: owner.source,
          handoverStatus: owner.handover_status,
        }
      : null,
    assistants: assistants.map((a) => ({ staffId: a.staff_id, name: a.name })),
    holdings: holdings.map((h) => ({
      accountNo: maskAccountNo(h.account_no),
      productId: h.product_id,
      productName: h.name,
      category: h.category,
      balance: Number(h.balance),
      openedOn: h.opened_on,
      maturityDate: h.maturity_date,
      nextDueDate: h.next_due_date,
      status: h.status,
    })),
    consents: consents.map((k) => ({
      channel: k.channel,
      purpose: k.purpose,
      status: k.status,
      updatedAt: iso(k.updated_at),
    })),
    openTasks: Number(tasks.n),
    openReminders: reminders.map((r) => ({ id: r.id, kind: r.kind, dueOn: r.due_on })),
    lastContactAt: iso(contact?.last_contact_at),
    ownershipHistory: history.map((h) => ({
      kind: h.kind,
      from: h.from_manager,
      fromName: h.from_name,
      to: h.to_manager,
      toName: h.to_name,
      ...(h.reason === ADOPTED_REASON
        ? { reason: null, reasonCode: 'adopted_from_attribute' as const }
        : { reason: h.reason, reasonCode: null }),
      jobId: h.job_id,
      at: iso(h.at),
    })),
  };
}
