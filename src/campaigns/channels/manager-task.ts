import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { addDays, type Day } from '../../shared/day.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { recordSentDeliveries } from '../feedback/deliveries.ts';
import { endWaitingDeliveries, type WaitEnding } from '../delivery/queue.ts';
import type { ChannelSender, OutgoingMessage, SendOutcome } from './channel.ts';

// The manager_task channel: how most branches reach customers today. A message becomes a task in the owning account
// manager's workbench (src/pool tasks, source 'campaign') carrying the rendered manager script to forward. It counts
// as sent when the manager confirms the task (marks it done) and as failed when the task is cancelled or expires
// unconfirmed. The worker's first attempt creates the task (once per delivery: the task is keyed by the delivery's
// idempotency key) and asks to be tried again when the task expires; `settleManagerTasks` settles the deliveries of
// tasks done or cancelled before that (run it on the worker's tick). A customer without an owner fails with the reason.

/** Settings of a manager_task channel (its `config`): days the manager has to confirm, the creation day being day 0. */
export const managerTaskConfigSchema = z.object({ dueDays: z.int().min(0).max(30).default(3) }).strict();
export type ManagerTaskOptions = z.input<typeof managerTaskConfigSchema>;

/** The actor the tasks and their expiry are audited as. */
export const CAMPAIGN_TASK_ACTOR = 'system:campaign';

/** The instant a task due on `due` expires: the start of the next business day, in the bank's zone. */
const expiryOf = (clock: Clock, due: Day) => clock.startOf(addDays(due, 1));

type TaskRow = { id: string; status: 'open' | 'done' | 'cancelled'; due_on: string | null };

async function taskOf(db: Kysely<Database>, message: OutgoingMessage): Promise<TaskRow | undefined> {
  return (
    await sql<TaskRow>`select id::text as id, status, due_on::text as due_on from tasks
                        where customer_id = ${message.customerId} and delivery_key = ${message.idempotencyKey}`.execute(
      db,
    )
  ).rows[0];
}

