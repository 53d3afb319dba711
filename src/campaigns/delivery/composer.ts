import type { Kysely } from 'kysely';
import { businessCalendar, DEFAULT_TIME_ZONE, type BusinessCalendar } from '../../shared/clock.ts';
import { shiftDay } from '../../shared/day.ts';
import { holdingsDue, type DueHolding, type HoldingReminderKind } from '../../pool/reminders.ts';
import { reminderScope } from '../content/recipients.ts';
import { productTemplateScope } from '../content/preview.ts';
import type { Template } from 'liquidjs';
import type { Database } from '../../store/operational/database.ts';
import type { OutgoingMessage } from '../channels/channel.ts';
import type { ContentDraft, ContentType, VariantKind } from '../content/model.ts';
import { loadRecipients, tagLabels, type Recipient, type TagLabels } from '../content/recipients.ts';
import { parseTemplate, renderTemplate, templateTagKeys, type MessageScope } from '../content/template.ts';
import type { ContactChannel, Purpose } from '../policy/settings.ts';
import { trackLinks, type LinkTracking } from '../feedback/links.ts';
import { inviteeToken, inviteeUrl } from '../feedback/invitee-links.ts';
import type { ClaimedDelivery } from './queue.ts';

// Turns claimed deliveries into messages: the run's campaign version names the approved content version and the
// purpose; the channel names the variant and touchpoint; templates are parsed once per run and rendered per
// recipient. Consent is read again at send time, so an opt-out that arrived after the run was prepared still holds.

/** A channel as the composer needs it. */
export interface ChannelSpec {
  readonly key: string;
  readonly reaches: ContactChannel;
  readonly variant: VariantKind;
  /** One text for many customers (a WeCom group message): links are not tracked per delivery. */
  readonly sharedText?: boolean;
}

/** The message for a delivery, or why it is not sent after all. */
export type Composed =
  | { readonly key: string; readonly message: OutgoingMessage }
  | {
      readonly key: string;
      readonly suppressed: 'opted_out' | 'no_variant' | 'no_customer' | 'render_failed';
      readonly detail?: string;
    };

interface RunContext {
  readonly campaignId: number;
  readonly purpose: Purpose;
  readonly contentId: number;
  readonly contentVersion: number;
  readonly contentType: ContentType;
  readonly templates: Map<VariantKind, Map<string, Template[]>>;
  readonly tagLabels: TagLabels;
  readonly product?: MessageScope['product'];
  readonly bankName: string;
  /** A holding reminder's kind and the day its holdings fall due (the run's day + daysBefore). */
  readonly reminder?: { readonly kind: HoldingReminderKind; readonly dueOn: string };
  readonly activity?: RunBody['activity'];
}

/** What a run's campaign version must say for delivery. */
export interface RunBody {
  readonly purpose: Purpose;
  readonly content: { readonly id: number; readonly version: number };
  readonly reminder?: { readonly kind: HoldingReminderKind; readonly daysBefore: number };
  /** An activity's invitation: what the `activity` variables say (the RSVP link is each invitee's own). */
  readonly activity?: {
    readonly id: number;
    readonly name: string;
    readonly venue: string;
    readonly startsAt: string;
  };
}

/** Composes messages for claimed deliveries; contexts are cached per run. */
export class Composer {
  readonly #db: Kysely<Database>;
  readonly #channels: ReadonlyMap<string, ChannelSpec>;
  readonly #bankName: string;
  readonly #calendar: BusinessCalendar;
  readonly #links: LinkTracking | undefined;
  readonly #runs = new Map<number, Promise<RunContext>>();

  /**
   * `calendar`: the bank's business days (a holding reminder's due day is counted from the run's day); with `links`,
   * every link in a message becomes its tracked redirect (src/campaigns/feedback/links.ts).
   */
  constructor(
    db: Kysely<Database>,
    channels: ReadonlyMap<string, ChannelSpec>,
    bankName: string,
    calendar: BusinessCalendar = businessCalendar(DEFAULT_TIME_ZONE),
    links?: LinkTracking,
  ) {
    this.#links = links;
    this.#db = db;
    this.#channels = channels;
    this.#bankName = bankName;
    this.#calendar = calendar;
  }

