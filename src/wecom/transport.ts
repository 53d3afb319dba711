import { fetch } from 'undici';

// One HTTP exchange with WeCom (or the simulator): the body parsed as WeCom's answer, or why there was none. WeCom
// answers HTTP 200 with an errcode for everything it understood, so any other status, a body that is not JSON or
// lacks a numeric errcode, a refused connection and a timeout are all the same to the caller: transport failures.

/** What one request came to. */
export type Exchange =
  | { readonly kind: 'answer'; readonly body: { errcode: number; errmsg: string } & Record<string, unknown> }
  | { readonly kind: 'failed'; readonly reason: string };

/** The URL with the secret and the access token replaced, fit for a log line or an error. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|corpsecret)=)[^&#]*/gi, '$1[redacted]');
}

/** Sends one request with a timeout; never throws. */
export async function exchange(
  url: string,
  init: { method: 'GET' | 'POST'; body?: unknown; timeoutMs: number },
): Promise<Exchange> {
  let text: string;
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    text = await response.text();
    if (response.status !== 200) return { kind: 'failed', reason: `http_${response.status}` };
  } catch (error) {
    return { kind: 'failed', reason: transportReason(error) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'failed', reason: 'not_json' };
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof (body as { errcode?: unknown }).errcode !== 'number'
  )
    return { kind: 'failed', reason: 'no_errcode' };
  const answer = body as { errcode: number; errmsg?: unknown } & Record<string, unknown>;
  return {
    kind: 'answer',
    body: { ...answer, errmsg: typeof answer.errmsg === 'string' ? answer.errmsg : '' },
  };
}

// Names only (never the message): undici's messages can quote the request, and the request carries the token.
function transportReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code.toLowerCase();
    return error.name;
  }
  return 'unknown';
}
