import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { ProductRole } from '../../contracts/product.ts';
import type { Clock } from '../../shared/clock.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';

// The bank's products as the campaigns area sees them: what a product post may be about, and each product's role
// (traffic, hot-selling, main-profit), which head office sets and campaign results are compared by.

/** A product with its role (null: not classified). */
export interface ProductView {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly role: ProductRole | null;
}

/** The bank's products, by name. */
export async function productChoices(db: Kysely<Database>): Promise<ProductView[]> {
  return db.selectFrom('products').select(['id', 'name', 'category', 'role']).orderBy('name').execute();
}

/** Sets a product's role (null clears it), audited with the old and the new role in the same transaction. */
export async function setProductRole(
  deps: { db: Kysely<Database>; clock: Clock },
  actor: string,
  id: string,
  role: ProductRole | null,
): Promise<Result<ProductView>> {
  return deps.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('products')
      .select('role')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return err({ code: 'not_found', message: `no product ${id}` });
    const after = await tx
      .updateTable('products')
      .set({ role })
      .where('id', '=', id)
      .returning(['id', 'name', 'category', 'role'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'product.role',
      entityType: 'product',
      entityId: id,
      details: { from: before.role, to: role },
      at: deps.clock.now(),
    });
    return ok(after);
  });
}
