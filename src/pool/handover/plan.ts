// Handover planning: which taker gets which customer (split even, balanced by AUM, or an explicit mapping), and the
// one decision function that both the preview and the execution apply to each planned customer, in plan order,
// so that a preview over unchanged data foresees exactly what the job then does.
import type { HandoverKind, HandoverSplit } from '../../store/operational/pool-tables.ts';

/** WeCom moves a still-employed manager's customer at most twice in 90 days; the third transfer is refused. */
export const IN_SERVICE_TRANSFERS_PER_90_DAYS = 2;
export const TRANSFER_WINDOW_DAYS = 90;

/** Why a planned customer did not move. */
export type HandoverReason =
  'not_owned_by_from_manager' | 'taker_departed' | 'moved_twice_in_90_days' | 'taker_at_limit' | 'cancelled';

/** A customer of the departing manager, as the split sees it. */
export interface PlanCustomer {
  readonly customerId: number;
  readonly customerNo: string;
  readonly aum: number;
}

/** A taker's state at planning or execution time. */
export interface TakerState {
  readonly id: string;
  readonly status: 'active' | 'departed';
  readonly capacity: number;
  /** Customers owned now; the decision function increments it as customers move. */
  owned: number;
}

/** One planned customer in plan order. */
export interface PlannedItem {
  readonly customerId: number;
  readonly customerNo: string;
  readonly aum: number;
  readonly takerId: string;
  readonly seq: number;
}

/** What the data looked like for a set of planned customers. */
export interface DecisionState {
  readonly kind: HandoverKind;
  readonly fromManager: string;
  readonly takers: Map<string, TakerState>;
  /** Current owner of each customer (absent: none). */
  readonly ownerOf: ReadonlyMap<number, string>;
  /** In-service transfers of each customer within the last 90 days. */
  readonly recentTransfers: ReadonlyMap<number, number>;
}

/** The verdict for one planned customer. */
export type Decision =
  { readonly status: 'moved' } | { readonly status: 'refused' | 'skipped'; readonly reason: HandoverReason };

/** Decides one planned customer, in plan order, and counts a move against the taker's capacity. */
export function decide(item: PlannedItem, state: DecisionState): Decision {
  if (state.ownerOf.get(item.customerId) !== state.fromManager)
    return { status: 'skipped', reason: 'not_owned_by_from_manager' };
  const taker = state.takers.get(item.takerId);
  if (!taker || taker.status !== 'active') return { status: 'refused', reason: 'taker_departed' };
  if (
    state.kind === 'in_service' &&
    (state.recentTransfers.get(item.customerId) ?? 0) >= IN_SERVICE_TRANSFERS_PER_90_DAYS
  )
    return { status: 'refused', reason: 'moved_twice_in_90_days' };
  if (taker.owned >= taker.capacity) return { status: 'refused', reason: 'taker_at_limit' };
  taker.owned++;
  return { status: 'moved' };
}

/**
 * Splits customers among takers. even: equal counts (customer-number order, each to the taker with the fewest so
 * far); aum: richest first, each to the taker with the least AUM so far; mapping: as given. even and aum give a
 * customer only to takers with room left (capacity − pool − planned) and not to customers who will be refused for
 * the 90-day rule; when no taker has room the customer is planned anyway and the job will refuse it (taker_at_limit).
 */
export function splitCustomers(
  customers: readonly PlanCustomer[],
  takers: readonly TakerState[],
  split: HandoverSplit,
  options: { mapping?: ReadonlyMap<string, string>; willBeRefused?: (customerId: number) => boolean } = {},
): PlannedItem[] {
  if (split === 'mapping') {
    const mapping = options.mapping ?? new Map<string, string>();
    return [...customers]
      .filter((c) => mapping.has(c.customerNo))
      .sort((a, b) => compareText(a.customerNo, b.customerNo))
      .map((c, seq) => ({ ...c, takerId: mapping.get(c.customerNo)!, seq }));
  }
  const ordered =
    split === 'aum'
      ? [...customers].sort((a, b) => b.aum - a.aum || compareText(a.customerNo, b.customerNo))
      : [...customers].sort((a, b) => compareText(a.customerNo, b.customerNo));
  const load = takers.map((t) => ({
    id: t.id,
    room: t.status === 'active' ? Math.max(0, t.capacity - t.owned) : 0,
    count: 0,
    aum: 0,
  }));
  const better = (a: (typeof load)[number], b: (typeof load)[number]) =>
    split === 'aum' ? a.aum < b.aum || (a.aum === b.aum && a.count < b.count) : a.count < b.count;
  const plan: PlannedItem[] = [];
  for (const c of ordered) {
    const refused = options.willBeRefused?.(c.customerId) ?? false;
    let chosen: (typeof load)[number] | undefined;
    for (const t of load) if ((refused || t.room > 0) && (!chosen || better(t, chosen))) chosen = t;
    if (!chosen) for (const t of load) if (!chosen || better(t, chosen)) chosen = t;
    if (!chosen) break;
    if (!refused) {
      chosen.room = Math.max(0, chosen.room - 1);
      chosen.count++;
      chosen.aum += c.aum;
    }
    plan.push({ ...c, takerId: chosen.id, seq: plan.length });
  }
  return plan;
}

/** Byte-order comparison, the same in every locale (plans must not depend on the machine). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
