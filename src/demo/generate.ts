// Generates a slice of the demo bank's customers with everything hanging off them, as rows for both stores.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  BehaviourEvent,
  DailyCustomerFact,
  EventTable,
  TransactionRecord,
} from '../store/events/store.ts';
import type { Tier } from '../store/operational/database.ts';
import { drawSessionDays, generateEvents, interestingProducts, quietFrom } from './activity.ts';
import { investmentsFor, type ManagersBySubBranch } from './bank.ts';
import { beijingMs, isoDate, type Window } from './calendar.ts';
import { customerAttributes, generateCustomer, tierOf } from './customers.ts';
import { countsTowardsAum, planHoldings } from './holdings.ts';
import { generateLedger } from './ledger.ts';
import { Rng } from './random.ts';

/** Rows of one slice of customers, ready for the stores. */
export interface Batch {
  readonly customers: object[];
  readonly identities: object[];
  readonly holdings: object[];
  readonly consents: object[];
  readonly consentHistory: object[];
  readonly events: BehaviourEvent[];
  readonly transactions: TransactionRecord[];
  readonly anchors: DailyCustomerFact[];
  /** Per customer of the slice, in ordinal order: what the summary aggregates. */
  readonly facts: {
    aumCents: number;
    tier: Tier;
    stage: number;
    managerId: string | null;
    sinceDay: number;
  }[];
}

const ALL_INVESTMENTS = investmentsFor(5);
const timestamp = (day: number, second: number) => new Date(beijingMs(day, second)).toISOString();

/** Generates customers `fromId`..`toId` (inclusive) of the bank for the window. */
export function generateBatch(
  seed: string,
  fromId: number,
  toId: number,
  w: Window,
  managers: ManagersBySubBranch,
): Batch {
  const batch: Batch = {
    customers: [],
    identities: [],
    holdings: [],
    consents: [],
    consentHistory: [],
    events: [],
    transactions: [],
    anchors: [],
    facts: [],
  };
  const asOfDate = isoDate(w.endDay);
  // Rows carry explicit timestamps (not now()) so the same seed yields byte-identical data.
  const asOfInstant = timestamp(w.endDay, 0);
  for (let id = fromId; id <= toId; id++) {
    const c = generateCustomer(seed, id, w.endDay, managers);
    const rng = Rng.for(seed, 'behaviour', id);
    const quiet = quietFrom(rng, c, w);
    const sessionDays = drawSessionDays(rng, c, w, quiet);
    const plans = planHoldings(rng, c, w, sessionDays);
    const interests = interestingProducts(c.risk_level, ALL_INVESTMENTS);
    for (const e of generateEvents(rng, c, w, sessionDays, quiet, plans, interests)) batch.events.push(e);
    const { transactions, balances } = generateLedger(rng, c, w, plans);
    for (const t of transactions) batch.transactions.push(t);

    // AUM is what the holdings hold, to the cent; the tier follows from it.
    const aumCents = plans.reduce((sum, h) => sum + (countsTowardsAum(h.product) ? h.balanceCents : 0), 0);
    const tier = tierOf(aumCents / 100);
    batch.customers.push({
      id,
      customer_no: c.customer_no,
      name: c.name,
      gender: c.gender,
      birth_date: c.birth_date,
      phone: c.phone,
      id_number: c.id_number,
      email: c.email,
      city: c.city,
      occupation: c.occupation,
      education: c.education,
      marital_status: c.marital_status,
      org_unit_id: c.org_unit_id,
      risk_level: c.risk_level,
      customer_since: c.customer_since,
      aum: aumCents / 100,
      tier,
      payroll: c.payroll,
      app_user: c.app_user,
      wecom_friend: c.wecom_friend,
      wecom_external_userid: c.wecom_external_userid,
      phone_sha256: c.phone_sha256,
      imei_md5: c.imei_md5,
      oaid_md5: c.oaid_md5,
      idfa_md5: c.idfa_md5,
      caid_md5: c.caid_md5,
      attributes: customerAttributes(c),
      created_at: timestamp(c.sinceDay, 9 * 3600),
      updated_at: asOfInstant,
    });
    const identity = (kind: string, value: string | null) => {
      if (value !== null) batch.identities.push({ kind, value, customer_id: id });
    };
    identity('customer_no', c.customer_no);
    identity('distinct_id', c.distinctId);
    identity('wecom', c.wecom_external_userid);
    identity('imei_md5', c.imei_md5);
    identity('oaid_md5', c.oaid_md5);
    identity('idfa_md5', c.idfa_md5);
    identity('caid_md5', c.caid_md5);
    for (const h of plans) {
      batch.holdings.push({
        customer_id: id,
        account_no: h.account_no,
        product_id: h.product.id,
        balance: h.balanceCents / 100,
        opened_on: isoDate(h.openedDay),
        maturity_date: h.maturityDay === null ? null : isoDate(h.maturityDay),
        next_due_date: h.nextDueDay === null ? null : isoDate(h.nextDueDay),
        status: 'active',
        updated_at: asOfInstant,
      });
    }
    for (const consent of c.consents) {
      batch.consents.push({
        customer_id: id,
        channel: consent.channel,
        purpose: consent.purpose,
        status: consent.status,
        source: consent.source,
        updated_at: consent.updated_at,
      });
      for (const h of consent.history)
        batch.consentHistory.push({
          customer_id: id,
          channel: consent.channel,
          purpose: consent.purpose,
          ...h,
        });
    }
    batch.anchors.push({
      date: asOfDate,
      customer_id: id,
      aum: aumCents / 100,
      deposit_balance: balances.depositCents / 100,
      investment_balance: balances.investmentCents / 100,
      loan_balance: balances.loanCents / 100,
    });
    batch.facts.push({ aumCents, tier, stage: c.stage, managerId: c.managerId, sinceDay: c.sinceDay });
  }
  return batch;
}

