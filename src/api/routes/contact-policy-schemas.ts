import { z } from 'zod';
import { contactPolicySchema } from '../../campaigns/policy/settings.ts';
import { page } from '../../contracts/common.ts';
import { text } from '../../shared/text.ts';

// Request and response shapes of the contact-policy routes (contact-policy.ts): the bank's policy (the domain's own
// schema), the do-not-contact list and the configured channels (never their secrets).

export const contactPolicy = contactPolicySchema;

export const policyAnswer = z.object({
  policy: contactPolicySchema,
  timeZone: z.string().describe('the bank time zone quiet hours are read in'),
});

const customerNo = text().min(1).max(64);

export const doNotContactInput = z.object({
  customerNo,
  reason: text().min(1).max(500),
});
export const doNotContactKey = z.object({ customerNo });
export const doNotContactQuery = z.object(page);

export const doNotContactPage = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      customerNo: z.string(),
      name: z.string().nullable().describe('masked'),
      reason: z.string(),
      addedBy: z.string(),
      addedAt: z.string(),
    }),
  ),
});

export const channelList = z.object({
  channels: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['webhook', 'email', 'sms', 'push', 'manager_task', 'outbox', 'wecom_group']),
      reaches: z.enum(['sms', 'email', 'phone', 'wecom', 'app_push']),
      variant: z.enum(['sms', 'email', 'app_push', 'wecom', 'manager_script']),
      enabled: z.boolean(),
    }),
  ),
});
