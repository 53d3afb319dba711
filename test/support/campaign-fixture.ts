import { sql, type Kysely } from 'kysely';
import {
  DEFAULT_CONTACT_POLICY,
  type ContactChannel,
  type ContactPolicy,
  type Purpose,
} from '../../src/campaigns/policy/settings.ts';
import type { Waterfall } from '../../src/campaigns/runs/plan.ts';
import { prepareRun } from '../../src/campaigns/runs/prepare.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import type { VariantKind } from '../../src/campaigns/content/model.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';

// A small bank for campaign tests: customers with names, phones and consents, a wealth product, an approved product
// post, and channels. Customers whose id is a multiple of 10 revoked SMS marketing (their SMS service consent stands);
// multiples of 7 never answered either.

/** Configures a channel; by default it reaches customers' phones with the SMS variant. */
export async function addChannel(
  db: Kysely<Database>,
  clock: Clock,
  c: {
    key: string;
    kind: 'webhook' | 'outbox' | 'sms' | 'email' | 'manager_task' | 'wecom_group';
    config?: Record<string, unknown>;
    reaches?: ContactChannel;
    variant?: VariantKind;
  },
): Promise<void> {
  await db
    .insertInto('channels')
    .values({
      key: c.key,
      kind: c.kind,
      reaches: c.reaches ?? 'sms',
      variant: c.variant ?? 'sms',
      config: JSON.stringify(c.config ?? {}),
      updated_by: 'test',
      updated_at: clock.now(),
    })
    .execute();
}

/** Seeds `n` customers (ids 1..n), consents, a product, channels; returns the approved content's id. */
export async function seedCampaignBank(
  db: Kysely<Database>,
  clock: Clock,
  n: number,
  channels: {
    key: string;
    kind: 'webhook' | 'outbox' | 'sms' | 'email' | 'manager_task';
    config?: Record<string, unknown>;
  }[],
): Promise<{ contentId: number }> {
  await db.insertInto('org_units').values({ id: 'HO', name: '总行', kind: 'head_office' }).execute();
  // Generated in SQL: a million customers take seconds, not the minutes row-by-row parameters would.
  await sql`
    insert into customers (id, customer_no, name, gender, phone, tier, org_unit_id)
    select id, 'K' || lpad(id::text, 7, '0'),
           substr('王李张刘陈', id % 5 + 1, 1) || substr('伟芳娜敏静', id % 3 + 1, 1),
           case when id % 2 = 1 then 'M' else 'F' end, '138' || lpad(id::text, 8, '0'), 'gold', 'HO'
      from generate_series(1, ${n}::int) as id`.execute(db);
  await sql`
    insert into consents (customer_id, channel, status, source, updated_at)
    select id, 'sms', case when id % 10 = 0 then 'revoked' else 'granted' end, 'import', ${clock.now()}::timestamptz
      from generate_series(1, ${n}::int) as id
     where id % 7 <> 0`.execute(db);
  // Service notices have their own consent, which the marketing opt-outs kept.
  await sql`
    insert into consents (customer_id, channel, purpose, status, source, updated_at)
    select id, 'sms', 'service', 'granted', 'import', ${clock.now()}::timestamptz
      from generate_series(1, ${n}::int) as id
     where id % 7 <> 0`.execute(db);
  await db
    .insertInto('products')
    .values({ id: 'WM-90', name: '稳健90天', category: 'wealth', role: 'profit', annual_rate: 0.0285 })
    .execute();
  for (const c of channels) await addChannel(db, clock, c);
  const created = await createContent({ db, clock }, 'user:author', {
    type: 'product',
    title: 'Morning post',
    productId: 'WM-90',
    variants: {
      sms: {
        text: '{{ customer.surname }}{{ customer.salutation }}，{{ product.name }}年化{{ product.rate }}%',
      },
    },
  });
  if (!created.ok) throw new Error(created.error.message);
  const id = created.value.contentId;
  await reviewContent({ db, clock }, 'user:author', id, 1, { action: 'submit' });
  await reviewContent({ db, clock }, 'user:checker', id, 1, { action: 'approve' });
  return { contentId: id };
}

/**
 * An approved campaign with one run prepared on the whole bank (every customer in the audience, no control group,
 * no holdout): what preparing a run writes. Returns the run id, the waterfall and the number queued.
 */
export async function queueCampaignRun(
  db: Kysely<Database>,
  clock: Clock,
  contentId: number,
  channel: string,
  options: {
    policy?: ContactPolicy;
    controlPercent?: number;
    purpose?: Purpose;
    reaches?: ContactChannel;
    name?: string;
  } = {},
): Promise<{ runId: number; queued: number; waterfall: Waterfall }> {
  const now = clock.now();
  const purpose = options.purpose ?? 'marketing';
  const campaign = await db
    .insertInto('campaigns')
    .values({
      name: options.name ?? 'Morning post',
      purpose,
      status: 'running',
      approved_version: 1,
      created_by: 'user:author',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('campaign_versions')
    .values({
      campaign_id: campaign.id,
      version: 1,
      body: JSON.stringify({
        purpose,
        content: { id: contentId, version: 1 },
        channels: [channel],
        population: { rule: { all: [] } },
        // Ran once, at approval (the run below): a worker's scheduler finds nothing more due.
        schedule: { kind: 'now' },
        controlPercent: options.controlPercent ?? 0,
      }),
      status: 'approved',
      author: 'user:author',
      created_at: now,
      decided_by: 'user:checker',
      decided_at: now,
    })
    .execute();
  const run = await db
    .insertInto('campaign_runs')
    .values({ campaign_id: campaign.id, version: 1, slot: now, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids = (await db.selectFrom('customers').select('id').execute()).map((r) => r.id);
  const waterfall = await prepareRun(
    { db, clock, policy: options.policy ?? { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0 } },
    {
      runId: Number(run.id),
      campaignId: campaign.id,
      purpose,
      channels: [{ key: channel, reaches: options.reaches ?? 'sms' }],
      controlPercent: options.controlPercent ?? 0,
    },
    new RoaringBitmap32(ids),
    clock.today(),
  );
  return { runId: Number(run.id), queued: waterfall.toSend, waterfall };
}

/**
 * The cap ledger as a run left it: messages counted for its customers on its cap day and touchpoints (`reserved`),
 * against its deliveries that did not end unsent (`live`). They are equal when every unsent ending gave its
 * reservation back and no other run reserved the same customers that day.
 */
export async function capLedgerOf(
  db: Kysely<Database>,
  runId: number,
): Promise<{ reserved: number; live: number }> {
  const { rows } = await sql<{ reserved: number; live: number }>`
    select (select coalesce(sum(l.messages), 0)::int
              from contact_ledger l join campaign_runs r on l.day = r.cap_day
             where r.id = ${runId}
               and (l.customer_id, l.reaches) in (select d.customer_id, d.consent ->> 'reaches'
                                                    from deliveries d where d.run_id = ${runId})) as reserved,
           (select count(*)::int from deliveries d
             where d.run_id = ${runId} and d.status not in ('failed', 'dead', 'suppressed', 'cancelled')) as live`.execute(
    db,
  );
  return rows[0]!;
}
