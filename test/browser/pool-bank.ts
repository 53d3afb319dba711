import { sql } from 'kysely';
import { adoptOwnersFromAttributes } from '../../src/pool/ownership.ts';
import type { Stores } from '../../src/store/stores.ts';

// The customer pool on top of the small bank: four account managers in BR01 and their customers (owners adopted
// from customers.attributes.account_manager_id, as the demo seed does), and a phone number for every customer.

export const MANAGERS = ['AM01', 'AM02', 'AM03', 'AM04'] as const;

/** The phone number the bank holds for customer `id` (never shown unmasked to the test's users). */
export const phoneOf = (id: number): string => `139${String(10_000_000 + id * 7919).slice(-8)}`;

export async function seedPool(stores: Stores, customers: number): Promise<void> {
  const db = stores.operational.db;
  await db
    .insertInto('staff')
    .values([
      ...MANAGERS.map((id, i) => ({
        id,
        name: `Manager ${i + 1}`,
        org_unit_id: 'BR01',
        role: 'account_manager' as const,
        pool_capacity: 1000,
        phone: `1380000000${i}`,
      })),
      {
        id: 'BH01',
        name: 'Branch head',
        org_unit_id: 'BR01',
        role: 'branch_head' as const,
        pool_capacity: 0,
      },
    ])
    .execute();
  // Every customer but one in ten has an owner: AM01..AM04 in turn (MANAGERS[id % 4]); all have a phone.
  await sql`update customers
    set phone = '139' || right((10000000 + id * 7919)::text, 8),
        attributes = case when id % 10 = 0 then '{}'::jsonb
          else jsonb_build_object('account_manager_id', 'AM0' || (id % 4 + 1)::text) end
    where id <= ${customers}`.execute(db);
  await adoptOwnersFromAttributes(db, { actor: 'system:test', at: new Date() });
}
