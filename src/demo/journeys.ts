import type { Kysely } from 'kysely';
import { createContent, reviewContent } from '../campaigns/content/library.ts';
import type { JourneyBody } from '../journeys/model.ts';
import { createJourney, publishJourney } from '../journeys/service.ts';
import { reviewPlan, savePlan } from '../ogsm/service.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';

// The demo bank's live journey, so the Journeys area moves on first start: customers whose time deposit matures in
// seven days enter (the journey tick takes today's at once), half get an SMS at once and half a push a day later, then
// after three days their account manager is asked to call; a purchase ends the journey (the goal), 10% are held out.
// It carries an OGSM plan, and the demo's first finished campaign carries a reviewed one, so both review pages have
// something to read.

const AUTHOR = 'user:demo-ops';
const CHECKER = 'user:demo-compliance';

/** The journey's body, on the demo's approved notice and its SMS and push channels. */
export function demoMaturityJourney(content: { id: number; version: number }): JourneyBody {
  return {
    entry: { kind: 'date', field: 'deposit_maturity', daysBefore: 7 },
    start: 'split_1',
    nodes: [
      {
        id: 'split_1',
        kind: 'split',
        arms: [
          { key: 'a', share: 50 },
          { key: 'b', share: 50 },
        ],
      },
      { id: 'send_sms', kind: 'send', content, channels: ['sms'], purpose: 'service' },
      { id: 'wait_b', kind: 'wait', duration: { days: 1 } },
      { id: 'send_push', kind: 'send', content, channels: ['app_push', 'sms'], purpose: 'service' },
      { id: 'wait_3d', kind: 'wait', duration: { days: 3 } },
      { id: 'call', kind: 'task', title: '联系定期存款即将到期的客户，了解续存意向', dueDays: 2 },
      { id: 'done', kind: 'exit' },
    ],
    edges: [
      { from: 'split_1', exit: 'a', to: 'send_sms' },
      { from: 'split_1', exit: 'b', to: 'wait_b' },
      { from: 'wait_b', exit: 'next', to: 'send_push' },
      { from: 'send_sms', exit: 'next', to: 'wait_3d' },
      { from: 'send_push', exit: 'next', to: 'wait_3d' },
      { from: 'wait_3d', exit: 'next', to: 'call' },
      { from: 'call', exit: 'next', to: 'done' },
    ],
    reentry: { kind: 'afterDays', days: 180 },
    controlPercent: 10,
    goal: { event: 'purchase' },
  };
}

/** Seeds the live journey and the two OGSM plans (once: nothing when a journey exists); the journey's id. */
export async function seedDemoJourney(deps: {
  db: Kysely<Database>;
  clock: Clock;
}): Promise<{ journeyId: number } | null> {
  const existing = await deps.db.selectFrom('journeys').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const created = await createContent(deps, AUTHOR, {
    type: 'category',
    title: '定期存款到期前一周关怀',
    variants: {
      sms: {
        text: '【{{ bank.name }}】{{ customer.surname }}{{ customer.salutation }}，您尾号{{ reminder.account_last4 }}的{{ reminder.products }}（{{ reminder.amount }}元）将于{{ reminder.due_date }}到期，可提前安排续存，或咨询您的客户经理了解稳健理财。',
      },
      app_push: {
        title: '您的定期存款即将到期',
        body: '{{ customer.surname }}{{ customer.salutation }}，您的{{ reminder.products }}将于{{ reminder.due_date }}到期，点击查看续存与稳健理财方案。',
      },
    },
  });
  if (!created.ok) throw new Error(`demo journey content: ${created.error.message}`);
  const content = { id: created.value.contentId, version: 1 };
  await reviewContent(deps, AUTHOR, content.id, 1, { action: 'submit' });
  const approved = await reviewContent(deps, CHECKER, content.id, 1, { action: 'approve' });
  if (!approved.ok) throw new Error(`demo journey content: ${approved.error.message}`);

  const journey = await createJourney(deps, AUTHOR, {
    name: '定期存款到期 T−7 关怀',
    body: demoMaturityJourney(content),
  });
  if (!journey.ok) throw new Error(`demo journey: ${journey.error.message}`);
  const { journeyId } = journey.value;
  const published = await publishJourney(deps, AUTHOR, journeyId);
  if (!published.ok) throw new Error(`demo journey: ${published.error.message}`);

  // Targets scale with the demo bank's size (FLYWHEEL_DEMO_CUSTOMERS): per 100,000 customers, 300 journey buyers in
  // 30 days and 800 campaign buyers in 7.
  const { n } = await deps.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const perBank = (per100k: number) => Math.max(10, Math.round((Number(n) / 100_000) * per100k));
  const plan = await savePlan(
    deps,
    AUTHOR,
    { kind: 'journey', id: journeyId },
    {
      objective: '到期客户的资金留在本行：到期前一周触达，到期前完成续存或转购理财',
      goals: [
        {
          id: 'converted',
          metric: 'conversions',
          target: perBank(300),
          windowDays: 30,
          text: '30 天内完成购买的客户数',
        },
        { id: 'rate', metric: 'conversion_rate', target: 0.08, windowDays: 30, text: '转化率 8%' },
      ],
      strategies: [
        { id: 'push-later', text: 'B 组晚一天用 App 推送，检验触达时机' },
        { id: 'call', text: '三天后由客户经理电话跟进' },
      ],
      measures: ['reached'],
    },
  );
  if (!plan.ok) throw new Error(`demo journey OGSM: ${plan.error.message}`);
  // The team's first review, written after the pilot weeks of this journey (it goes on running).
  const journeyReview = await reviewPlan(
    deps,
    CHECKER,
    { kind: 'journey', id: journeyId },
    {
      scores: [
        { id: 'push-later', score: 3, note: '试点期 B 组晚一天推送，打开率略高，转化差异尚不显著' },
        { id: 'call', score: 4, note: '客户经理电话跟进的客户续存意愿明显更高' },
      ],
      lesson: '到期提醒要与客户经理跟进配合；下一版对高资产客户改为先电话、后短信。',
    },
  );
  if (!journeyReview.ok) throw new Error(`demo journey OGSM review: ${journeyReview.error.message}`);

  // The first finished campaign's plan, already reviewed: the lesson the team wrote.
  const campaign = await deps.db
    .selectFrom('campaigns')
    .select('id')
    .where('owned_by', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (campaign) {
    const subject = { kind: 'campaign' as const, id: campaign.id };
    const saved = await savePlan(deps, AUTHOR, subject, {
      objective: '以产品推文带动理财首购',
      goals: [
        {
          id: 'buyers',
          metric: 'conversions',
          target: perBank(800),
          windowDays: 7,
          text: '7 天内完成购买的客户数',
        },
      ],
      strategies: [
        { id: 'morning', text: '工作日早 9 点发送' },
        { id: 'rate', text: '文案突出年化收益' },
      ],
    });
    if (!saved.ok) throw new Error(`demo campaign OGSM: ${saved.error.message}`);
    const reviewed = await reviewPlan(deps, CHECKER, subject, {
      scores: [
        { id: 'morning', score: 4, note: '早间打开率高于午间' },
        { id: 'rate', score: 3, note: '对稳健型客户有效，对进取型一般' },
      ],
      lesson: '产品推文对已有理财持仓的客户提升明显；下次按风险偏好分组撰写文案。',
    });
    if (!reviewed.ok) throw new Error(`demo campaign OGSM review: ${reviewed.error.message}`);
  }
  return { journeyId };
}
