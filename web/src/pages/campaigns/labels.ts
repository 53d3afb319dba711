import type { MessageKey } from '../../i18n/en-US.ts';

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
