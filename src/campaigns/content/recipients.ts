import type { Kysely } from 'kysely';
import type { Database } from '../../store/operational/database.ts';
import { loadTagSnapshot } from '../../tags/snapshot-store.ts';
import { tagValueCatalogue } from '../../tags/listing.ts';
import type { ContactChannel } from '../policy/settings.ts';
import type { MessageScope } from './template.ts';
import type { DueHolding, HoldingReminderKind } from '../../pool/reminders.ts';

// What a message needs to know about its recipients, read in bulk for a batch: the template variables (customer,
// owning manager, tag values as labels in the bank's language) and each touchpoint's address.

/** One recipient: template scope, addresses per touchpoint, owner. */
export interface Recipient {
  readonly customerId: number;
  readonly customerNo: string;
  readonly scope: Omit<MessageScope, 'product' | 'link' | 'bank'>;
  readonly addresses: Readonly<Partial<Record<ContactChannel, string>>>;
  readonly managerId: string | null;
}

const TIER_ZH: Record<string, string> = {
  mass: '大众',
  gold: '金卡',
  platinum: '白金',
  diamond: '钻石',
  private: '私行',
};
const SALUTATION: Record<string, string> = { M: '先生', F: '女士' };

/** A customer's tag values as templates read them: tag key → label. */
export type TagLabels = (customerId: number) => Record<string, string>;

/**
 * The labels of `tagKeys` for any customer, from the latest tag snapshot read once (labels in Chinese, the demo
 * bank's): built once per run, not per batch, since a snapshot's bitmaps do not change under a run.
 */
export async function tagLabels(db: Kysely<Database>, tagKeys: readonly string[]): Promise<TagLabels> {
  if (tagKeys.length === 0) return () => ({});
  const [snapshot, catalogue] = await Promise.all([
    loadTagSnapshot(db, undefined, { keys: tagKeys }),
    tagValueCatalogue(db),
  ]);
  const values = [...(snapshot?.tags ?? [])].flatMap(([key, byValue]) =>
    [...byValue].map(([value, bitmap]) => ({
      key,
      bitmap,
      label: catalogue.get(key)?.values.find((v) => v.value === value)?.label.zh ?? value,
    })),
  );
  return (customerId) => {
    const tag: Record<string, string> = {};
    for (const v of values) if (v.bitmap.has(customerId)) tag[v.key] = v.label;
    return tag;
  };
}

/** Reads recipients by customer id, with the tag values `labels` gives. */
export async function loadRecipients(
  db: Kysely<Database>,
  customerIds: readonly number[],
  labels: TagLabels,
): Promise<Map<number, Recipient>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers as c')
    .leftJoin('org_units as o', 'o.id', 'c.org_unit_id')
    .leftJoin('customer_owners as w', 'w.customer_id', 'c.id')
    .leftJoin('staff as s', 's.id', 'w.manager_id')
    .select([
      'c.id',
      'c.customer_no',
      'c.name',
      'c.gender',
      'c.tier',
      'c.city',
      'c.phone',
      'c.email',
      'c.wecom_external_userid',
      'o.name as branch',
      'w.manager_id',
      's.name as manager_name',
      's.phone as manager_phone',
    ])
    .where('c.id', 'in', customerIds)
    .execute();
  const out = new Map<number, Recipient>();
  for (const r of rows) {
    const tag = labels(r.id);
    const name = r.name ?? '';
    out.set(r.id, {
      customerId: r.id,
      customerNo: r.customer_no,
      scope: {
        customer: {
          name,
          surname: [...name][0] ?? '',
          salutation: SALUTATION[r.gender ?? ''] ?? '',
          tier: TIER_ZH[r.tier ?? ''] ?? r.tier ?? '',
          city: r.city ?? '',
          branch: r.branch ?? '',
        },
        ...(r.manager_name ? { manager: { name: r.manager_name, phone: r.manager_phone ?? '' } } : {}),
        tag,
      },
      addresses: {
        ...(r.phone ? { sms: r.phone, phone: r.phone } : {}),
        ...(r.email ? { email: r.email } : {}),
        ...(r.wecom_external_userid ? { wecom: r.wecom_external_userid } : {}),
        app_push: r.customer_no,
      },
      managerId: r.manager_id,
    });
  }
  return out;
}

const REMINDER_ZH: Record<HoldingReminderKind, string> = {
  deposit_maturity: '定期存款到期',
  insurance_renewal: '保险续期缴费',
  loan_repayment: '贷款还款',
  fund_auto_investment: '基金定投扣款',
};

/** A holding reminder as templates read it ({{ reminder.due_date }}, …), in the bank's language. */
export function reminderScope(
  kind: HoldingReminderKind,
  due: DueHolding,
): NonNullable<MessageScope['reminder']> {
  return {
    kind: REMINDER_ZH[kind],
    due_date: due.dueOn,
    products: due.products,
    amount: due.amount.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    account_last4: due.accountLast4,
  };
}
