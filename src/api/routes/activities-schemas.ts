import { z } from 'zod';
import {
  activityBodySchema,
  followUpSchema,
  invitationSchema,
  leadSchema,
  resultsQuerySchema,
} from '../../activities/model.ts';
import { text } from '../../shared/text.ts';
import { rowId } from '../http.ts';
import { comparison } from './analytics-experiments-schemas.ts';

// Request and response shapes of the activity routes (activities.ts). Requests are the domain's own schemas
// (src/activities/model.ts), inlined rather than registered as components: their defaults would make each a second
// `…Input` component, and the contracts test holds one component per contract. What they cannot say (products,
// staff, content, channels that exist) is a 400 validation_failed from the service, located by JSON pointer.

export const ActivityBody = activityBodySchema;
export const Invitation = invitationSchema;
export const Lead = leadSchema;
export const FollowUpRule = followUpSchema;
export const resultsQuery = resultsQuerySchema;

export const activityId = z.object({ id: rowId });
export const inviteeParams = z.object({ id: rowId, customerNo: text().min(1).max(64) });
export const tokenParam = z.object({ token: z.string().min(1).max(8000) });

const count = z.number().int();
const iso = z.string().describe('ISO 8601 instant (UTC)');
const status = z.enum(['draft', 'open', 'finished']);

const activity = {
  id: count,
  name: z.string(),
  scene: z.object({
    mode: z.enum(['online', 'offline']),
    frequency: z.enum(['high', 'low']),
    aim: z.enum(['engagement', 'transaction']),
  }),
  venue: z.string().nullable(),
  startsAt: iso,
  endsAt: iso,
  capacity: count,
  checkInMargin: z.object({ beforeMinutes: count, afterMinutes: count }),
  products: z.array(
    z.object({ productId: z.string(), role: z.string().describe('traffic, hot_selling or profit') }),
  ),
  staff: z.array(z.object({ staffId: z.string(), role: z.string() })),
  partner: z.object({ name: z.string(), kind: z.string() }).nullable(),
  status,
  createdBy: z.string(),
  updatedAt: iso,
  finishedAt: iso.nullable(),
};

export const activityList = z.object({
  items: z.array(
    z.object({
      ...activity,
      invited: count.describe('invited, the control group left out'),
      registered: count,
      checkedIn: count,
      leads: count.describe('customers captured as leads at the activity'),
    }),
  ),
});

export const activityDetail = z.object({
  ...activity,
  door: z
    .boolean()
    .describe(
      "the reader works this activity's door only (on its staff, without bank-wide reading): check-in, leads",
    ),
  partnerMembers: z.array(
    z.object({
      memberNo: count,
      name: z.string().describe('masked'),
      customerNo: z.string().nullable().describe('the customer the member is, when known'),
    }),
  ),
});

export const saved = z.object({ id: count });

export const invitationReport = z.object({
  campaignId: count.describe('the activity-owned campaign that carries this invitation'),
  invitees: count.describe('new invitees: treated plus control'),
  control: count,
  queued: count,
  suppressed: count.describe('treated invitees the contact policy stopped'),
  alreadyInvited: count,
});

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

const rsvp = z.enum(['none', 'yes', 'no', 'waitlist']);

export const inviteePage = z.object({
  total: count,
  items: z.array(
    z.object({
      customerNo: z.string(),
      name: z.string().nullable().describe('masked'),
      phone: z.string().nullable().describe('masked'),
      source: z.enum(['invited', 'walk_in', 'lead']),
      control: z.boolean(),
      rsvp,
      registeredAt: iso.nullable(),
      checkedInAt: iso.nullable(),
      capturedBy: z.string().nullable(),
    }),
  ),
});

export const checkInRequest = z.object({
  token: z.string().min(1).max(8000).describe('the scanned check-in URL, or its token'),
});
export const checkInAnswer = z.object({
  customerNo: z.string(),
  checkedInAt: iso,
  recorded: z.boolean().describe('false: already checked in, nothing changed'),
});

export const checkInCode = z.object({
  customerNo: z.string(),
  token: z.string(),
  url: z.string().describe('the signed check-in URL the QR code carries'),
  svg: z.string().describe('the QR code of the URL, an SVG document'),
});

export const attendanceImport = z.object({
  csv: z
    .string()
    .min(1)
    .max(5_000_000)
    .describe('CSV with a header: customer_no or phone, and checked_in_at'),
});
export const attendanceReport = z.object({
  rows: count,
  checkedIn: count,
  walkIns: count.describe('known customers not on the activity, added as walk-ins'),
});

export const leadOutcome = z.object({
  customerNo: z.string(),
  created: z.boolean().describe('a prospect was created (else the phone found a customer)'),
  owner: z.string().nullable(),
});

export const finished = z.object({ status: z.literal('finished') });

export const followUpReport = z.object({
  eligible: count,
  created: count,
  noOwner: count,
  already: count.describe('tasked by an earlier run'),
});

const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });
const group = z.object({
  customers: count,
  converted: count,
  rate: z.number().nullable(),
  interval: interval.nullable().describe('Wilson 95%'),
  reason: z.string().nullable(),
});
const countNames = [
  'invited',
  'control',
  'delivered',
  'queued',
  'rsvpYes',
  'rsvpNo',
  'waitlist',
  'registered',
  'checkedIn',
  'walkIns',
  'leads',
  'newCustomers',
  'tasks',
] as const;

export const results = z.object({
  activityId: count,
  event: z.string(),
  window: z.object({ from: iso, to: iso }),
  counts: z.object(
    Object.fromEntries(countNames.map((k) => [k, count])) as Record<
      (typeof countNames)[number],
      typeof count
    >,
  ),
  groups: z.object({ attendees: group, nonAttendees: group, control: group, leads: group }),
  invitedVsControl: comparison.nullable().describe('randomised: Wald 95% interval, z test'),
  attendeesVsControl: comparison.nullable().describe('self-selected, descriptive'),
  attendeesVsNonAttendees: comparison.nullable().describe('self-selected, descriptive'),
  definitions: z.record(z.string(), z.string()),
});

export const rsvpAnswer = z.object({ answer: z.enum(['yes', 'no']) });
export const rsvpOutcome = z.object({
  rsvp,
  registered: z.boolean(),
  recorded: z.boolean().describe('false: an earlier answer stands and nothing changed'),
});
