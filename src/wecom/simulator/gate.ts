import { randomBytes } from 'node:crypto';
import { WECOM_ERRCODES } from '../port.ts';
import type { RateWindow } from '../rate-budget.ts';
import { failAnswer, okAnswer, type Answer } from './answers.ts';
import type { World } from './world.ts';

// What stands before every WeCom handler: faults a test injected for the next calls of an API, WeCom's per-API rate
// limits (exceeding a window answers 45009 and blocks the API for the window's block period, calls meanwhile too),
// and the access token (missing 41001, unknown 40014, expired 42001) that gettoken hands out for the corp's secret.

/** A fault for the next calls of an API: an errcode answer, a body that is not JSON, HTTP 500, or no answer at all. */
export type Fault =
  | { readonly kind: 'errcode'; readonly errcode: number }
  | { readonly kind: 'garbage' }
  | { readonly kind: 'http_500' }
  | { readonly kind: 'hang' };

/** Exact count of the calls in a sliding window (the client's budget counts conservatively; WeCom counts exactly). */
class CallLog {
  private readonly times: number[] = [];
  private head = 0;

  constructor(readonly window: RateWindow) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - this.window.ms)
      this.head += 1;
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

/** Faults, rate limits and tokens of one simulator. */
export class Gate {
  private readonly faults = new Map<string, { fault: Fault; remaining: number }[]>();
  private readonly limiters = new Map<string, { counters: CallLog[]; blockedUntil: number }>();
  /** Calls per API (faulted and refused ones too), for the state summary and tests. */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly secret: string,
  ) {}

  /** The next `count` calls of `api` meet `fault`, after any faults already queued for it. */
  injectFault(api: string, fault: Fault, count: number): void {
    const queue = this.faults.get(api) ?? [];
    queue.push({ fault, remaining: count });
    this.faults.set(api, queue);
  }

  /** Counts the call and takes the fault it meets, if any. */
  arrive(api: string): Fault | undefined {
    this.calls.set(api, (this.calls.get(api) ?? 0) + 1);
    const queue = this.faults.get(api);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  /** Whether WeCom would serve this call now; false means 45009 (and the API is, or stays, blocked). */
  admit(api: string): boolean {
    const now = this.world.clock.now();
    let limiter = this.limiters.get(api);
    if (!limiter) {
      limiter = { counters: this.world.limits.rate.map((w) => new CallLog(w)), blockedUntil: 0 };
      this.limiters.set(api, limiter);
    }
    if (limiter.blockedUntil > now) return false;
    for (const [i, counter] of limiter.counters.entries()) {
      if (counter.count(now) < counter.window.calls) continue;
      limiter.blockedUntil = now + (this.world.limits.rate[i]?.blockMs ?? 60_000);
      return false;
    }
    for (const counter of limiter.counters) counter.add(now);
    return true;
  }

  /** gettoken?corpid=&corpsecret= */
  issueToken(query: URLSearchParams): Answer {
    if (query.get('corpid') !== this.world.corpId || query.get('corpsecret') !== this.secret)
      return failAnswer(WECOM_ERRCODES.invalidCredential, 'invalid credential: corpid or corpsecret');
    const token = randomBytes(32).toString('hex');
    const lifetime = this.world.limits.tokenLifetimeSeconds;
    this.world.tokens.set(token, this.world.clock.now() + lifetime * 1000);
    return okAnswer({ access_token: token, expires_in: lifetime });
  }

  /** Why the call's access token is refused, or undefined when it is good. */
  tokenProblem(query: URLSearchParams): Answer | undefined {
    const token = query.get('access_token');
    if (!token) return failAnswer(WECOM_ERRCODES.accessTokenMissing, 'access_token missing');
    const expires = this.world.tokens.get(token);
    if (expires === undefined) return failAnswer(WECOM_ERRCODES.invalidAccessToken, 'invalid access_token');
    if (expires <= this.world.clock.now()) {
      this.world.tokens.delete(token);
      return failAnswer(WECOM_ERRCODES.accessTokenExpired, 'access_token expired');
    }
    return undefined;
  }
}
