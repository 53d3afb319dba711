// Per-API call budgets: WeCom counts calls per API and enterprise in a minute and an hour window (10,000 / 150,000)
// and blocks an API that exceeds either for the window's length. The client keeps under the budgets by waiting; the
// simulator uses the same counter to decide when to answer 45009. Windows are counted in 60 buckets each, and a
// whole oldest bucket still counts, so the count can only overstate the calls in the window — never let one too many.

/** One window: at most `calls` calls in any `ms` milliseconds. */
export interface RateWindow {
  readonly ms: number;
  readonly calls: number;
}

/**
 * The client's budgets per API: WeCom's 10,000 a minute and 150,000 an hour, less 5% so that network latency between
 * our count and WeCom's, or another process of the bank calling the same API, does not tip an API into a block.
 */
export const WECOM_RATE_WINDOWS: readonly RateWindow[] = [
  { ms: 60_000, calls: 9_500 },
  { ms: 3_600_000, calls: 142_500 },
];

const BUCKETS = 60;

/** Calls counted in one window, in buckets of window/60. */
export class WindowCounter {
  private readonly bucketMs: number;
  private readonly counts = new Map<number, number>();

  constructor(readonly window: RateWindow) {
    this.bucketMs = Math.max(1, window.ms / BUCKETS);
  }

  /** Calls in the window ending at `now` (an upper bound: the oldest partial bucket counts whole). */
  count(now: number): number {
    const current = Math.floor(now / this.bucketMs);
    let total = 0;
    for (const [bucket, n] of this.counts) {
      if (bucket < current - BUCKETS) this.counts.delete(bucket);
      else total += n;
    }
    return total;
  }

  add(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
  }

  /** Milliseconds from `now` until the oldest counted bucket leaves the window. */
  msUntilRoom(now: number): number {
    const current = Math.floor(now / this.bucketMs);
    const oldest = Math.min(...this.counts.keys(), current);
    return Math.max(1, (oldest + BUCKETS + 1) * this.bucketMs - now);
  }
}

/** Time as the budgets see it; tests pass their own. */
export interface BudgetClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const realBudgetClock: BudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Budgets of every API the client calls, each with all windows and a block set when WeCom answered 45009. */
export class RateBudget {
  private readonly apis = new Map<string, { counters: WindowCounter[]; blockedUntil: number }>();

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly clock: BudgetClock,
  ) {}

  private of(api: string) {
    let budget = this.apis.get(api);
    if (!budget) {
      budget = { counters: this.windows.map((w) => new WindowCounter(w)), blockedUntil: 0 };
      this.apis.set(api, budget);
    }
    return budget;
  }

  /** Waits until `api` may be called without exceeding a window or during a block, then counts the call. */
  async take(api: string): Promise<void> {
    const budget = this.of(api);
    for (;;) {
      const now = this.clock.now();
      if (budget.blockedUntil > now) {
        await this.clock.sleep(budget.blockedUntil - now);
        continue;
      }
      const full = budget.counters.find((c) => c.count(now) >= c.window.calls);
      if (!full) break;
      await this.clock.sleep(full.msUntilRoom(now));
    }
    const now = this.clock.now();
    for (const counter of budget.counters) counter.add(now);
  }

  /** Marks `api` blocked for `ms` (WeCom answered 45009): callers wait rather than prolong the block. */
  block(api: string, ms: number): void {
    const budget = this.of(api);
    budget.blockedUntil = Math.max(budget.blockedUntil, this.clock.now() + ms);
  }
}
