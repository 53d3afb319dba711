import type { MessageKey } from '../../i18n/en-US.ts';
import type { ProductRole } from './api.ts';

// Message keys of the area's enumerations: the server's values are never shown raw.

export const statusKey = (status: string) => `cmp.status.${status}` as MessageKey;
export const typeKey = (type: string) => `cmp.type.${type}` as MessageKey;
export const variantKey = (variant: string) => `cmp.variant.${variant}` as MessageKey;
export const fieldKey = (field: string) => `cmp.field.${field}` as MessageKey;
export const purposeKey = (purpose: string) => `cmp.purpose.${purpose}` as MessageKey;
export const kindKey = (kind: string) => `cmp.kind.${kind}` as MessageKey;
export const reachesKey = (reaches: string) => `cmp.reaches.${reaches}` as MessageKey;
export const deliveryKey = (status: string) => `delivery.${status}` as MessageKey;
export const waterfallKey = (stage: string) => `wf.${stage}` as MessageKey;

/** Tag colours of review and run statuses. */
export const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  pending: 'gold',
  approved: 'green',
  rejected: 'red',
  running: 'blue',
  sending: 'blue',
  preparing: 'cyan',
  paused: 'orange',
  cancelled: 'default',
  completed: 'green',
  failed: 'red',
};

/** The fields of each channel variant, in the order the editor shows them. */
export const VARIANT_FIELDS = {
  sms: ['text'],
  email: ['subject', 'html'],
  app_push: ['title', 'body'],
  wecom: ['text'],
  manager_script: ['text'],
} as const;

// Every product role of the API (src/contracts/product.ts), in the order the bank reads them: a record, so that a role
// the API adds is a type error here until it is listed.
const ROLE_ORDER: Record<ProductRole, number> = { traffic: 0, hot_selling: 1, profit: 2 };
/** Product roles in order. */
export const PRODUCT_ROLES = (Object.keys(ROLE_ORDER) as ProductRole[]).sort(
  (a, b) => ROLE_ORDER[a] - ROLE_ORDER[b],
);
/** The message key of a product role's label (`none` when unclassified). */
export const productRoleKey = (role: string | null) => `product.role.${role ?? 'none'}` as MessageKey;
