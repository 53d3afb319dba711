import type { ProductCategory } from '../contracts/rule.ts';
import type { ProductCategory as StoreProductCategory } from '../store/operational/database.ts';

// The rule grammar is a contract shared by the API, the CLI and the dashboard: it lives in src/contracts/rule.ts. The
// segment engine reads it through this module, which adds what a contract may not know: the operational store.

export * from '../contracts/rule.ts';

// Compile-time check that the list matches the operational store's type: changing one side alone fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameCategories: Same<ProductCategory, StoreProductCategory> = true;
