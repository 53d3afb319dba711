import { describe, expect, it } from 'vitest';
import { AccessTokens } from './access-token.ts';
import { RateBudget, type BudgetClock } from './rate-budget.ts';

// The client's budgets and token cache on a clock the test moves: sleeping advances time, nothing really waits.

function fakeClock(start = 1_000_000): BudgetClock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

describe('RateBudget', () => {
  it('lets a window’s calls through, then waits until the oldest leaves the window', async () => {
    const clock = fakeClock();
    const budget = new RateBudget([{ ms: 1000, calls: 3 }], clock);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await budget.take('externalcontact/list');
      times.push(clock.now());
    }
    expect(times.slice(0, 3)).toEqual([1_000_000, 1_000_000, 1_000_000]);
    // No 1000 ms span ever holds more than 3 calls.
    for (let i = 3; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 3] ?? 0)).toBeGreaterThan(1000);
  });

  it('keeps every window: the hour’s budget holds even when the minute has room', async () => {
    const clock = fakeClock();
    const budget = new RateBudget(
      [
        { ms: 60, calls: 10 },
        { ms: 3600, calls: 12 },
      ],
      clock,
    );
    const start = clock.now();
    for (let i = 0; i < 13; i++) await budget.take('a');
    expect(clock.now() - start).toBeGreaterThan(3600);
  });

  it('keeps each API’s budget apart and waits out a block', async () => {
    const clock = fakeClock();
    const budget = new RateBudget([{ ms: 1000, calls: 1 }], clock);
    await budget.take('a');
    await budget.take('b');
    expect(clock.slept).toEqual([]);
    await clock.sleep(2000);
    budget.block('a', 60_000);
    const before = clock.now();
    await budget.take('b');
    expect(clock.now()).toBe(before);
    await budget.take('a');
    expect(clock.now() - before).toBe(60_000);
  });
});

describe('AccessTokens', () => {
  it('shares one fetch among concurrent callers, keeps the token until the margin, drops only the stale one', async () => {
    let now = 0;
    let fetches = 0;
    const tokens = new AccessTokens(
      () => {
        fetches += 1;
        return Promise.resolve({ token: `t${fetches}`, expiresInSeconds: 7200 });
      },
      () => now,
      300_000,
    );
    expect(await Promise.all([tokens.get(), tokens.get(), tokens.get()])).toEqual(['t1', 't1', 't1']);
    now = 7200_000 - 300_001;
    expect(await tokens.get()).toBe('t1');
    now += 2;
    expect(await tokens.get()).toBe('t2');
    tokens.drop('t1'); // an answer to a call made with the old token: the new one stays
    expect(await tokens.get()).toBe('t2');
    tokens.drop('t2');
    expect(await tokens.get()).toBe('t3');
    expect(fetches).toBe(3);
  });

  it('lets a failed fetch fail its callers and the next caller try again', async () => {
    let calls = 0;
    const tokens = new AccessTokens(
      () =>
        ++calls === 1
          ? Promise.reject(new Error('down'))
          : Promise.resolve({ token: 'ok', expiresInSeconds: 10 }),
      () => 0,
    );
    await expect(Promise.all([tokens.get(), tokens.get()])).rejects.toThrow('down');
    expect(await tokens.get()).toBe('ok');
    expect(calls).toBe(2);
  });
});
