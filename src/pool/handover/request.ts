// A handover request checked against the data: who leaves, who takes, which customers, and the plan with what the
// data says will happen to each planned customer (the preview).
import { sql, type Kysely, type Transaction } from 'kysely';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';
import type { HandoverKind, HandoverSplit } from '../../store/operational/pool-tables.ts';
import { countOwned } from '../ownership.ts';
import { staffScopeFilter, type DataScope } from '../scope.ts';
import {
  decide,
  IN_SERVICE_TRANSFERS_PER_90_DAYS,
  splitCustomers,
  TRANSFER_WINDOW_DAYS,
  type DecisionState,
  type HandoverReason,
  type PlanCustomer,
  type PlannedItem,
  type TakerState,
} from './plan.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** What the caller asks for. */
export interface HandoverRequest {
  readonly fromManagerId: string;
  /** Takers in split order; for a mapping, defaults to the mapping's distinct takers. */
  readonly takerIds?: readonly string[];
  readonly split: HandoverSplit;
  /** customer_no → taker id (split "mapping"). */
  readonly mapping?: Readonly<Record<string, string>>;
  /** Only these customers of the manager (default: the whole pool). */
  readonly customerNos?: readonly string[];
  /** Why (required while the manager is still employed: an in-service transfer). */
  readonly reason?: string | null;
}

/** Why a request was refused. */
export type HandoverFailure = {
  code: 'not_found' | 'forbidden' | 'bad_request' | 'conflict';
  message: string;
  details?: unknown;
};

/** A request that passed every check, with its plan. */
export interface CheckedRequest {
  readonly kind: HandoverKind;
  readonly fromManager: { id: string; name: string; status: 'active' | 'departed' };
  readonly takers: { id: string; name: string }[];
  readonly split: HandoverSplit;
  readonly reason: string | null;
  readonly plan: PlannedItem[];
  readonly state: DecisionState;
}

/** Per-taker totals of a preview. */
export interface TakerPreview {
  readonly takerId: string;
  readonly name: string;
  readonly poolSize: number;
  readonly capacity: number;
  readonly planned: number;
  readonly plannedAum: number;
  readonly willMove: number;
  readonly willMoveAum: number;
  readonly refused: number;
}

/** What a handover would do if run now. */
export interface HandoverPreview {
  readonly kind: HandoverKind;
  readonly fromManager: { id: string; name: string; status: 'active' | 'departed' };
  readonly split: HandoverSplit;
  readonly total: number;
  readonly totalAum: number;
  readonly takers: TakerPreview[];
  readonly foreseen: {
    moved: number;
    refused: number;
    skipped: number;
    byReason: Partial<Record<HandoverReason, number>>;
  };
  /** The customers foreseen not to move (the first 1,000). */
  readonly refusals: { customerNo: string; takerId: string; reason: HandoverReason }[];
}

const fail = (code: HandoverFailure['code'], message: string, details?: unknown) =>
  err<HandoverFailure>({ code, message, ...(details === undefined ? {} : { details }) });

