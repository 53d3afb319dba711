import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { addDays } from '../shared/day.ts';
import { err, ok, schemaIssues, validationFailed, type Result } from '../shared/errors.ts';
import { followUpSchema } from './model.ts';
import { lockActivity, type ActivityDeps } from './service.ts';

// Follow-up after a finished activity: a task to the owner of each attendee, lead or registered no-show the rule
// names, in the pool's task model (source 'activity', due in N business days' calendar days, the title with
// {activity} filled), once per activity and customer (delivery_key `activity:<id>:<customer>`), so running the rule
// again adds only who was missing. Customers without an owner are counted, not tasked.

/** What generating follow-ups did. */
export interface FollowUpReport {
  readonly eligible: number;
  readonly created: number;
  readonly noOwner: number;
  /** Tasked by an earlier run. */
  readonly already: number;
}

/** Generates the follow-up tasks of a finished activity by rule; audited with the counts. */
export async function generateFollowUps(
  deps: ActivityDeps,
  actor: string,
  activityId: number,
  input: unknown,
): Promise<Result<FollowUpReport>> {
  const parsed = followUpSchema.safeParse(input ?? {});
  if (!parsed.success)
    return err(validationFailed('the follow-up rule is not well formed', schemaIssues(parsed.error.issues)));
  const rule = parsed.data;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<FollowUpReport>> => {
    const locked = await lockActivity(
      tx,
      activityId,
      ['finished'],
      'generate follow-ups before it is finished',
    );
    if (!locked.ok) return locked;
    const title = rule.title.replaceAll('{activity}', locked.value.name).slice(0, 200);
    const { rows } = await sql<{ customer_id: number; manager_id: string | null; tasked: boolean }>`
      select i.customer_id, o.manager_id,
             exists (select 1 from tasks t where t.customer_id = i.customer_id
                       and t.delivery_key = 'activity:' || ${activityId} || ':' || i.customer_id) as tasked
        from activity_invitees i left join customer_owners o on o.customer_id = i.customer_id
       where i.activity_id = ${activityId}
         and ((${rule.who.includes('attendees')} and i.checked_in_at is not null and i.source <> 'lead')
           or (${rule.who.includes('leads')} and i.source = 'lead')
           or (${rule.who.includes('no_shows')} and i.registered_at is not null and i.checked_in_at is null))
       order by i.customer_id`.execute(tx);
    const due = addDays(deps.clock.dayOf(now), rule.dueDays);
    const toTask = rows.filter((r) => r.manager_id !== null && !r.tasked);
    if (toTask.length)
      await tx
        .insertInto('tasks')
        .values(
          toTask.map((r) => ({
            customer_id: r.customer_id,
            assignee_id: r.manager_id!,
            title,
            due_on: due,
            source: 'activity' as const,
            delivery_key: `activity:${activityId}:${r.customer_id}`,
            created_by: `activity:${activityId}`,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['customer_id', 'delivery_key']).where('delivery_key', 'is not', null).doNothing(),
        )
        .execute();
    const report = {
      eligible: rows.length,
      created: toTask.length,
      noOwner: rows.filter((r) => r.manager_id === null).length,
      already: rows.filter((r) => r.tasked).length,
    };
    await recordAudit(tx, {
      actor,
      action: 'activity.follow_up',
      entityType: 'activity',
      entityId: String(activityId),
      details: { ...report, rule },
      at: now,
    });
    return ok(report);
  });
}
