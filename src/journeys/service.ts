import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { CONTROL_FROM, controlCampaignIn, createOwnedCampaign } from '../campaigns/service.ts';
import type { Clock } from '../shared/clock.ts';
import {
  AppError,
  err,
  ok,
  schemaIssues,
  validationFailed,
  type Failure,
  type Result,
} from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { JourneyStatus } from '../store/operational/journey-tables.ts';
import { journeyBodySchema, type JourneyBody } from './model.ts';
import type { SegmentService } from '../segments/service.ts';
import { ruleProblems } from './rule-problems.ts';
import { ensureSplitExperiments } from './split-experiments.ts';
import { loadValidationContext, validateJourney } from './validate.ts';

// Journeys as their authors handle them: a journey is saved with its first version (checked whole), published
// (checked again against the world of that moment; each send node gets the campaign its messages travel through),
// paused, resumed and stopped. Every change is audited in its transaction.

/**
 * What the service needs; with `segments`, branch rules and a schedule entry's population are checked against the
 * segment catalogue too.
 */
export interface JourneyServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly segments?: Pick<SegmentService, 'check'>;
}

/** One problem of a journey's body, located: its JSON path, the node it concerns when it concerns one. */
export interface CheckProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: string;
  readonly node?: string;
}

/** The node a schema issue's path lies in (`['nodes', 2, …]` → the id of nodes[2]), when the input names one. */
function nodeAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  const nodes = (input as { nodes?: unknown } | null)?.nodes;
  const id = Array.isArray(nodes) ? (nodes[path[1]] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Every problem of a body, schema first (then nothing else is checked), else the graph's and the world's, each
 * located; with the parsed body when the schema holds. What the canvas asks as the graph changes.
 */
export async function journeyProblems(
  deps: Pick<JourneyServiceDeps, 'db' | 'segments'>,
  input: unknown,
): Promise<{ body: JourneyBody | undefined; problems: CheckProblem[] }> {
  const parsed = journeyBodySchema.safeParse(input);
  if (!parsed.success)
    return {
      body: undefined,
      problems: parsed.error.issues.map((i) => {
        const node = nodeAt(input, i.path);
        const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
        return { path, message: i.message, code: i.code, ...(node ? { node } : {}) };
      }),
    };
  const problems: CheckProblem[] = validateJourney(parsed.data, await loadValidationContext(deps.db));
  if (deps.segments) problems.push(...(await ruleProblems(deps.db, deps.segments, parsed.data)));
  return { body: parsed.data, problems };
}

/** A journey's body checked by the schema and against the stores: the parsed body, or every problem located. */
export async function checkJourney(
  deps: Pick<JourneyServiceDeps, 'db' | 'segments'>,
  input: unknown,
): Promise<Result<JourneyBody>> {
  const { body, problems } = await journeyProblems(deps, input);
  if (!body) return err(validationFailed('the journey is not well formed', schemaIssues(problems)));
  if (problems.length > 0)
    return err(
      validationFailed(
        `the journey has ${problems.length} problem(s): ${problems[0]!.message}`,
        problems.map((p) => ({ path: p.path, message: p.message, code: p.code })),
      ),
    );
  return ok(body);
}

/** Saves a new journey (draft) with its body as version 1; its id and the version's id. */
export async function createJourney(
  deps: JourneyServiceDeps,
  actor: string,
  input: { name: string; body: unknown },
): Promise<Result<{ journeyId: number; versionId: number }>> {
  const checked = await checkJourney(deps, input.body);
  if (!checked.ok) return checked;
  const now = deps.clock.now();
  return ok(
    await deps.db.transaction().execute(async (tx) => {
      const journey = await tx
        .insertInto('journeys')
        .values({ name: input.name, created_by: actor, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const version = await tx
        .insertInto('journey_versions')
        .values({
          journey_id: journey.id,
          version: 1,
          body: JSON.stringify(checked.value),
          author: actor,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        actor,
        action: 'journey.create',
        entityType: 'journey',
        entityId: String(journey.id),
        details: { name: input.name },
        at: now,
      });
      return { journeyId: journey.id, versionId: version.id };
    }),
  );
}

const notFound = (id: number): Failure => ({ code: 'not_found', message: `no journey ${id}` });

/** Work inside the publish transaction (moving customers onto the published version): a failure rolls it back. */
export type WithinPublish = (
  tx: Transaction<Database>,
  version: { readonly id: number; readonly body: JourneyBody },
) => Promise<Result<void>>;

/** Carries a refusal out of a transaction, which it rolls back. */
class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * Publishes a journey's latest version: checked again, one campaign per send node (its content, purpose and channels;
 * run by the journey engine, never scheduled; a version published again keeps its campaigns), and the journey live on
 * it; `within` runs in the same transaction.
 */
export async function publishJourney(
  deps: JourneyServiceDeps,
  actor: string,
  journeyId: number,
  within?: WithinPublish,
): Promise<Result<{ versionId: number }>> {
  const latest = await deps.db
    .selectFrom('journey_versions as v')
    .innerJoin('journeys as j', 'j.id', 'v.journey_id')
    .select(['v.id', 'v.version', 'v.body', 'j.name', 'j.status'])
    .where('v.journey_id', '=', journeyId)
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return err(notFound(journeyId));
  if (latest.status === 'stopped')
    return err({ code: 'conflict', message: `journey ${journeyId} is stopped` });
  const checked = await checkJourney(deps, latest.body);
  if (!checked.ok) return checked;
  const now = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (tx) => {
      // Serialises publishes (and revisions) of one journey: the latest version read above is still the latest.
      const row = await tx
        .selectFrom('journeys')
        .select('status')
        .where('id', '=', journeyId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (row.status === 'stopped')
        throw new Refusal({ code: 'conflict', message: `journey ${journeyId} is stopped` });
      const owned = new Set(
        (
          await tx.selectFrom('journey_sends').select('node_id').where('version_id', '=', latest.id).execute()
        ).map((r) => r.node_id),
      );
      for (const node of checked.value.nodes)
        if (node.kind === 'send' && !owned.has(node.id))
          await sendCampaign(tx, {
            actor,
            now,
            journeyId,
            name: latest.name,
            versionId: latest.id,
            node,
            entry: checked.value.entry,
          });
      // Each split is an experiment (its units written by the engine as customers take an arm).
      await ensureSplitExperiments(tx, {
        journeyId,
        name: latest.name,
        version: latest.version,
        nodes: checked.value.nodes,
        actor,
        now,
      });
      if (within) {
        const done = await within(tx, { id: latest.id, body: checked.value });
        if (!done.ok) throw new Refusal(done.error);
      }
      await tx
        .updateTable('journey_versions')
        .set({ published_at: now })
        .where('id', '=', latest.id)
        .where('published_at', 'is', null)
        .execute();
      await tx
        .updateTable('journeys')
        .set({ status: 'live', current_version: latest.id, updated_at: now })
        .where('id', '=', journeyId)
        .execute();
      // Publishing a paused journey puts it live again: its sends' campaigns resume with it.
      if (row.status === 'paused') await controlSends(tx, deps.clock, actor, journeyId, 'resume');
      await recordAudit(tx, {
        actor,
        action: 'journey.publish',
        entityType: 'journey',
        entityId: String(journeyId),
        details: { versionId: latest.id },
        at: now,
      });
    });
  } catch (error) {
    if (error instanceof Refusal) return err(error.failure);
    throw error;
  }
  return ok({ versionId: latest.id });
}

/** The campaign a send node's messages travel through, owned by the journey and never scheduled. */
async function sendCampaign(
  tx: Transaction<Database>,
  input: {
    actor: string;
    now: Date;
    journeyId: number;
    name: string;
    versionId: number;
    node: Extract<JourneyBody['nodes'][number], { kind: 'send' }>;
    entry: JourneyBody['entry'];
  },
): Promise<void> {
  const { actor, now, node, entry } = input;
  // A service notice of a holding-date journey reads {{ reminder.* }}: each message carries its entry's due day.
  const reminder =
    entry.kind === 'date' && entry.field !== 'birthday' && node.purpose === 'service'
      ? { reminder: { kind: entry.field, daysBefore: entry.daysBefore } }
      : {};
  const name = `${input.name} · ${node.id}`;
  const campaignId = await createOwnedCampaign(tx, {
    owner: 'journey',
    name,
    purpose: node.purpose,
    // The campaign body the delivery path reads (purpose, content, channels); the journey is its population.
    body: {
      name,
      purpose: node.purpose,
      population: { rule: { all: [] } },
      content: node.content,
      channels: node.channels,
      schedule: { kind: 'now' },
      controlPercent: 0,
      ...reminder,
    },
    actor,
    decidedBy: `journey:${input.journeyId}`,
    now,
  });
  await tx
    .insertInto('journey_sends')
    .values({ version_id: input.versionId, node_id: node.id, campaign_id: campaignId })
    .execute();
}

const MOVES: Record<'pause' | 'resume' | 'stop', { from: JourneyStatus[]; to: JourneyStatus }> = {
  pause: { from: ['live'], to: 'paused' },
  resume: { from: ['paused'], to: 'live' },
  stop: { from: ['live', 'paused'], to: 'stopped' },
};

/**
 * Pauses (timers wait; nobody enters; its sends' queued messages wait), resumes (what fell due meanwhile goes on, the
 * queued messages go out) or stops a journey (everyone inside exits with reason 'stopped'; its sends' queued messages
 * are cancelled).
 */
export async function setJourneyStatus(
  deps: JourneyServiceDeps,
  actor: string,
  journeyId: number,
  action: keyof typeof MOVES,
): Promise<Result<{ status: JourneyStatus }>> {
  const move = MOVES[action];
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<{ status: JourneyStatus }>> => {
    const row = await tx
      .selectFrom('journeys')
      .select('status')
      .where('id', '=', journeyId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return err(notFound(journeyId));
    if (!move.from.includes(row.status))
      return err({ code: 'conflict', message: `journey ${journeyId} is ${row.status}: cannot ${action}` });
    await tx
      .updateTable('journeys')
      .set({ status: move.to, updated_at: now })
      .where('id', '=', journeyId)
      .execute();
    if (action === 'stop') {
      await exitEveryone(tx, journeyId, now, 'stopped');
      // Messages of its sends still queued go no further: the campaign engine's own cancel ends them and gives their
      // cap reservations back (a message a worker is sending right now finishes).
      await controlSends(tx, deps.clock, actor, journeyId, 'cancel');
    } else await controlSends(tx, deps.clock, actor, journeyId, action);
    await recordAudit(tx, {
      actor,
      action: `journey.${action}`,
      entityType: 'journey',
      entityId: String(journeyId),
      at: now,
    });
    return ok({ status: move.to });
  });
}

/**
 * Pauses, resumes or cancels the campaigns of every send node of a journey (all versions) through the campaign
 * engine's own control, in the caller's transaction: a paused campaign's runs are paused, so the delivery worker
 * claims none of their queued messages until it resumes.
 */
async function controlSends(
  tx: Transaction<Database>,
  clock: Clock,
  actor: string,
  journeyId: number,
  action: 'pause' | 'resume' | 'cancel',
): Promise<void> {
  const sends = await tx
    .selectFrom('journey_sends as s')
    .innerJoin('journey_versions as v', 'v.id', 's.version_id')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .select('s.campaign_id')
    .where('v.journey_id', '=', journeyId)
    .where('c.status', 'in', [...CONTROL_FROM[action]])
    .orderBy('s.campaign_id')
    .execute();
  for (const { campaign_id } of sends) {
    const done = await controlCampaignIn(tx, clock, actor, campaign_id, action);
    // The campaign row was locked by the control, its state read above in this transaction: it cannot refuse.
    if (!done.ok) throw new AppError('internal', `journey ${journeyId}: ${done.error.message}`);
  }
}

async function exitEveryone(
  tx: Transaction<Database>,
  journeyId: number,
  now: Date,
  reason: string,
): Promise<void> {
  await tx
    .updateTable('journey_memberships')
    .set({ state: 'exited', due_at: null, exited_at: now, exit_reason: reason })
    .where('journey_id', '=', journeyId)
    .where('state', 'in', ['active', 'waiting'])
    .execute();
}