/** Creates the task of a message, once per delivery, audited in its transaction. */
async function createTask(
  db: Kysely<Database>,
  clock: Clock,
  message: OutgoingMessage,
  managerId: string,
  dueDays: number,
): Promise<void> {
  const now = clock.now();
  const due = addDays(clock.today(), dueDays);
  await db.transaction().execute(async (tx) => {
    const campaign = await tx
      .selectFrom('campaigns')
      .select('name')
      .where('id', '=', message.campaignId)
      .executeTakeFirst();
    const created = await tx
      .insertInto('tasks')
      .values({
        customer_id: message.customerId,
        assignee_id: managerId,
        title: `活动「${campaign?.name ?? message.campaignId}」：请向客户转发话术`.slice(0, 200),
        notes: message.fields['text'] ?? '',
        due_on: due,
        source: 'campaign',
        delivery_key: message.idempotencyKey,
        created_by: CAMPAIGN_TASK_ACTOR,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['customer_id', 'delivery_key']).where('delivery_key', 'is not', null).doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    if (created)
      await recordAudit(tx, {
        actor: CAMPAIGN_TASK_ACTOR,
        action: 'task.create',
        entityType: 'task',
        entityId: String(created.id),
        details: {
          customerId: message.customerId,
          assigneeId: managerId,
          dueOn: due,
          delivery: message.idempotencyKey,
        },
        at: now,
      });
  });
}

/** Cancels an open task that expired unconfirmed (audited); false when it was no longer open. */
async function expireTask(db: Kysely<Database>, clock: Clock, taskId: string): Promise<boolean> {
  const now = clock.now();
  return db.transaction().execute(async (tx) => {
    const changed = await tx
      .updateTable('tasks')
      .set({ status: 'cancelled', completed_at: now, updated_at: now })
      .where('id', '=', Number(taskId))
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return false;
    await recordAudit(tx, {
      actor: CAMPAIGN_TASK_ACTOR,
      action: 'task.expire',
      entityType: 'task',
      entityId: taskId,
      at: now,
    });
    return true;
  });
}

/**
 * The manager_task channel's sender: a `builders.manager_task` of the worker's channel registry, e.g.
 * `(row) => managerTaskChannel(db, clock, managerTaskConfigSchema.parse(row.config))`.
 */
export function managerTaskChannel(
  db: Kysely<Database>,
  clock: Clock,
  options: ManagerTaskOptions = {},
): ChannelSender {
  const dueDays = options.dueDays ?? 3;
  const waitUntil = (due: string | null): SendOutcome => ({
    status: 'retry',
    reason: 'waiting for the account manager to confirm the task',
    retryAfterMs: Math.max(
      1000,
      expiryOf(clock, (due ?? clock.today()) as Day).getTime() - clock.now().getTime(),
    ),
  });
  return {
    kind: 'manager_task',
    async send(message) {
      if (!message.managerId) return { status: 'failed', reason: 'the customer has no account manager' };
      let task = await taskOf(db, message);
      if (!task) {
        await createTask(db, clock, message, message.managerId, dueDays);
        task = await taskOf(db, message);
        if (!task) return { status: 'retry', reason: 'the task could not be read back' };
      }
      if (
        task.status === 'open' &&
        task.due_on !== null &&
        clock.now() >= expiryOf(clock, task.due_on as Day) &&
        (await expireTask(db, clock, task.id))
      )
        return { status: 'failed', reason: `the task expired unconfirmed (due ${task.due_on})` };
      // Confirmed or cancelled, perhaps just now while it was being expired: as the task now says.
      task = (await taskOf(db, message)) ?? task;
      if (task.status === 'done') return { status: 'sent', providerId: `task:${task.id}` };
      if (task.status === 'cancelled') return { status: 'failed', reason: 'the task was cancelled' };
      return waitUntil(task.due_on);
    },
  };
}

/** Deliveries settled by `settleManagerTasks`. */
export interface ManagerTaskSettlement {
  readonly sent: number;
  readonly failed: number;
}

/**
 * Settles waiting manager-task deliveries whose task was confirmed (sent, with its message_sent event) or cancelled
 * (failed), and expires open tasks past their due day (failed). Only deliveries no worker holds change.
 */
export async function settleManagerTasks(deps: {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly events?: EventStore;
}): Promise<ManagerTaskSettlement> {
  const { db, clock } = deps;
  const now = clock.now();
  const expired = await sql<{ id: string }>`
    select t.id::text as id from tasks t
      join deliveries d on d.customer_id = t.customer_id and d.idempotency_key = t.delivery_key
     where t.source = 'campaign' and t.status = 'open' and t.due_on < ${clock.today()}::date
       and d.status = 'queued'`.execute(db);
  for (const t of expired.rows) await expireTask(db, clock, t.id);
  // A task cancelled or expired unconfirmed never reached the customer: ending its delivery gives its cap back.
  const finished = await sql<{ key: string; id: string; status: string; completed_at: Date | null }>`
    select d.idempotency_key as key, t.id::text as id, t.status, t.completed_at
      from tasks t join deliveries d on d.customer_id = t.customer_id and d.idempotency_key = t.delivery_key
     where t.status in ('done', 'cancelled') and d.status = 'queued'`.execute(db);
  const endings = finished.rows.map((r): WaitEnding =>
    r.status === 'done'
      ? {
          key: r.key,
          status: 'sent',
          at: new Date(r.completed_at ?? now),
          providerId: `task:${r.id}`,
          error: null,
        }
      : {
          key: r.key,
          status: 'failed',
          at: now,
          providerId: `task:${r.id}`,
          error: 'the task was cancelled or expired unconfirmed',
        },
  );
  const ended = new Set(await endWaitingDeliveries(db, now, endings));
  const settled = endings.filter((e) => ended.has(e.key));
  const sent = settled.filter((e) => e.status === 'sent');
  if (deps.events)
    await recordSentDeliveries(
      db,
      deps.events,
      sent.map((e) => ({ key: e.key, at: e.at })),
    );
  return { sent: sent.length, failed: settled.length - sent.length };
}
