import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import { err, ok, schemaIssues, validationFailed, type LocatedIssue, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { METRICS } from './metrics.ts';
import {
  planBodySchema,
  reviewSchema,
  type PlanBody,
  type PlanInput,
  type Strategy,
  type Subject,
} from './model.ts';
import { SUBJECTS, type OgsmDeps, type SubjectAdapter } from './subjects.ts';

// Saving a plan and reviewing it. A subject has one live plan (`ogsm_plans`); every edit and every review is the next
// version (`ogsm_plan_versions`), audited in the same transaction. A plan is checked against the metric registry of
// its subject's kind: each problem located (`/goals/0/metric`) with a stable code.

/** A plan row as read back. */
export interface StoredPlan {
  readonly subject: Subject;
  readonly version: number;
  readonly body: PlanBody;
  readonly lesson: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** The adapter of a subject's kind (every kind is wired: campaigns, journeys, activities). */
export function adapterOf(subject: Subject): Result<SubjectAdapter> {
  return ok(SUBJECTS[subject.kind]);
}

/** Problems of a plan the schema accepted, against the registry of its subject's kind. */
export function planProblems(adapter: SubjectAdapter, plan: PlanInput): LocatedIssue[] {
  const problems: LocatedIssue[] = [];
  const has = (m: string) => (adapter.metrics as readonly string[]).includes(m);
  const unique = (list: 'goals' | 'strategies', ids: string[]) =>
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        problems.push({ path: [list, i, 'id'], message: `${id} is used twice`, code: 'duplicate_id' });
    });
  plan.goals.forEach((g, i) => {
    const at = (k: string) => ['goals', i, k];
    if (!has(g.metric))
      problems.push({
        path: at('metric'),
        message: `a ${adapter.kind} has no metric ${g.metric}; it has ${adapter.metrics.join(', ')}`,
        code: 'unknown_metric',
      });
    const population = g.population ?? 'treated';
    if (!adapter.population.includes(population))
      problems.push({
        path: at('population'),
        message: `${adapter.kind === 'activity' ? 'an' : 'a'} ${adapter.kind}'s goals count ${adapter.population.join(' or ')}, not ${population}`,
        code: 'population_not_allowed',
      });
    const metric = METRICS[g.metric];
    if (g.category !== undefined && !metric.category)
      problems.push({
        path: at('category'),
        message: `${g.metric} takes no product category`,
        code: 'category_not_allowed',
      });
    if (metric.unit === 'ratio' && g.target > 1)
      problems.push({
        path: at('target'),
        message: `${g.metric} is a share between 0 and 1: target ${g.target} is out of range`,
        code: 'target_out_of_range',
      });
  });
  (plan.measures ?? []).forEach((m, i) => {
    if (!has(m))
      problems.push({
        path: ['measures', i],
        message: `a ${adapter.kind} has no metric ${m}`,
        code: 'unknown_metric',
      });
  });
  unique(
    'goals',
    plan.goals.map((g) => g.id),
  );
  unique(
    'strategies',
    plan.strategies.map((s) => s.id),
  );
  return problems;
}

/** The live plan of a subject, or null. */
export async function readPlan(db: Kysely<Database>, subject: Subject): Promise<StoredPlan | null> {
  const row = await db
    .selectFrom('ogsm_plans')
    .selectAll()
    .where('subject_kind', '=', subject.kind)
    .where('subject_id', '=', subject.id)
    .executeTakeFirst();
  return row ? toPlan(row) : null;
}

/** Every live plan (of one kind), most recently changed first. */
export async function readPlans(db: Kysely<Database>, kind?: Subject['kind']): Promise<StoredPlan[]> {
  let q = db.selectFrom('ogsm_plans').selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc');
  if (kind) q = q.where('subject_kind', '=', kind);
  return (await q.execute()).map(toPlan);
}

function toPlan(row: {
  subject_kind: Subject['kind'];
  subject_id: number;
  version: number;
  body: Record<string, unknown>;
  lesson: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  updated_by: string;
  updated_at: Date;
}): StoredPlan {
  return {
    subject: { kind: row.subject_kind, id: row.subject_id },
    version: row.version,
    body: row.body as unknown as PlanBody,
    lesson: row.lesson,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at ? new Date(row.reviewed_at).toISOString() : null,
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The input as the schema reads it, or its located problems. */
function parse<T>(schema: z.ZodType<T>, input: unknown, message: string): Result<T> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(validationFailed(message, schemaIssues(parsed.error.issues)));
}

/** Saves a subject's plan (the first version, or the next); refused with every located problem. */
export async function savePlan(
  deps: Pick<OgsmDeps, 'db' | 'clock'>,
  actor: string,
  subject: Subject,
  input: unknown,
): Promise<Result<{ version: number }>> {
  const adapter = adapterOf(subject);
  if (!adapter.ok) return adapter;
  const parsed = parse(planBodySchema, input, 'the plan is not valid');
  if (!parsed.ok) return parsed;
  const problems = planProblems(adapter.value, parsed.value);
  if (problems.length > 0) return err(validationFailed('the plan is not valid', problems));
  if ((await adapter.value.nameOf(deps.db, subject.id)) === undefined)
    return err({ code: 'not_found', message: `no ${subject.kind} ${subject.id}` });
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const before = await readLocked(tx, subject);
    const previous = new Map((before?.body.strategies ?? []).map((s) => [s.id, s]));
    // A strategy edited without its score keeps the one it had (the review's), by id.
    const strategies: Strategy[] = parsed.value.strategies.map((s) => ({
      id: s.id,
      text: s.text,
      score: s.score === undefined ? (previous.get(s.id)?.score ?? null) : s.score,
      note: s.note === undefined ? (previous.get(s.id)?.note ?? null) : s.note,
    }));
    const body: PlanBody = {
      objective: parsed.value.objective,
      goals: parsed.value.goals.map((g) => ({ ...g, population: g.population ?? 'treated' })),
      strategies,
      measures: parsed.value.measures ?? [],
    };
    const version = (before?.version ?? 0) + 1;
    const planId = await writePlan(tx, subject, before, {
      version,
      body,
      lesson: before?.lesson ?? null,
      actor,
      at: now,
      change: 'edit',
    });
    await recordAudit(tx, {
      actor,
      action: before ? 'ogsm.revise' : 'ogsm.create',
      entityType: 'ogsm_plan',
      entityId: String(planId),
      details: { subject, version, goals: body.goals.length, strategies: strategies.length },
      at: now,
    });
    return ok({ version });
  });
}