/** Operational tables a batch fills, in insert order. */
export const OPERATIONAL_TABLES = [
  'customers',
  'customer_identities',
  'holdings',
  'consents',
  'consent_history',
] as const;
export type OperationalTable = (typeof OPERATIONAL_TABLES)[number];

/** A batch ready to ship: operational rows as JSON arrays, event-store rows as NDJSON files, facts for the summary. */
export interface SerializedBatch {
  readonly fromId: number;
  readonly operational: readonly {
    table: OperationalTable;
    columns: readonly string[];
    rows: number;
    json: string;
  }[];
  readonly files: readonly { table: EventTable; rows: number; path: string }[];
  readonly facts: Batch['facts'];
}

/**
 * Generates customers `fromId`..`toId` and serialises them: JSON text for the operational store and NDJSON files
 * in `dir` for the event store. Runs in the generator worker, so stringifying stays off the thread that drives
 * PGlite.
 */
export function generateSerializedBatch(
  seed: string,
  fromId: number,
  toId: number,
  w: Window,
  managers: ManagersBySubBranch,
  dir: string,
): SerializedBatch {
  const batch = generateBatch(seed, fromId, toId, w, managers);
  const operational = (
    [
      ['customers', batch.customers],
      ['customer_identities', batch.identities],
      ['holdings', batch.holdings],
      ['consents', batch.consents],
      ['consent_history', batch.consentHistory],
    ] as const
  ).map(([table, rows]) => ({
    table,
    columns: Object.keys(rows[0] ?? {}),
    rows: rows.length,
    json: JSON.stringify(rows),
  }));
  const files = (
    [
      ['events', batch.events],
      ['transactions', batch.transactions],
      ['customer_daily', batch.anchors],
    ] as const
  )
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => {
      const path = join(dir, `${String(fromId).padStart(10, '0')}-${table}.ndjson`);
      writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
      return { table, rows: rows.length, path };
    });
  return { fromId, operational, files, facts: batch.facts };
}
