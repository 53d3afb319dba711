import type { Kysely } from 'kysely';
import { maskEmail, maskName, maskPhone } from '../../pool/mask.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ContentDraft, VariantKind } from './model.ts';
import { loadRecipients, tagLabels } from './recipients.ts';
import { parseTemplate, renderTemplate, templateTagKeys, type MessageScope } from './template.ts';

// The editor's preview: a draft's variants rendered for one real customer of the bank, exactly as the composer will
// render them, then masked — the customer's name, phone and e-mail never leave in clear, wherever a template put them.

/** One variant rendered for the chosen customer, masked. */
export interface RenderedVariant {
  readonly variant: VariantKind;
  readonly fields: Record<string, string>;
  /** The address the message would go to on that touchpoint, masked; null when the customer has none. */
  readonly to: string | null;
}

/** The preview: who it was rendered for (masked) and each variant. */
export interface ContentPreview {
  readonly customer: {
    readonly customerNo: string;
    readonly name: string | null;
    readonly tier: string | null;
  };
  readonly variants: RenderedVariant[];
}

const TOUCHPOINT: Record<VariantKind, 'sms' | 'email' | 'app_push' | 'wecom' | null> = {
  sms: 'sms',
  email: 'email',
  app_push: 'app_push',
  wecom: 'wecom',
  manager_script: null,
};

/** The product a template reads as {{ product.* }}: its rate in percent (the store keeps a fraction, 0.026 → 2.6). */
export function productTemplateScope(p: {
  readonly name: string;
  readonly category: string;
  readonly annual_rate: number | string | null;
  readonly term_days: number | null;
  readonly risk_level: number | null;
  readonly role: string | null;
}): NonNullable<MessageScope['product']> {
  return {
    name: p.name,
    category: p.category,
    rate: p.annual_rate === null ? '' : Math.round(Number(p.annual_rate) * 1_000_000) / 10_000,
    term_days: p.term_days ?? '',
    risk_level: p.risk_level ?? '',
    role: p.role ?? '',
  };
}

async function productScope(db: Kysely<Database>, productId: string | undefined) {
  if (!productId) return undefined;
  const p = await db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  return p ? productTemplateScope(p) : undefined;
}

/** The bank's name as templates say it: the root of the org tree, without "head office". */
async function bankName(db: Kysely<Database>): Promise<string> {
  const root = await db
    .selectFrom('org_units')
    .select('name')
    .where('parent_id', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  return (root?.name ?? 'Bank').replace(/总行$|\s*head office$/i, '');
}

/** A customer's raw personal values, each with its mask. */
export function piiMasks(pii: {
  name: string | null;
  phone: string | null;
  email: string | null;
}): [string, string][] {
  const secrets: [string, string][] = [];
  if (pii.name) secrets.push([pii.name, maskName(pii.name)!]);
  if (pii.phone) secrets.push([pii.phone, maskPhone(pii.phone)!]);
  if (pii.email) secrets.push([pii.email, maskEmail(pii.email)!]);
  return secrets;
}

/** Replaces every raw personal value (`piiMasks`) in `text` with its mask. */
export function maskIn(text: string, secrets: readonly [string, string][]): string {
  let out = text;
  for (const [raw, masked] of secrets) if (raw.length > 1) out = out.split(raw).join(masked);
  return out;
}

/**
 * Renders a checked draft for customer `customerId` (or, when undefined, the bank's first customer); undefined when
 * there is no such customer.
 */
export async function previewContent(
  db: Kysely<Database>,
  draft: ContentDraft,
  customerId: number | undefined,
): Promise<ContentPreview | undefined> {
  const id =
    customerId ??
    (await db.selectFrom('customers').select('id').orderBy('id').limit(1).executeTakeFirst())?.id;
  if (id === undefined) return undefined;
  const parsed = Object.entries(draft.variants).map(([kind, variant]) => ({
    kind: kind as VariantKind,
    fields: Object.entries(variant ?? {}).flatMap(([field, value]) =>
      typeof value === 'string' ? [{ field, template: parseTemplate(field, value) }] : [],
    ),
  }));
  const keys = new Set(parsed.flatMap((v) => v.fields.flatMap((f) => templateTagKeys(f.template))));
  const [recipients, product, bank, pii] = await Promise.all([
    loadRecipients(db, [id], await tagLabels(db, [...keys])),
    productScope(db, draft.productId),
    bankName(db),
    db
      .selectFrom('customers')
      .select(['name', 'phone', 'email', 'tier'])
      .where('id', '=', id)
      .executeTakeFirst(),
  ]);
  const recipient = recipients.get(id);
  if (!recipient || !pii) return undefined;
  const secrets = piiMasks(pii);
  const scope: MessageScope = { ...recipient.scope, ...(product ? { product } : {}), bank: { name: bank } };
  return {
    customer: { customerNo: recipient.customerNo, name: maskName(pii.name), tier: pii.tier },
    variants: parsed.map(({ kind, fields }) => {
      const touchpoint = TOUCHPOINT[kind];
      const to = touchpoint ? (recipient.addresses[touchpoint] ?? null) : null;
      return {
        variant: kind,
        fields: Object.fromEntries(
          fields.map(({ field, template }) => [field, maskIn(renderTemplate(template, scope), secrets)]),
        ),
        to: to === null ? null : maskIn(to, secrets),
      };
    }),
  };
}