/** Scores strategies and writes the lesson: the plan's next version, reviewed by `actor`. */
export async function reviewPlan(
  deps: Pick<OgsmDeps, 'db' | 'clock'>,
  actor: string,
  subject: Subject,
  input: unknown,
): Promise<Result<{ version: number }>> {
  const adapter = adapterOf(subject);
  if (!adapter.ok) return adapter;
  const parsed = parse(reviewSchema, input, 'the review is not valid');
  if (!parsed.ok) return parsed;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const before = await readLocked(tx, subject);
    if (!before) return err({ code: 'not_found', message: `${subject.kind} ${subject.id} has no OGSM plan` });
    const ids = before.body.strategies.map((s) => s.id);
    const given = parsed.value.scores ?? [];
    const problems: LocatedIssue[] = given.flatMap((s, i) =>
      ids.includes(s.id)
        ? []
        : [
            {
              path: ['scores', i, 'id'],
              message: `the plan has no strategy ${s.id}; it has ${ids.join(', ') || 'none'}`,
              code: 'unknown_strategy',
            },
          ],
    );
    if (problems.length > 0) return err(validationFailed('the review is not valid', problems));
    const scores = new Map(given.map((s) => [s.id, s]));
    const strategies = before.body.strategies.map((s) => {
      const given = scores.get(s.id);
      return given ? { ...s, score: given.score, note: given.note === undefined ? s.note : given.note } : s;
    });
    const version = before.version + 1;
    const lesson = parsed.value.lesson === undefined ? before.lesson : parsed.value.lesson;
    const planId = await writePlan(tx, subject, before, {
      version,
      body: { ...before.body, strategies },
      lesson,
      actor,
      at: now,
      change: 'review',
    });
    await recordAudit(tx, {
      actor,
      action: 'ogsm.review',
      entityType: 'ogsm_plan',
      entityId: String(planId),
      details: { subject, version, scored: [...scores.keys()], lesson: lesson !== before.lesson },
      at: now,
    });
    return ok({ version });
  });
}

type Tx = Kysely<Database>;

async function readLocked(tx: Tx, subject: Subject): Promise<(StoredPlan & { id: number }) | null> {
  const row = await tx
    .selectFrom('ogsm_plans')
    .selectAll()
    .where('subject_kind', '=', subject.kind)
    .where('subject_id', '=', subject.id)
    .forUpdate()
    .executeTakeFirst();
  return row ? { id: row.id, ...toPlan(row) } : null;
}

/** Writes the live plan and its version row; the plan's id. */
async function writePlan(
  tx: Tx,
  subject: Subject,
  before: { id: number } | null,
  next: {
    version: number;
    body: PlanBody;
    lesson: string | null;
    actor: string;
    at: Date;
    change: 'edit' | 'review';
  },
): Promise<number> {
  const body = JSON.stringify(next.body);
  const review = next.change === 'review' ? { reviewed_by: next.actor, reviewed_at: next.at } : {};
  let id: number;
  if (before) {
    await tx
      .updateTable('ogsm_plans')
      .set({
        version: next.version,
        body,
        lesson: next.lesson,
        updated_by: next.actor,
        updated_at: next.at,
        ...review,
      })
      .where('id', '=', before.id)
      .execute();
    id = before.id;
  } else {
    const row = await tx
      .insertInto('ogsm_plans')
      .values({
        subject_kind: subject.kind,
        subject_id: subject.id,
        version: next.version,
        body,
        lesson: next.lesson,
        created_by: next.actor,
        created_at: next.at,
        updated_by: next.actor,
        updated_at: next.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  }
  await tx
    .insertInto('ogsm_plan_versions')
    .values({
      plan_id: id,
      version: next.version,
      body,
      lesson: next.lesson,
      change: next.change,
      author: next.actor,
      created_at: next.at,
    })
    .execute();
  return id;
}
