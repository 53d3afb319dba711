import type { Comparison } from '../analytics/experiments/lift.ts';
import type { Bilingual } from '../contracts/common.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { measure, METRICS, type GoalMeasurement, type MetricUnit } from './metrics.ts';
import type { Goal, MetricKey, Strategy, Subject } from './model.ts';
import { adapterOf, readPlan, readPlans, type StoredPlan } from './service.ts';
import type { OgsmDeps, SubjectFacts } from './subjects.ts';

// The review page's figures: each goal measured now against its target (value, attainment, lift against control
// where the metric has one, the window, how fresh), the measures over the plan's widest window, and the bank-wide
// list of every plan's goal attainment.

/** A goal with what was measured. */
export type MeasuredGoal = Goal & {
  readonly unit: MetricUnit;
  readonly definition: Bilingual;
} & GoalMeasurement;

/** A plan as the review page shows it. */
export interface PlanView {
  readonly subject: Subject & { readonly name: string };
  readonly version: number;
  readonly objective: string;
  readonly goals: MeasuredGoal[];
  readonly strategies: Strategy[];
  readonly measures: ({
    readonly metric: MetricKey;
    readonly unit: MetricUnit;
    readonly windowDays: number;
    readonly definition: Bilingual;
  } & GoalMeasurement)[];
  readonly lesson: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly updatedBy: string;
  readonly updatedAt: string;
  readonly freshness: { readonly eventsThrough: string | null; readonly computedAt: string };
}

/** Measures are taken over the widest goal window, or this many days when the plan sets no goal. */
export const DEFAULT_MEASURE_DAYS = 30;

/** A subject's plan with every goal and measure measured now. */
export async function planView(deps: OgsmDeps, subject: Subject): Promise<Result<PlanView>> {
  const adapter = adapterOf(subject);
  if (!adapter.ok) return adapter;
  const plan = await readPlan(deps.db, subject);
  if (!plan) return err({ code: 'not_found', message: `${subject.kind} ${subject.id} has no OGSM plan` });
  const facts = await adapter.value.facts(deps, subject.id);
  if (!facts.ok) return facts;
  return ok(await measurePlan(deps, plan, facts.value));
}

/** A subject that exists and has no plan yet. */
export interface NoPlan {
  readonly subject: Subject & { readonly name: string };
  readonly plan: null;
}

/**
 * A subject's plan measured now, or — a subject without one — the subject and `plan: null` (a page showing "no plan
 * yet" asked nothing wrong); not_found only for a subject that does not exist.
 */
export async function subjectPlan(deps: OgsmDeps, subject: Subject): Promise<Result<PlanView | NoPlan>> {
  const adapter = adapterOf(subject);
  if (!adapter.ok) return adapter;
  if (await readPlan(deps.db, subject)) return planView(deps, subject);
  const name = await adapter.value.nameOf(deps.db, subject.id);
  if (name === undefined) return err({ code: 'not_found', message: `no ${subject.kind} ${subject.id}` });
  return ok({ subject: { ...subject, name }, plan: null });
}

async function measurePlan(deps: OgsmDeps, plan: StoredPlan, facts: SubjectFacts): Promise<PlanView> {
  const goals: MeasuredGoal[] = [];
  for (const goal of plan.body.goals) {
    const m = METRICS[goal.metric];
    goals.push({ ...goal, unit: m.unit, definition: m.definition, ...(await measure(deps, facts, goal)) });
  }
  const windowDays = Math.max(0, ...plan.body.goals.map((g) => g.windowDays)) || DEFAULT_MEASURE_DAYS;
  const measures: PlanView['measures'] = [];
  for (const metric of plan.body.measures) {
    const m = METRICS[metric];
    measures.push({
      metric,
      unit: m.unit,
      windowDays,
      definition: m.definition,
      ...(await measure(deps, facts, { metric, windowDays })),
    });
  }
  const through = [...goals, ...measures].flatMap((g) => (g.eventsThrough ? [g.eventsThrough] : [])).sort();
  return {
    subject: { ...plan.subject, name: facts.name },
    version: plan.version,
    objective: plan.body.objective,
    goals,
    strategies: plan.body.strategies,
    measures,
    lesson: plan.lesson,
    reviewedBy: plan.reviewedBy,
    reviewedAt: plan.reviewedAt,
    updatedBy: plan.updatedBy,
    updatedAt: plan.updatedAt,
    freshness: { eventsThrough: through.at(-1) ?? null, computedAt: deps.clock.now().toISOString() },
  };
}

/** One row of the bank-wide list. */
export interface AttainmentRow {
  readonly subject: Subject & { readonly name: string };
  readonly objective: string;
  readonly version: number;
  readonly reviewed: boolean;
  readonly goals: {
    readonly id: string;
    readonly metric: MetricKey;
    readonly target: number;
    readonly value: number | null;
    readonly attainment: number | null;
    readonly lift: Comparison['absolute'] | null;
  }[];
  /** Goals at or over 100% attainment. */
  readonly attained: number;
  readonly updatedAt: string;
}

/** Every plan's goal attainment (of one kind of subject), most recently changed first. */
export async function attainmentList(deps: OgsmDeps, kind?: Subject['kind']): Promise<AttainmentRow[]> {
  const rows: AttainmentRow[] = [];
  // One plan at a time: each reads its subject's facts from both stores.
  for (const plan of await readPlans(deps.db, kind)) {
    const adapter = adapterOf(plan.subject);
    if (!adapter.ok) continue;
    const facts = await adapter.value.facts(deps, plan.subject.id);
    if (!facts.ok) continue;
    const view = await measurePlan(deps, { ...plan, body: { ...plan.body, measures: [] } }, facts.value);
    rows.push({
      subject: view.subject,
      objective: view.objective,
      version: view.version,
      reviewed: view.reviewedAt !== null,
      goals: view.goals.map((g) => ({
        id: g.id,
        metric: g.metric,
        target: g.target,
        value: g.value,
        attainment: g.attainment,
        lift: g.lift?.absolute ?? null,
      })),
      attained: view.goals.filter((g) => (g.attainment ?? 0) >= 100).length,
      updatedAt: view.updatedAt,
    });
  }
  return rows;
}
