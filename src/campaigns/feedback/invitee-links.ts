import { timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../shared/errors.ts';
import { mac } from './links.ts';

// An activity's invitee links: `<public URL>/a/<token>`, the token a signed, compact encoding of what it is for (an
// RSVP or a check-in) and whose it is (activity, customer): base64url("r|c.<activity>.<customer>") "." the first 16
// bytes of its HMAC-SHA256 under the tracked links' secret. The message composer writes the RSVP link into an
// invitation (`{{ activity.rsvp_url }}`); the activity's QR code carries the check-in link. Deterministic, so nothing
// is stored per invitee and a message sent again carries the same link.

/** What an invitee link does. */
export type InviteeLinkKind = 'rsvp' | 'check_in';

const LETTER: Record<InviteeLinkKind, string> = { rsvp: 'r', check_in: 'c' };

/** The token of an invitee's link of `kind`. */
export function inviteeToken(
  secret: string,
  kind: InviteeLinkKind,
  activityId: number,
  customerId: number,
): string {
  const payload = Buffer.from(`${LETTER[kind]}.${activityId}.${customerId}`, 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The link of a token, served by `GET /a/<token>`. */
export function inviteeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/a/${token}`;
}

/** What a token carries, when it verifies; a bad or tampered token is refused. */
export function openInviteeToken(
  secret: string,
  token: string,
): Result<{ kind: InviteeLinkKind; activityId: number; customerId: number }> {
  const refused = err({ code: 'bad_request' as const, message: 'this link is not valid' });
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 200) return refused;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== 16 || !timingSafeEqual(given, mac(secret, payload))) return refused;
  const m = /^([rc])\.(\d{1,10})\.(\d{1,10})$/.exec(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!m) return refused;
  return ok({
    kind: m[1] === 'r' ? 'rsvp' : 'check_in',
    activityId: Number(m[2]),
    customerId: Number(m[3]),
  });
}
