import { z } from 'zod';
import { Population } from '../contracts/population.ts';
import { HOLDING_REMINDER_KINDS } from '../pool/reminders.ts';
import { text } from '../shared/text.ts';
import { purposeSchema } from './policy/settings.ts';
import { scheduleSchema } from './schedule.ts';

// A campaign as its author saves it: who (the population every analysis takes), what (an approved content version),
// how (channels in fallback order), when (schedule), and how it is measured (control group, conversion, cost).

export const channelKeySchema = text().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a channel key such as bank_sms');

export const campaignDraftSchema = z
  .strictObject({
    name: text().min(1).max(200),
    purpose: purposeSchema,
    population: Population,
    content: z.strictObject({ id: z.int().positive(), version: z.int().positive() }),
    channels: z
      .array(channelKeySchema)
      .min(1)
      .max(5)
      .refine((c) => new Set(c).size === c.length, 'each channel once')
      .describe('in fallback order: a customer gets the first channel that may reach them'),
    schedule: scheduleSchema,
    controlPercent: z
      .number()
      .min(0)
      .max(50)
      .describe("share of the audience held back to measure the campaign's lift"),
    conversion: z
      .strictObject({ event: text().min(1).max(128), windowDays: z.int().min(1).max(90) })
      .optional()
      .describe('the event that counts as converting, within this many days of the message'),
    costPerMessage: z.number().min(0).max(100).optional().describe('in CNY, for cost per conversion'),
    reminder: z
      .strictObject({ kind: z.enum(HOLDING_REMINDER_KINDS), daysBefore: z.int().min(0).max(60) })
      .optional()
      .describe(
        'a service notice: each run reaches, within the population, the customers whose holding of this kind falls due daysBefore days after the run day',
      ),
  })
  .refine((draft) => draft.reminder === undefined || draft.purpose === 'service', {
    path: ['purpose'],
    message: 'a holding reminder is a service notice: purpose must be service',
  });
/** A campaign version's body. */
export type CampaignDraft = z.infer<typeof campaignDraftSchema>;
