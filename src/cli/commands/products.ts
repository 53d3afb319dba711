import type { Command } from 'commander';
import { productChoices, setProductRole } from '../../campaigns/content/products.ts';
import { isProductRole, PRODUCT_ROLES } from '../../contracts/product.ts';
import { configOrExit } from '../main.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Stores } from '../../store/stores.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';

// `flywheel products …`: the bank's products with their roles (traffic, hot-selling, main profit), and setting a
// product's role (products.write; audited with the old and the new role). Campaign results compare by these roles.

/** Runs a command's action on the stores and sets the exit code it returns; tests pass their own. */
export type ProductCliRunner = (action: (stores: Stores, clock: Clock) => Promise<number>) => Promise<void>;

const openRunner: ProductCliRunner = (action) => withStores(configOrExit(), action);

/** `products list | set-role`. */
export function registerProductCommands(program: Command, run: ProductCliRunner = openRunner): void {
  const products = program.command('products').description("the bank's products and their roles");

  products
    .command('list')
    .description('products by name, with their category and role')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async (stores) => {
        const items = await productChoices(stores.operational.db);
        if (opts.json) console.log(JSON.stringify(items, null, 2));
        else if (items.length === 0) console.log('no products');
        else for (const p of items) console.log(`${p.id}\t${p.role ?? 'none'}\t${p.category}\t${p.name}`);
        return 0;
      }),
    );

  products
    .command('set-role')
    .description(`set a product's role: ${PRODUCT_ROLES.join(', ')}, or none to clear it`)
    .argument('<id>', 'product id')
    .argument('<role>', `${PRODUCT_ROLES.join(' | ')} | none`)
    .option('--as <username>', 'act as this user (products.write)')
    .option('--json', 'print JSON')
    .action((id: string, role: string, opts: { as?: string; json?: boolean }) =>
      run(async (stores, clock) => {
        if (role !== 'none' && !isProductRole(role))
          return refused({
            code: 'bad_request',
            message: `role: expected ${PRODUCT_ROLES.join(', ')} or none, got ${role}`,
          });
        const db = stores.operational.db;
        const who = await actor(db, opts.as, 'products.write');
        if (!who.ok) return refused(who.error);
        const result = await setProductRole({ db, clock }, who.value, id, role === 'none' ? null : role);
        return print(result, opts.json, (p) => `${p.id} ${p.name}: role ${p.role ?? 'none'}`);
      }),
    );
}
