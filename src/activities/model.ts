import { z } from 'zod';
import { channelKeySchema } from '../campaigns/model.ts';
import { purposeSchema } from '../campaigns/policy/settings.ts';
import { Population } from '../contracts/population.ts';
import { ProductRole } from '../contracts/product.ts';
import { text } from '../shared/text.ts';

// An activity as its organisers save it, and the requests that act on one. One schema per boundary is the type; what a
// schema cannot say (products and staff that exist, content approved, channels enabled) the service checks, located.

const name = text().trim().min(1).max(200);
const instant = z.iso.datetime({
  offset: true,
  error: 'an ISO 8601 time with its offset, e.g. 2026-12-12T14:00:00+08:00',
});
/** A phone number as people write it: digits, spaces, +, -, parentheses. */
export const phoneSchema = text()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,24}$/, 'a phone number (digits, +, spaces, - or parentheses)');

/** online/offline, high/low frequency, engagement (种草) or transaction (带货). */
export const sceneSchema = z.strictObject({
  mode: z.enum(['online', 'offline']),
  frequency: z.enum(['high', 'low']),
  aim: z.enum(['engagement', 'transaction']).describe('engagement 种草 or transaction 带货'),
});

/** A new partner's member: a name and a phone (kept only as its hash) or a customer number when known. */
export const newPartnerMemberSchema = z.strictObject({
  name,
  phone: phoneSchema.optional(),
  customerNo: text().trim().min(1).max(64).optional(),
});

/**
 * A partner's member: a new one, or (editing) one already saved, kept by its number as it is — its phone is stored
 * only as a hash, so an edit could not send it again.
 */
export const partnerMemberSchema = z.union([
  newPartnerMemberSchema,
  z.strictObject({ memberNo: z.int().min(1).describe("a saved member's number (GET …/activities/{id})") }),
]);

/** The activity as saved (create and update). */
export const activityBodySchema = z
  .strictObject({
    name,
    scene: sceneSchema,
    venue: text().trim().max(300).optional(),
    startsAt: instant,
    endsAt: instant,
    capacity: z.int().min(1).max(100_000).describe('registrations beyond it wait (rsvp "waitlist")'),
    checkInMargin: z
      .strictObject({
        beforeMinutes: z.int().min(0).max(1440).default(60),
        afterMinutes: z.int().min(0).max(1440).default(60),
      })
      .default({ beforeMinutes: 60, afterMinutes: 60 })
      .describe('check-in is accepted from start − before to end + after'),
    products: z
      .array(z.strictObject({ productId: text().trim().min(1).max(64), role: ProductRole }))
      .max(20)
      .default([]),
    partner: z
      .strictObject({
        name,
        kind: text().trim().min(1).max(60).describe('e.g. chamber_of_commerce'),
        members: z.array(partnerMemberSchema).max(5000).default([]),
      })
      .optional(),
    staff: z
      .array(z.strictObject({ staffId: text().trim().min(1).max(64), role: text().trim().min(1).max(40) }))
      .max(50)
      .default([]),
  })
  .refine((a) => Date.parse(a.endsAt) > Date.parse(a.startsAt), {
    path: ['endsAt'],
    message: 'endsAt must be after startsAt',
  });
export type ActivityBody = z.infer<typeof activityBodySchema>;
export type ActivityInput = z.input<typeof activityBodySchema>;

/** An invitation: who (a saved segment or a rule, lists included), the control group held out, what and how. */
export const invitationSchema = z.strictObject({
  population: Population,
  controlPercent: z.int().min(0).max(50).default(0),
  content: z.strictObject({ id: z.int().positive(), version: z.int().positive() }),
  channels: z.array(channelKeySchema).min(1).max(5).describe('in fallback order'),
  purpose: purposeSchema.default('marketing'),
});
export type Invitation = z.infer<typeof invitationSchema>;

/** A lead captured on site. */
export const leadSchema = z.strictObject({
  name,
  phone: phoneSchema,
  interest: text().trim().max(300).optional(),
  capturedBy: text().trim().min(1).max(64).describe('the staff member who captured the lead'),
  consent: z
    .strictObject({
      sms: z.boolean().optional(),
      phone: z.boolean().optional(),
      wecom: z.boolean().optional(),
      email: z.boolean().optional(),
    })
    .default({})
    .describe('marketing consent given on site, per touchpoint'),
});
export type Lead = z.infer<typeof leadSchema>;

/** The follow-up rule run after the activity. */
export const followUpSchema = z.strictObject({
  who: z
    .array(z.enum(['attendees', 'leads', 'no_shows']))
    .min(1)
    .default(['attendees', 'leads'])
    .describe('no_shows: registered but not checked in'),
  dueDays: z.int().min(0).max(90).default(3),
  title: text()
    .trim()
    .min(1)
    .max(200)
    .default('活动跟进：{activity}')
    .describe('{activity} is replaced by the activity name'),
});
export type FollowUpRule = z.infer<typeof followUpSchema>;

/** What counts as converting after the activity. */
export const resultsQuerySchema = z.strictObject({
  event: text().trim().min(1).max(128).default('purchase'),
  windowDays: z.coerce.number().int().min(1).max(365).default(30),
});
export type ResultsQuery = z.infer<typeof resultsQuerySchema>;
