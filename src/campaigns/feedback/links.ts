import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../shared/errors.ts';

// Tracked links: every link in a rendered message becomes `<public URL>/r/<token>`, the token a signed, compact
// encoding of (delivery, URL): base64url("<idempotency key>\n<url>") "." base64url(first 16 bytes of its
// HMAC-SHA256). Following it records the click against that delivery and redirects to the URL it carries. Only URLs
// the bank signed are ever redirected to (http and https only), so the redirect cannot be used to send someone
// anywhere else; a token that does not verify is refused.

const MAC_BYTES = 16;
/**
 * Links in rendered text: http(s) URLs up to whitespace, quotes, angle brackets (so HTML attributes work too) or
 * full-width punctuation (Chinese text runs straight on after a link: "详见https://…。").
 */
const URL_IN_TEXT = /https?:\/\/[^\s"'<>，。！？；：、（）【】「」《》]+/g;
/** Sentence punctuation after a link belongs to the sentence. */
const TRAILING = /[.,;:!?)]+$/;
/** Longest URL worth tracking; longer ones are left as they are. */
const MAX_URL = 2000;

/** How links are tracked: the signing secret and the public address the redirect is served at. */
export interface LinkTracking {
  readonly secret: string;
  /** e.g. https://bank.example/flywheel (no trailing slash needed). */
  readonly publicUrl: string;
}

/** The truncated HMAC-SHA256 of a payload: what every signed token of a message carries. */
export const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);

/** The token of a link to `url` in the message of delivery `deliveryKey`. */
export function linkToken(secret: string, deliveryKey: string, url: string): string {
  const payload = Buffer.from(`${deliveryKey}\n${url}`, 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The delivery and URL a token carries, when it verifies; a bad or tampered token is refused. */
export function openLinkToken(secret: string, token: string): Result<{ deliveryKey: string; url: string }> {
  const refused = err({ code: 'bad_request' as const, message: 'this link is not valid' });
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4 * MAX_URL) return refused;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(secret, payload))) return refused;
  const text = Buffer.from(payload, 'base64url').toString('utf8');
  const cut = text.indexOf('\n');
  const url = text.slice(cut + 1);
  if (cut <= 0 || !/^https?:\/\//i.test(url) || !URL.canParse(url)) return refused;
  return ok({ deliveryKey: text.slice(0, cut), url });
}

/** Rewrites every http(s) link in a message's rendered fields into its tracked redirect for delivery `key`. */
export function trackLinks(
  tracking: LinkTracking,
  deliveryKey: string,
  fields: Readonly<Record<string, string>>,
): Record<string, string> {
  const base = `${tracking.publicUrl.replace(/\/+$/, '')}/r/`;
  const invitees = `${tracking.publicUrl.replace(/\/+$/, '')}/a/`;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields))
    out[name] = value.replace(URL_IN_TEXT, (found) => {
      const tail = TRAILING.exec(found)?.[0] ?? '';
      const written = found.slice(0, found.length - tail.length);
      // In HTML an attribute's & is written &amp;: the link goes to the URL the browser would have opened.
      const url = name === 'html' ? written.replaceAll('&amp;', '&') : written;
      // Already tracked, an invitee's own RSVP link (src/activities), too long to carry, or not a URL after all: left
      // as written.
      if (url.startsWith(base) || url.startsWith(invitees) || url.length > MAX_URL || !URL.canParse(url))
        return found;
      return base + linkToken(tracking.secret, deliveryKey, url) + tail;
    });
  return out;
}