/** Checks a request against the data and the caller's scope and builds its plan. */
export async function checkRequest(
  db: Db,
  scope: DataScope,
  request: HandoverRequest,
  now: Date,
): Promise<Result<CheckedRequest, HandoverFailure>> {
  const from = await db
    .selectFrom('staff')
    .select(['id', 'name', 'status'])
    .where('id', '=', request.fromManagerId)
    .executeTakeFirst();
  if (!from) return fail('not_found', `no staff ${request.fromManagerId}`);
  const inScope = await db
    .selectFrom('staff')
    .select('id')
    .where('id', '=', from.id)
    .where(staffScopeFilter(scope))
    .executeTakeFirst();
  if (!inScope) return fail('forbidden', `staff ${from.id} is outside your scope`);
  const kind: HandoverKind = from.status === 'departed' ? 'departed' : 'in_service';
  const reason = request.reason?.trim() || null;
  if (kind === 'in_service' && reason === null)
    return fail('bad_request', `${from.id} is still employed: an in-service transfer needs a reason`);

  const mapping = new Map(Object.entries(request.mapping ?? {}));
  if (request.split === 'mapping' && mapping.size === 0)
    return fail('bad_request', 'split "mapping" needs a mapping {customer_no: taker id}');
  const takerIds = [
    ...new Set(
      request.takerIds ?? (request.split === 'mapping' ? [...new Set(mapping.values())].sort() : []),
    ),
  ];
  if (takerIds.length === 0) return fail('bad_request', 'name at least one taker');
  if (takerIds.includes(from.id))
    return fail('bad_request', `${from.id} cannot take over their own customers`);
  const unlisted = [...new Set(mapping.values())].filter((t) => !takerIds.includes(t));
  if (unlisted.length > 0)
    return fail('bad_request', `mapping names takers not in takerIds: ${unlisted.join(', ')}`);
  const takerRows = await db
    .selectFrom('staff')
    .select(['id', 'name', 'status', 'pool_capacity'])
    .where('id', 'in', takerIds)
    .where(staffScopeFilter(scope))
    .execute();
  const missing = takerIds.filter((t) => !takerRows.some((r) => r.id === t));
  if (missing.length > 0)
    return fail('bad_request', `unknown takers (or outside your scope): ${missing.join(', ')}`);
  const departed = takerRows.filter((r) => r.status !== 'active').map((r) => r.id);
  if (departed.length > 0) return fail('bad_request', `takers have departed: ${departed.join(', ')}`);

  let customers = await db
    .selectFrom('customer_owners as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['c.id', 'c.customer_no', 'c.aum'])
    .where('o.manager_id', '=', from.id)
    .execute()
    .then((rows) =>
      rows.map((r): PlanCustomer => ({ customerId: r.id, customerNo: r.customer_no, aum: Number(r.aum) })),
    );
  const wanted = request.customerNos ?? (request.split === 'mapping' ? [...mapping.keys()] : undefined);
  if (wanted !== undefined) {
    const owned = new Set(customers.map((c) => c.customerNo));
    const foreign = wanted.filter((no) => !owned.has(no));
    if (foreign.length > 0) {
      return fail('bad_request', `${foreign.length} customers are not in ${from.id}'s pool`, {
        customerNos: foreign.slice(0, 100),
      });
    }
    const keep = new Set(wanted);
    customers = customers.filter((c) => keep.has(c.customerNo));
  }
  if (customers.length === 0) return fail('bad_request', `${from.id} has no customers to hand over`);

  const sizes = await countOwned(db, takerIds);
  const takers = new Map<string, TakerState>(
    takerIds.map((id) => {
      const row = takerRows.find((r) => r.id === id)!;
      return [id, { id, status: row.status, capacity: row.pool_capacity, owned: sizes.get(id) ?? 0 }];
    }),
  );
  const recentTransfers =
    kind === 'in_service' ? await recentTransfersOfPool(db, from.id, now) : new Map<number, number>();
  const state: DecisionState = {
    kind,
    fromManager: from.id,
    takers,
    ownerOf: new Map(customers.map((c) => [c.customerId, from.id])),
    recentTransfers,
  };
  const plan = splitCustomers(
    customers,
    takerIds.map((id) => ({ ...takers.get(id)! })),
    request.split,
    {
      mapping,
      willBeRefused: (id) =>
        kind === 'in_service' && (recentTransfers.get(id) ?? 0) >= IN_SERVICE_TRANSFERS_PER_90_DAYS,
    },
  );
  return ok({
    kind,
    fromManager: from,
    takers: takerIds.map((id) => ({ id, name: takerRows.find((r) => r.id === id)!.name })),
    split: request.split,
    reason,
    plan,
    state,
  });
}

/** Simulates the plan with the decision function the job uses: the preview. */
export function simulate(checked: CheckedRequest): HandoverPreview {
  const state: DecisionState = {
    ...checked.state,
    takers: new Map([...checked.state.takers].map(([id, t]) => [id, { ...t }])),
  };
  const per = new Map(
    checked.takers.map((t) => [
      t.id,
      {
        planned: 0,
        plannedAum: 0,
        willMove: 0,
        willMoveAum: 0,
        refused: 0,
        poolSize: state.takers.get(t.id)?.owned ?? 0,
      },
    ]),
  );
  const byReason: Partial<Record<HandoverReason, number>> = {};
  const refusals: HandoverPreview['refusals'] = [];
  let moved = 0;
  let refused = 0;
  let skipped = 0;
  for (const item of checked.plan) {
    const p = per.get(item.takerId)!;
    p.planned++;
    p.plannedAum += item.aum;
    const d = decide(item, state);
    if (d.status === 'moved') {
      moved++;
      p.willMove++;
      p.willMoveAum += item.aum;
      continue;
    }
    if (d.status === 'refused') refused++;
    else skipped++;
    p.refused++;
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    if (refusals.length < 1000)
      refusals.push({ customerNo: item.customerNo, takerId: item.takerId, reason: d.reason });
  }
  return {
    kind: checked.kind,
    fromManager: checked.fromManager,
    split: checked.split,
    total: checked.plan.length,
    totalAum: round2(checked.plan.reduce((s, i) => s + i.aum, 0)),
    takers: checked.takers.map((t) => {
      const p = per.get(t.id)!;
      return {
        takerId: t.id,
        name: t.name,
        poolSize: p.poolSize,
        capacity: state.takers.get(t.id)?.capacity ?? 0,
        planned: p.planned,
        plannedAum: round2(p.plannedAum),
        willMove: p.willMove,
        willMoveAum: round2(p.willMoveAum),
        refused: p.refused,
      };
    }),
    foreseen: { moved, refused, skipped, byReason },
    refusals,
  };
}

/** In-service transfers within the last 90 days of the customers a manager owns. */
async function recentTransfersOfPool(db: Db, managerId: string, now: Date): Promise<Map<number, number>> {
  const { rows } = await sql<{ customer_id: number; n: number }>`
    select h.customer_id, count(*) as n from ownership_history h
    join customer_owners o on o.customer_id = h.customer_id and o.manager_id = ${managerId}
    where h.kind = 'in_service_transfer' and h.at > ${windowStart(now).toISOString()}::timestamptz
    group by h.customer_id`.execute(db);
  return new Map(rows.map((r) => [Number(r.customer_id), Number(r.n)]));
}

/** In-service transfers within the last 90 days of the given customers. */
export async function recentTransfersOf(
  db: Db,
  customerIds: readonly number[],
  now: Date,
): Promise<Map<number, number>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('ownership_history')
    .select(['customer_id', sql<number>`count(*)`.as('n')])
    .where('customer_id', 'in', customerIds)
    .where('kind', '=', 'in_service_transfer')
    .where('at', '>', windowStart(now))
    .groupBy('customer_id')
    .execute();
  return new Map(rows.map((r) => [r.customer_id, Number(r.n)]));
}

function windowStart(now: Date): Date {
  return new Date(now.getTime() - TRANSFER_WINDOW_DAYS * 86_400_000);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
