import { PRODUCT_ROLES } from '../../contracts/product.ts';
import { shiftDay } from '../../shared/day.ts';
import {
  BY_ROLE_DEFINITIONS,
  type ProductRoleTotals,
  type ResultsByProductRole,
  type RoleGroup,
} from './model.ts';
import { contentProducts } from './read.ts';
import { runFigures, type ResultsDeps } from './service.ts';

// Campaigns compared by the role of the product their content is about (issue #11 §1: traffic, hot-selling, main
// profit): every run completed in a range of business days counted exactly as its own results count it (runFigures),
// then summed per role. The role is the product's now, so re-classifying a product moves its past runs with it.

const GROUPS: readonly RoleGroup[] = [...PRODUCT_ROLES, 'none'];

/** Completed runs whose finish falls in [from, to] (business days, both included), summed by product role. */
export async function resultsByProductRole(
  deps: ResultsDeps,
  range: { from: string; to: string },
): Promise<ResultsByProductRole> {
  const runs = await deps.db
    .selectFrom('campaign_runs')
    .selectAll()
    .where('status', '=', 'completed')
    .where('prepared_at', 'is not', null)
    .where('finished_at', '>=', deps.clock.startOf(range.from))
    .where('finished_at', '<', deps.clock.startOf(shiftDay(range.to, 1)))
    .orderBy('id')
    .execute();
  // One run at a time: each reads its sets from both stores, and a range may hold many runs.
  const figures = [];
  for (const row of runs) figures.push({ row, ...(await runFigures(deps, row.campaign_id, row)) });
  const products = await contentProducts(
    deps.db,
    figures.map((f) => f.draft.content.id),
  );
  const sums = new Map(GROUPS.map((role) => [role, { role, ...zero(), campaigns: new Set<number>() }]));
  let lastEventAt: number | null = null;
  for (const f of figures) {
    const sum = sums.get(products.get(f.draft.content.id)?.role ?? 'none')!;
    sum.campaigns.add(f.row.campaign_id);
    sum.runs += 1;
    sum.targeted += f.totals.targeted;
    sum.sent += f.totals.sent;
    sum.clicked += f.totals.clicked;
    sum.converted += f.totals.converted;
    if (f.draft.conversion) sum.measured += f.totals.targeted;
    if (f.sets.lastEventAt !== null) lastEventAt = Math.max(lastEventAt ?? 0, f.sets.lastEventAt);
  }
  const roles: ProductRoleTotals[] = [...sums.values()].map(({ campaigns, measured, ...sum }) => ({
    ...sum,
    campaigns: campaigns.size,
    conversionRate: measured > 0 ? sum.converted / measured : null,
  }));
  return {
    from: range.from,
    to: range.to,
    roles,
    definitions: BY_ROLE_DEFINITIONS,
    freshness: {
      eventsThrough: lastEventAt === null ? null : new Date(lastEventAt).toISOString(),
      computedAt: deps.clock.now().toISOString(),
    },
  };
}

const zero = () => ({ runs: 0, targeted: 0, sent: 0, clicked: 0, converted: 0, measured: 0 });
