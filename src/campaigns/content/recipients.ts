import type { Kysely } from 'kysely';
import type { Database } from '../../store/operational/database.ts';
import { loadTagSnapshot } from '../../tags/snapshot-store.ts';
import { tagValueCatalogue } from '../../tags/listing.ts';
import type { ContactChannel } from '../policy/settings.ts';
import type { MessageScope } from './template.ts';

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

/** Reads recipients by customer id; `tagKeys` are the tags the templates read (labels in Chinese, the demo bank's). */
export async function loadRecipients(
  db: Kysely<Database>,
  customerIds: readonly number[],
  tagKeys: readonly string[],
): Promise<Map<number, Recipient>> {
  if (customerIds.length === 0) return new Map();
  const [rows, snapshot, catalogue] = await Promise.all([
    db
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
      .execute(),
    tagKeys.length ? loadTagSnapshot(db, undefined, { keys: tagKeys }) : Promise.resolve(null),
    tagKeys.length ? tagValueCatalogue(db) : Promise.resolve(new Map()),
  ]);
  const out = new Map<number, Recipient>();
  for (const r of rows) {
    const tag: Record<string, string> = {};
    for (const [key, values] of snapshot?.tags ?? [])
      for (const [value, bitmap] of values)
        if (bitmap.has(r.id))
          tag[key] =
            catalogue.get(key)?.values.find((v: { value: string }) => v.value === value)?.label.zh ?? value;
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
