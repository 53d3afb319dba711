// The access token of the enterprise's customer-contact app: fetched with the secret, kept until a safety margin
// before WeCom's expires_in, shared by concurrent callers (one gettoken however many calls wait for it), and dropped
// when WeCom says it is invalid or expired so the next caller fetches a fresh one.

/** How a token is fetched: the token and its lifetime in seconds (the client's retries live in `fetchToken`). */
export type FetchToken = () => Promise<{ token: string; expiresInSeconds: number }>;

/** A cached access token. */
export class AccessTokens {
  private current: { token: string; freshUntil: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: FetchToken,
    private readonly now: () => number,
    /** Renew this long before WeCom's expiry, so a call never goes out with a token about to lapse. */
    private readonly marginMs = 300_000,
  ) {}

  /** The cached token, or a fresh one (a single fetch shared by everyone asking meanwhile). */
  get(): Promise<string> {
    if (this.current && this.current.freshUntil > this.now()) return Promise.resolve(this.current.token);
    this.pending ??= this.fetchToken()
      .then(({ token, expiresInSeconds }) => {
        // A short-lived token (a simulator's) keeps at least half its life rather than none.
        const full = Math.max(0, expiresInSeconds * 1000);
        const lifetime = Math.max(full / 2, full - this.marginMs);
        this.current = { token, freshUntil: this.now() + lifetime };
        return token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Drops `token` if it is still the cached one (WeCom answered 40014/42001/41001 to a call made with it). */
  drop(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }
}
