import { sql, type Kysely, type Transaction } from 'kysely';
import { campaignAudience } from './audience.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Population } from '../contracts/population.ts';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, schemaIssues, validationFailed, type Failure, type Result } from '../shared/errors.ts';
import type { CampaignOwner, CampaignStatus } from '../store/operational/campaign-tables.ts';
import type { Database } from '../store/operational/database.ts';
import { parseTemplate, perCustomerVariables } from './content/template.ts';
import { campaignDraftSchema, type CampaignDraft } from './model.ts';
import { ENDED_COLUMNS, releaseCaps } from './policy/ledger.ts';
import { contactPolicy } from './policy/store.ts';
import { reviewVersion, type ReviewedTable, type ReviewStep } from './review.ts';
import { planForAudience } from './runs/prepare.ts';
import type { Waterfall } from './runs/plan.ts';
import type { ContactChannel } from './policy/settings.ts';
import type { VariantKind } from './content/model.ts';

// Campaigns: saved as versions (the author's draft, then maker-checker review); approving a version makes it the one
// new runs use, and a run keeps the version it started with. Pause holds a campaign's sending runs, resume releases
// them, cancel ends them (queued deliveries cancelled). Every change is audited in its transaction.

/** Resolves a population to its members on the latest business day (the segment service). */
export type AudienceResolver = (
  population: Population,
) => Promise<Result<{ bitmap: RoaringBitmap32; asOf: string }>>;

/** What the campaign service needs. */
export interface CampaignDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audience: AudienceResolver;
}

const CAMPAIGN_VERSIONS: ReviewedTable = {
  table: 'campaign_versions',
  owner: 'campaign_id',
  entity: 'campaign',
};

/** A campaign as clients see it. */
export interface CampaignView {
  readonly id: number;
  readonly name: string;
  readonly purpose: CampaignDraft['purpose'];
  readonly status: CampaignStatus;
  readonly latestVersion: number;
  readonly approvedVersion: number | null;
  readonly createdBy: string;
  readonly updatedAt: string;
}

const invalid = (path: (string | number)[], message: string): Failure =>
  validationFailed(message, [{ path, message }]);

/**
 * A campaign another engine runs (a journey's send node, an activity's invitation): approved as it is created, never
 * scheduled, not in the campaigns list; `body` is the version the delivery path reads (purpose, content, channels…).
 * Written in the caller's transaction; its id.
 */
