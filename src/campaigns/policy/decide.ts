import type { Caps, ContactPolicy, Purpose } from './settings.ts';
import type { SendWindow } from './window.ts';

// One decision per (customer, channel) message, in the order the preview's waterfall shows:
// consent → do-not-contact → caps → control group / global holdout → send now or defer to the window's end.

/** A customer's consent for one channel and purpose: a record granting it, one revoking it, or none (= no consent). */
export type ConsentState = 'granted' | 'revoked' | 'none';

/** Why a message is not sent; each a stage of the preview's waterfall. */
export const SUPPRESS_REASONS = [
  'no_consent',
  'opted_out',
  'do_not_contact',
  'cap_day',
  'cap_week',
  'cap_month',
  'control_group',
  'global_holdout',
] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

/** The facts about one customer the policy decides on, loaded in bulk by the caller. */
export interface ContactFacts {
  readonly consent: ConsentState;
  readonly doNotContact: boolean;
  /** Messages already sent (or reserved) on this channel in the current day, week and month, all campaigns. */
  readonly sent: { readonly day: number; readonly week: number; readonly month: number };
  /** In the campaign's control group (measured, not contacted). */
  readonly inControlGroup: boolean;
  /** In the bank-wide holdout, which marketing never contacts. */
  readonly inGlobalHoldout: boolean;
}

/** What happens to one message. */
export type ContactDecision =
  | { readonly outcome: 'send' }
  | { readonly outcome: 'defer'; readonly until: Date }
  | { readonly outcome: 'suppress'; readonly reason: SuppressReason };

const SEND: ContactDecision = Object.freeze({ outcome: 'send' });
const SUPPRESSED = Object.fromEntries(
  SUPPRESS_REASONS.map((reason) => [reason, Object.freeze({ outcome: 'suppress', reason })]),
) as Record<SuppressReason, ContactDecision>;

/** The cap a message would break, if any. */
function capReached(caps: Caps | undefined, sent: ContactFacts['sent']): SuppressReason | undefined {
  if (caps === undefined) return undefined;
  if (caps.day !== undefined && sent.day >= caps.day) return 'cap_day';
  if (caps.week !== undefined && sent.week >= caps.week) return 'cap_week';
  if (caps.month !== undefined && sent.month >= caps.month) return 'cap_month';
  return undefined;
}

/** The one contact decision for a message of `purpose` on a channel whose caps are `caps`, in `window`. */
export function decideContact(
  policy: ContactPolicy,
  purpose: Purpose,
  caps: Caps | undefined,
  window: SendWindow,
  facts: ContactFacts,
): ContactDecision {
  if (facts.consent === 'revoked') return SUPPRESSED.opted_out;
  if (facts.consent !== 'granted') return SUPPRESSED.no_consent;
  if (facts.doNotContact) return SUPPRESSED.do_not_contact;
  const service = purpose === 'service';
  if (!(service && policy.serviceIgnoresCaps)) {
    const cap = capReached(caps, facts.sent);
    if (cap !== undefined) return SUPPRESSED[cap];
  }
  if (facts.inControlGroup) return SUPPRESSED.control_group;
  if (!service && facts.inGlobalHoldout) return SUPPRESSED.global_holdout;
  if (!window.open && !(service && policy.serviceIgnoresQuietHours))
    return { outcome: 'defer', until: window.opensAt };
  return SEND;
}
