import { z } from 'zod';

// A product's role in the bank's shelf (issue #11 §1): it brings customers in (traffic), sells in volume
// (hot-selling) or carries the margin (main-profit). Core banking's `products.role`; the API, the CLI and the
// dashboard take the values from here.

/** The product roles, in the order the dashboard lists them. */
export const PRODUCT_ROLES = ['traffic', 'hot_selling', 'profit'] as const;
export type ProductRole = (typeof PRODUCT_ROLES)[number];
export const ProductRole = z
  .enum(PRODUCT_ROLES)
  .describe('traffic (brings customers in), hot_selling (sells in volume) or profit (main profit)');

/** Whether a text is a product role. */
export function isProductRole(value: string): value is ProductRole {
  return (PRODUCT_ROLES as readonly string[]).includes(value);
}
