import { z } from 'zod';

// The bank's contact policy: the hard limits every message to a customer passes, whatever sends it (a campaign now,
// journeys, WeCom and reminders later). Settings are data (stored, audited, edited by admins), never code paths.

/** The touchpoints a customer consents to, as the consent records name them. */
export const CONTACT_CHANNELS = ['sms', 'email', 'phone', 'wecom', 'app_push'] as const;
/** A customer touchpoint that consent, caps and do-not-contact are kept per. */
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const contactChannelSchema = z.enum(CONTACT_CHANNELS);

/** Why the bank contacts the customer: marketing needs marketing consent; service (maturity, repayment) its own. */
export const PURPOSES = ['marketing', 'service'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const purposeSchema = z.enum(PURPOSES);

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = z.string().regex(HHMM, 'a wall-clock time HH:MM (00:00–23:59)');

const capsSchema = z
  .object({
    day: z.int().min(0).max(1000).optional(),
    week: z.int().min(0).max(1000).optional(),
    month: z.int().min(0).max(10000).optional(),
  })
  .strict();
/** How many messages one customer may receive on one channel per business day, week (Mon–Sun) and month. */
export type Caps = z.infer<typeof capsSchema>;

export const contactPolicySchema = z
  .object({
    /** No message starts in this window of the bank's wall clock; it waits for the window's end. null: no quiet hours. */
    quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
    /** Service messages (a deposit maturing tomorrow) may go out in quiet hours. */
    serviceIgnoresQuietHours: z.boolean(),
    /** Caps per channel across all campaigns; a channel not listed has no cap. */
    caps: z.partialRecord(contactChannelSchema, capsSchema),
    /** Service messages neither count towards nor are stopped by the caps. */
    serviceIgnoresCaps: z.boolean(),
    /** The bank-wide holdout: this share of customers (a fixed sample) never receives marketing, to measure it all. */
    globalHoldoutPercent: z.number().min(0).max(20),
  })
  .strict();
/** The bank's contact policy settings. */
export type ContactPolicy = z.infer<typeof contactPolicySchema>;

/** What a bank gets before an admin changes anything: 21:00–08:00 quiet, a handful of messages a week per channel. */
export const DEFAULT_CONTACT_POLICY: ContactPolicy = Object.freeze({
  quietHours: { start: '21:00', end: '08:00' },
  serviceIgnoresQuietHours: false,
  caps: {
    sms: { day: 1, week: 3, month: 8 },
    email: { day: 1, week: 3, month: 10 },
    app_push: { day: 2, week: 6, month: 20 },
    wecom: { day: 1, week: 4, month: 12 },
    phone: { day: 1, week: 1, month: 2 },
  },
  serviceIgnoresCaps: true,
  globalHoldoutPercent: 2,
});