  #context(runId: number): Promise<RunContext> {
    let context = this.#runs.get(runId);
    if (!context) {
      context = this.#load(runId);
      context.catch(() => this.#runs.delete(runId));
      this.#runs.set(runId, context);
    }
    return context;
  }

  async #load(runId: number): Promise<RunContext> {
    const run = await this.#db
      .selectFrom('campaign_runs as r')
      .innerJoin('campaign_versions as v', (j) =>
        j.onRef('v.campaign_id', '=', 'r.campaign_id').onRef('v.version', '=', 'r.version'),
      )
      .select(['r.campaign_id', 'r.prepared_at', 'v.body'])
      .where('r.id', '=', String(runId))
      .executeTakeFirstOrThrow();
    const body = run.body as unknown as RunBody;
    const content = await this.#db
      .selectFrom('content_versions')
      .select(['body', 'status'])
      .where('content_id', '=', body.content.id)
      .where('version', '=', body.content.version)
      .executeTakeFirstOrThrow();
    if (content.status !== 'approved')
      throw new Error(
        `content ${body.content.id} v${body.content.version} is ${content.status}, not approved`,
      );
    const draft = content.body as unknown as ContentDraft;
    const templates = new Map<VariantKind, Map<string, Template[]>>();
    const tagKeys = new Set<string>();
    for (const [kind, variant] of Object.entries(draft.variants) as [
      VariantKind,
      Record<string, unknown>,
    ][]) {
      const fields = new Map<string, Template[]>();
      // A nested part (a WeCom card) gives flat fields: card.title is `card_title`.
      const flat = Object.entries(variant).flatMap(([field, value]): [string, unknown][] =>
        value !== null && typeof value === 'object'
          ? Object.entries(value).map(([inner, v]): [string, unknown] => [`${field}_${inner}`, v])
          : [[field, value]],
      );
      for (const [field, value] of flat) {
        if (typeof value !== 'string') continue;
        // Approved content was checked against the catalogue when saved; here it is only parsed.
        const parsed = parseTemplate(field, value);
        fields.set(field, parsed);
        for (const key of templateTagKeys(parsed)) tagKeys.add(key);
      }
      templates.set(kind, fields);
    }
    const product = draft.productId
      ? await this.#db
          .selectFrom('products')
          .select(['name', 'category', 'annual_rate', 'term_days', 'risk_level', 'role'])
          .where('id', '=', draft.productId)
          .executeTakeFirst()
      : undefined;
    return {
      campaignId: run.campaign_id,
      purpose: body.purpose,
      contentId: body.content.id,
      contentVersion: body.content.version,
      contentType: draft.type,
      templates,
      tagLabels: await tagLabels(this.#db, [...tagKeys]),
      ...(product ? { product: productTemplateScope(product) } : {}),
      bankName: this.#bankName,
      ...(body.activity ? { activity: body.activity } : {}),
      ...(body.reminder && run.prepared_at
        ? {
            reminder: {
              kind: body.reminder.kind,
              dueOn: shiftDay(this.#calendar.dayOf(new Date(run.prepared_at)), body.reminder.daysBefore),
            },
          }
        : {}),
    };
  }

  /** The messages of a claimed batch (one run or several). */
  async compose(batch: readonly ClaimedDelivery[]): Promise<Composed[]> {
    const byRun = new Map<number, ClaimedDelivery[]>();
    for (const d of batch) {
      const list = byRun.get(d.runId);
      if (list) list.push(d);
      else byRun.set(d.runId, [d]);
    }
    const out: Composed[] = [];
    for (const [runId, deliveries] of byRun) {
      const context = await this.#context(runId);
      const ids = [...new Set(deliveries.map((d) => d.customerId))];
      const [recipients, revoked, due] = await Promise.all([
        loadRecipients(this.#db, ids, context.tagLabels),
        this.#revoked(ids, context.purpose),
        this.#holdingsDue(context, deliveries),
      ]);
      for (const d of deliveries) {
        const holding = due?.get(`${d.dueOn ?? context.reminder?.dueOn}:${d.customerId}`);
        const reminder =
          holding && context.reminder ? reminderScope(context.reminder.kind, holding) : undefined;
        out.push(this.#one(d, context, recipients.get(d.customerId), revoked, reminder));
      }
    }
    return out;
  }

  /**
   * The holdings the run's service notices are about, by `day:customer`: each message's own due day (a journey's, from
   * its customer's entry) or the run's (a reminder campaign's); null when the campaign is not a holding reminder.
   */
  async #holdingsDue(
    context: RunContext,
    deliveries: readonly ClaimedDelivery[],
  ): Promise<Map<string, DueHolding> | null> {
    if (!context.reminder) return null;
    const byDay = new Map<string, number[]>();
    for (const d of deliveries) {
      const day = d.dueOn ?? context.reminder.dueOn;
      const list = byDay.get(day);
      if (list) list.push(d.customerId);
      else byDay.set(day, [d.customerId]);
    }
    const out = new Map<string, DueHolding>();
    for (const [day, ids] of byDay)
      for (const [customerId, holding] of await holdingsDue(this.#db, context.reminder.kind, day, ids))
        out.set(`${day}:${customerId}`, holding);
    return out;
  }

  /** (customer, touchpoint) pairs whose consent for `purpose` is revoked now. */
  async #revoked(ids: readonly number[], purpose: Purpose): Promise<Set<string>> {
    const rows = await this.#db
      .selectFrom('consents')
      .select(['customer_id', 'channel'])
      .where('customer_id', 'in', ids)
      .where('purpose', '=', purpose)
      .where('status', '=', 'revoked')
      .execute();
    return new Set(rows.map((r) => `${r.customer_id}:${r.channel}`));
  }

  /** An invitation's activity variables for one invitee; without a link secret there is no RSVP link to give. */
  #activityScope(activity: NonNullable<RunBody['activity']>, customerId: number): MessageScope['activity'] {
    const when = new Date(activity.startsAt);
    return {
      name: activity.name,
      venue: activity.venue,
      starts_at: `${this.#calendar.dayOf(when)} ${this.#calendar.timeOfDay(when)}`,
      rsvp_url: this.#links
        ? inviteeUrl(this.#links.publicUrl, inviteeToken(this.#links.secret, 'rsvp', activity.id, customerId))
        : '',
    };
  }

  #one(
    d: ClaimedDelivery,
    context: RunContext,
    recipient: Recipient | undefined,
    revoked: ReadonlySet<string>,
    reminder: MessageScope['reminder'],
  ): Composed {
    const channel = this.#channels.get(d.channel);
    const key = d.idempotencyKey;
    if (!recipient) return { key, suppressed: 'no_customer' };
    if (!channel) return { key, suppressed: 'no_variant', detail: `channel ${d.channel} is not configured` };
    if (revoked.has(`${d.customerId}:${channel.reaches}`)) return { key, suppressed: 'opted_out' };
    const templates = context.templates.get(channel.variant);
    if (!templates)
      return { key, suppressed: 'no_variant', detail: `the content has no ${channel.variant} variant` };
    const scope: MessageScope = {
      ...recipient.scope,
      ...(context.product ? { product: context.product } : {}),
      ...(reminder ? { reminder } : {}),
      ...(context.activity ? { activity: this.#activityScope(context.activity, d.customerId) } : {}),
      bank: { name: context.bankName },
    };
    const fields: Record<string, string> = {};
    try {
      for (const [field, template] of templates) fields[field] = renderTemplate(template, scope);
    } catch (error) {
      return { key, suppressed: 'render_failed', detail: (error as Error).message.slice(0, 200) };
    }
    return {
      key,
      message: {
        idempotencyKey: key,
        campaignId: context.campaignId,
        runId: d.runId,
        contentId: context.contentId,
        contentVersion: context.contentVersion,
        contentType: context.contentType,
        productCategory: context.product ? String(context.product.category) : null,
        customerId: d.customerId,
        customerNo: recipient.customerNo,
        to: recipient.addresses[channel.reaches] ?? null,
        reaches: channel.reaches,
        purpose: context.purpose,
        variant: channel.variant,
        fields: this.#links && !channel.sharedText ? trackLinks(this.#links, key, fields) : fields,
        managerId: recipient.managerId,
      },
    };
  }
}
