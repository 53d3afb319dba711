// Compliance cue of contact logging: a manager who logs an outbound contact on a touchpoint where the customer
// revoked consent (for any purpose), or with a customer on the do-not-contact list, is warned before it is saved; the
// contact is saved only once the warning is acknowledged, and the acknowledged warning is kept with it. The consent
// records themselves belong to the contact policy (src/campaigns/policy/restrictions.ts), which sits above the pool:
// the API hands its read function in (`RestrictionsOf`).
import type { Kysely } from 'kysely';
import type { ConsentChannel, ConsentPurpose, Database } from '../store/operational/database.ts';
import type { InteractionChannel } from '../store/operational/pool-tables.ts';

/** The consent touchpoint each interaction channel reaches; visits and events have none (only do-not-contact applies). */
export const CONSENT_TOUCHPOINT: Readonly<Record<InteractionChannel, ConsentChannel | null>> = {
  wecom_chat: 'wecom',
  call: 'phone',
  sms: 'sms',
  email: 'email',
  visit: null,
  event_attendance: null,
};

/** What limits contacting one customer (the shape of the contact policy's `ContactRestriction`). */
export interface Restriction {
  readonly doNotContact: boolean;
  readonly revoked: readonly { readonly channel: ConsentChannel; readonly purpose: ConsentPurpose }[];
}

/** Reads the restrictions of customers (only those that have any). */
export type RestrictionsOf = (
  db: Kysely<Database>,
  customerIds: readonly number[],
) => Promise<ReadonlyMap<number, Restriction>>;

/** The warning a contact raises: the touchpoint, the purposes whose consent was revoked on it, do-not-contact. */
export interface ConsentWarning {
  readonly touchpoint: ConsentChannel | null;
  readonly revokedPurposes: ConsentPurpose[];
  readonly doNotContact: boolean;
}

/** The warning of an outbound contact on `channel` with a customer under `restriction`, or null (inbound: never). */
export function consentWarning(
  channel: InteractionChannel,
  direction: 'in' | 'out',
  restriction: Restriction | undefined,
): ConsentWarning | null {
  if (direction === 'in' || !restriction) return null;
  const touchpoint = CONSENT_TOUCHPOINT[channel];
  const revokedPurposes =
    touchpoint === null
      ? []
      : [
          ...new Set(restriction.revoked.filter((r) => r.channel === touchpoint).map((r) => r.purpose)),
        ].sort();
  if (revokedPurposes.length === 0 && !restriction.doNotContact) return null;
  return { touchpoint, revokedPurposes, doNotContact: restriction.doNotContact };
}

/** The sentence of a warning (for API messages and audit details; the dashboard words it in the user's language). */
export function warningMessage(w: ConsentWarning): string {
  const parts = [
    ...(w.revokedPurposes.length > 0
      ? [`the customer withdrew ${w.revokedPurposes.join(' and ')} consent on ${w.touchpoint}`]
      : []),
    ...(w.doNotContact ? ['the customer is on the do-not-contact list'] : []),
  ];
  return `${parts.join('; ')}: send acknowledgedConsentWarning: true to log the contact anyway`;
}
