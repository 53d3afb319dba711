// The account managers' last month in the demo bank: contacts logged (calls to customers who allow calls, WeCom chats
// with WeCom friends, branch visits), follow-up tasks from some of them (most of the past ones done, a few overdue),
// so the workbench, coverage and timeline pages show a bank at work on first start. Deterministic under the seed;
// contacts carry external ids, so seeding twice changes nothing.
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { calendarDayNumber, dayOfNumber } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import type { InteractionChannel, InteractionOutcome } from '../store/operational/pool-tables.ts';
import { logInteractions, type InteractionInput } from '../pool/interactions.ts';
import { beijingMs } from './calendar.ts';
import { Rng } from './random.ts';

/** What the seeding of the managers' month wrote. */
export interface DemoPoolWork {
  readonly contacts: number;
  readonly tasks: number;
  readonly tasksDone: number;
  /** Contacts the bank's own checks refused (none expected: each is on a channel the customer allows). */
  readonly refused: number;
}

// One customer in this many owned customers was contacted in the last month (coverage about 8%, a branch's pace).
const SAMPLE_EVERY = 13;
const DAYS = 30;
const BATCH = 500;

const SUMMARIES: Readonly<Record<InteractionChannel, readonly string[]>> = {
  call: ['到期提醒，客户考虑续存', '介绍新发理财产品', '回访近期大额转出', '确认联系方式与风险测评'],
  wecom_chat: ['推送基金周报，客户询问费率', '解答手机银行转账限额', '发送理财沙龙邀请'],
  visit: ['网点面谈，资产配置建议', '协助办理定期续存', '面谈了解家庭保障需求'],
  sms: [],
  email: [],
  event_attendance: ['参加理财沙龙'],
};
const NEXT_STEPS = ['回访产品意向', '发送产品说明书', '预约网点面谈', '确认到期资金安排'];
const OUTCOMES: readonly InteractionOutcome[] = ['positive', 'positive', 'neutral', 'neutral', 'no_response'];

interface Candidate {
  readonly id: number;
  readonly customer_no: string;
  readonly manager_id: string;
  readonly wecom_friend: boolean;
  readonly calls_allowed: boolean;
}

/** A contact on a channel the customer allows: a call with phone consent, a chat with a WeCom friend, else a visit. */
function contactOf(c: Candidate, rng: Rng, asOfDay: number, k: number): InteractionInput {
  const channel: InteractionChannel =
    c.calls_allowed && rng.chance(0.55)
      ? 'call'
      : c.wecom_friend && rng.chance(0.7)
        ? 'wecom_chat'
        : rng.chance(0.9)
          ? 'visit'
          : 'event_attendance';
  const day = asOfDay - rng.int(1, DAYS);
  const summaries = SUMMARIES[channel];
  // Follow-ups fall from a week before the contact's day to two weeks after today: some are past, some to come.
  const followUp = rng.chance(0.3) ? Math.min(day + rng.int(2, 10), asOfDay + 14) : null;
  return {
    customerNo: c.customer_no,
    channel,
    direction: channel === 'wecom_chat' && rng.chance(0.3) ? 'in' : 'out',
    summary: summaries[rng.int(0, summaries.length - 1)] ?? null,
    outcome: OUTCOMES[rng.int(0, OUTCOMES.length - 1)] ?? 'neutral',
    nextStep: followUp === null ? null : (NEXT_STEPS[rng.int(0, NEXT_STEPS.length - 1)] ?? null),
    // branch hours, 09:00–17:30 Beijing
    at: new Date(beijingMs(day, 9 * 3600 + rng.int(0, 8.5 * 3600))).toISOString(),
    staffId: c.manager_id,
    externalId: `demo-contact-${c.id}-${k}`,
    followUpOn: followUp === null ? null : dayOfNumber(followUp),
  };
}

/** Seeds the managers' last month up to `asOf` (contacts, follow-up tasks, most past tasks done). */
export async function seedDemoPoolWork(
  deps: { db: Kysely<Database>; clock: Clock },
  options: { asOf: string; seed: string; timeZone: string },
): Promise<DemoPoolWork> {
  const { asOf, seed, timeZone } = options;
  const candidates = await sql<Candidate>`
    select c.id, c.customer_no, o.manager_id, c.wecom_friend,
           exists (select 1 from consents k
                    where k.customer_id = c.id and k.channel = 'phone' and k.status = 'granted') as calls_allowed
      from customers c join customer_owners o on o.customer_id = c.id
     where o.manager_id is not null and c.id % ${SAMPLE_EVERY} = 0
     order by c.id`.execute(deps.db);
  const asOfDay = calendarDayNumber(asOf);
  if (asOfDay === undefined) throw new Error(`demo pool work: not a day: ${asOf}`);
  const rows: InteractionInput[] = [];
  for (const c of candidates.rows) {
    const rng = Rng.for(seed, 'pool-work', c.id);
    const contacts = rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < contacts; k++) rows.push(contactOf(c, rng, asOfDay, k));
  }
  // Logged as the system on each manager's behalf, in the bank's own path (last contact kept, audited per batch).
  const author = {
    actor: 'system:demo',
    scope: { kind: 'all' } as const,
    staffId: null,
    ownContactsOnly: false,
  };
  let contacts = 0;
  let tasks = 0;
  let refused = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const results = await logInteractions(deps, author, rows.slice(i, i + BATCH));
    for (const r of results)
      if (r.status === 'created') {
        contacts++;
        if (r.taskId !== null) tasks++;
      } else if (r.status === 'rejected') refused++;
  }
  // Most follow-ups that fell due are done by now; the rest stay open as the overdue ones a workbench shows.
  const done = await sql<{ n: number }>`
    with closed as (
      update tasks set status = 'done', completed_at = (due_on + time '16:00') at time zone ${timeZone},
                       updated_at = now()
       where source = 'interaction' and status = 'open' and created_by = 'system:demo'
         and due_on < ${asOf}::date and id % 5 <> 0
      returning 1)
    select count(*)::int as n from closed`.execute(deps.db);
  return { contacts, tasks, tasksDone: done.rows[0]?.n ?? 0, refused };
}