export async function createOwnedCampaign(
  tx: Transaction<Database>,
  input: {
    owner: CampaignOwner;
    name: string;
    purpose: CampaignDraft['purpose'];
    body: Record<string, unknown>;
    actor: string;
    decidedBy: string;
    now: Date;
  },
): Promise<number> {
  const { now } = input;
  const campaign = await tx
    .insertInto('campaigns')
    .values({
      name: input.name.slice(0, 200),
      purpose: input.purpose,
      status: 'running',
      approved_version: 1,
      owned_by: input.owner,
      created_by: input.actor,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('campaign_versions')
    .values({
      campaign_id: campaign.id,
      version: 1,
      body: JSON.stringify(input.body),
      status: 'approved',
      author: input.actor,
      created_at: now,
      decided_by: input.decidedBy,
      decided_at: now,
    })
    .execute();
  return campaign.id;
}

/** The channels of the bank by key (enabled ones). */
export async function channelSpecs(
  db: Kysely<Database>,
): Promise<Map<string, { key: string; reaches: ContactChannel; variant: VariantKind; kind: string }>> {
  const rows = await db
    .selectFrom('channels')
    .select(['key', 'reaches', 'variant', 'kind'])
    .where('enabled', '=', true)
    .execute();
  // The table's check constraint admits only the variant kinds.
  return new Map(rows.map((r) => [r.key, { ...r, variant: r.variant as VariantKind }]));
}

/** Checks a draft: schema, an approved content version carrying every channel's variant, known channels. */
/**
 * Checks a draft: its shape, its approved content and channels, and — when `resolve` — that its population resolves
 * today (the rule checked against the catalogue, as a run will resolve it), so that a campaign whose audience could
 * never be resolved is refused when saved rather than failed at its first run.
 */
export async function checkCampaign(
  deps: CampaignDeps,
  input: unknown,
  resolve = false,
): Promise<Result<CampaignDraft>> {
  const { db } = deps;
  const parsed = campaignDraftSchema.safeParse(input);
  if (!parsed.success)
    return err(
      validationFailed(
        parsed.error.issues[0]?.message ?? 'invalid campaign',
        schemaIssues(parsed.error.issues),
      ),
    );
  const draft = parsed.data;
  if (resolve) {
    const members = await deps.audience(draft.population);
    if (!members.ok) return err({ ...members.error, message: `population: ${members.error.message}` });
  }
  const content = await db
    .selectFrom('content_versions')
    .select(['status', 'body'])
    .where('content_id', '=', draft.content.id)
    .where('version', '=', draft.content.version)
    .executeTakeFirst();
  if (!content)
    return err(invalid(['content'], `no version ${draft.content.version} of content ${draft.content.id}`));
  if (content.status !== 'approved')
    return err(
      invalid(
        ['content', 'version'],
        `content ${draft.content.id} v${draft.content.version} is ${content.status}; campaigns send approved content only`,
      ),
    );
  const variants = (content.body['variants'] ?? {}) as Record<string, unknown>;
  const channels = await channelSpecs(db);
  for (const [i, key] of draft.channels.entries()) {
    const channel = channels.get(key);
    if (!channel) return err(invalid(['channels', i], `no enabled channel ${key}`));
    if (!(channel.variant in variants))
      return err(
        invalid(
          ['channels', i],
          `channel ${key} sends the ${channel.variant} variant, which content ${draft.content.id} v${draft.content.version} does not have`,
        ),
      );
    // A WeCom group message carries one text to all of a manager's customers: a per-customer variable would make it
    // one message per customer, each waiting for the manager's confirmation.
    const personal = channel.kind === 'wecom_group' ? perCustomerText(variants[channel.variant]) : [];
    if (personal.length)
      return err(
        invalid(
          ['channels', i],
          `channel ${key} sends WeCom group messages, one text for all of a manager's customers; the ${channel.variant} variant of content ${draft.content.id} v${draft.content.version} reads ${personal.join(', ')}`,
        ),
      );
  }
  return ok(draft);
}

/** The per-customer variables of a variant's texts. */
function perCustomerText(variant: unknown): string[] {
  const texts = Object.entries((variant ?? {}) as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  return [...new Set(texts.flatMap(([field, text]) => perCustomerVariables(parseTemplate(field, text))))];
}

function view(row: CampaignRow): CampaignView {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    status: row.status,
    latestVersion: row.latest_version,
    approvedVersion: row.approved_version,
    createdBy: row.created_by,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
type CampaignRow = {
  id: number;
  name: string;
  purpose: 'marketing' | 'service';
  status: CampaignStatus;
  latest_version: number;
  approved_version: number | null;
  created_by: string;
  updated_at: Date | string;
};

/** The campaign row, locked for the rest of the caller's transaction; undefined when there is none. */
function lockCampaign(tx: Transaction<Database>, id: number) {
  return tx.selectFrom('campaigns').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Writes version `version` of a campaign (a draft) and its audit record, in the caller's transaction. */
async function writeVersion(
  tx: Transaction<Database>,
  id: number,
  version: number,
  draft: CampaignDraft,
  actor: string,
  now: Date,
  action: 'campaign.create' | 'campaign.update',
): Promise<void> {
  await tx
    .insertInto('campaign_versions')
    .values({ campaign_id: id, version, body: JSON.stringify(draft), author: actor, created_at: now })
    .execute();
  await recordAudit(tx, {
    actor,
    action,
    entityType: 'campaign',
    entityId: String(id),
    details: { version, name: draft.name },
    at: now,
  });
}

/** Creates a campaign with its first version (a draft). */
export async function createCampaign(
  deps: CampaignDeps,
  actor: string,
  input: unknown,
): Promise<Result<CampaignView>> {
  const checked = await checkCampaign(deps, input, true);
  if (!checked.ok) return checked;
  const draft = checked.value;
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const row = await tx
      .insertInto('campaigns')
      .values({
        name: draft.name,
        purpose: draft.purpose,
        created_by: actor,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeVersion(tx, row.id, 1, draft, actor, now, 'campaign.create');
    return ok(view(row));
  });
}

/** Saves a new version; runs already started keep theirs. */
export async function saveCampaignVersion(
  deps: CampaignDeps,
  actor: string,
  id: number,
  input: unknown,
): Promise<Result<CampaignView>> {
  const checked = await checkCampaign(deps, input, true);
  if (!checked.ok) return checked;
  const draft = checked.value;
  return deps.db.transaction().execute(async (tx) => {
    const current = await lockCampaign(tx, id);
    if (!current) return err({ code: 'not_found', message: `no campaign ${id}` });
    if (current.status === 'cancelled' || current.status === 'completed')
      return err({ code: 'conflict', message: `campaign ${id} is ${current.status}` });
    const now = deps.clock.now();
    const version = current.latest_version + 1;
    await writeVersion(tx, id, version, draft, actor, now, 'campaign.update');
    const row = await tx
      .updateTable('campaigns')
      .set({ latest_version: version, name: draft.name, purpose: draft.purpose, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return ok(view(row));
  });
}

/** Submits, approves or rejects a version; an approval makes it the version new runs use. */
export async function reviewCampaign(
  deps: CampaignDeps,
  actor: string,
  id: number,
  version: number,
  step: ReviewStep,
): Promise<Result<CampaignView>> {
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const reviewed = await reviewVersion(tx, CAMPAIGN_VERSIONS, id, version, actor, step, now);
    if (!reviewed.ok) return reviewed;
    const status = reviewed.value.status;
    const row = await tx
      .updateTable('campaigns')
      .set((eb) => {
        // A campaign's own status follows its first review only: a running campaign stays running.
        const from = (statuses: CampaignStatus[], to: CampaignStatus) =>
          eb.case().when('status', 'in', statuses).then(to).else(eb.ref('status')).end();
        return {
          updated_at: now,
          ...(status === 'approved'
            ? { approved_version: version, status: from(['draft', 'pending'], 'approved') }
            : status === 'pending'
              ? { status: from(['draft'], 'pending') }
              : {}),
        };
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return ok(view(row));
  });
}

/** Pauses, resumes or cancels a campaign and its runs in flight. */
export async function controlCampaign(
  deps: CampaignDeps,
  actor: string,
  id: number,
  action: 'pause' | 'resume' | 'cancel',
): Promise<Result<CampaignView>> {
  return deps.db.transaction().execute((tx) => controlCampaignIn(tx, deps.clock, actor, id, action));
}

/** The campaign states each control acts on. */
export const CONTROL_FROM: Readonly<Record<'pause' | 'resume' | 'cancel', readonly CampaignStatus[]>> = {
  pause: ['approved', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'pending', 'approved', 'running', 'paused'],
};

/**
 * `controlCampaign` inside the caller's transaction (a journey stopped cancels its send nodes' campaigns with it):
 * a cancel ends every queued delivery and gives its cap reservation back, audited.
 */
export async function controlCampaignIn(
  tx: Transaction<Database>,
  clock: Clock,
  actor: string,
  id: number,
  action: 'pause' | 'resume' | 'cancel',
): Promise<Result<CampaignView>> {
  const current = await lockCampaign(tx, id);
  if (!current) return err({ code: 'not_found', message: `no campaign ${id}` });
  if (!CONTROL_FROM[action].includes(current.status))
    return err({ code: 'conflict', message: `campaign ${id} is ${current.status}; it cannot ${action}` });
  const now = clock.now();
  const next: CampaignStatus = action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'cancelled';
  if (action === 'pause')
    await tx
      .updateTable('campaign_runs')
      .set({ status: 'paused' })
      .where('campaign_id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  if (action === 'resume')
    await tx
      .updateTable('campaign_runs')
      .set({ status: 'sending' })
      .where('campaign_id', '=', id)
      .where('status', '=', 'paused')
      .execute();
  if (action === 'cancel') {
    // A delivery being sent right now finishes; everything still queued is cancelled and gives its cap back.
    await sql`
      with cancelled as (
        update deliveries d set status = 'cancelled', updated_at = ${now}
         where d.status = 'queued'
           and d.run_id in (select r.id from campaign_runs r
                             where r.campaign_id = ${id} and r.status in ('preparing', 'sending', 'paused'))
        returning ${ENDED_COLUMNS}),
      released as (${releaseCaps('cancelled')})
      select count(*) from cancelled`.execute(tx);
    await tx
      .updateTable('campaign_runs')
      .set({ status: 'cancelled', finished_at: now })
      .where('campaign_id', '=', id)
      .where('status', 'in', ['preparing', 'sending', 'paused'])
      .execute();
  }
  const row = await tx
    .updateTable('campaigns')
    .set({ status: next, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    actor,
    action: `campaign.${action}`,
    entityType: 'campaign',
    entityId: String(id),
    at: now,
  });
  return ok(view(row));
}

/** The preview waterfall of a draft (or a saved version) now: what a run started now would send. */
export async function previewCampaign(
  deps: CampaignDeps,
  input: unknown,
  campaignId = 0,
): Promise<Result<Waterfall & { asOf: string }>> {
  const checked = await checkCampaign(deps, input);
  if (!checked.ok) return checked;
  const draft = checked.value;
  const members = await campaignAudience(deps, draft);
  if (!members.ok) return members;
  const channels = await channelSpecs(deps.db);
  const plan = await planForAudience(
    { db: deps.db, clock: deps.clock, policy: await contactPolicy(deps.db) },
    {
      campaignId,
      purpose: draft.purpose,
      channels: draft.channels.map((key) => ({ key, reaches: channels.get(key)!.reaches })),
      controlPercent: draft.controlPercent,
    },
    members.value.bitmap,
  );
  return ok({ ...plan.waterfall, asOf: members.value.asOf });
}

/** Campaigns, newest first (a journey's send campaigns are shown with their journey, not here). */
export async function listCampaigns(db: Kysely<Database>): Promise<CampaignView[]> {
  return (
    await db.selectFrom('campaigns').selectAll().where('owned_by', 'is', null).orderBy('id', 'desc').execute()
  ).map(view);
}

/** One campaign, or undefined. */
export async function getCampaign(db: Kysely<Database>, id: number): Promise<CampaignView | undefined> {
  const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? view(row) : undefined;
}
