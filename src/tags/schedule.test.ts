import { describe, expect, it } from 'vitest';
import { businessCalendar, clockOf, type Clock } from '../shared/clock.ts';
import { nextRunAt, startTagScheduler, type Timers } from './schedule.ts';

// The daily schedule with an injected clock and timers: no waiting, no real time.

class ManualTime implements Timers {
  ms: number;
  readonly clock: Clock;
  pending: { run: () => void; due: number; id: number }[] = [];
  #id = 0;
  constructor(iso: string, timeZone: string) {
    this.ms = Date.parse(iso);
    this.clock = clockOf(() => new Date(this.ms), timeZone);
  }
  setTimeout(run: () => void, ms: number) {
    const id = ++this.#id;
    this.pending.push({ run, due: this.ms + ms, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  /** Moves time to the next timer and fires it. */
  fireNext() {
    const next = this.pending.sort((a, b) => a.due - b.due).shift();
    if (!next) throw new Error('no timer pending');
    this.ms = Math.max(this.ms, next.due);
    next.run();
  }
  /** Fires timers until `done` (the schedule looks at the clock every few seconds while it waits). */
  fireUntil(done: () => boolean, max = 10_000) {
    for (let i = 0; i < max && !done(); i++) this.fireNext();
    if (!done()) throw new Error('never happened');
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const next = (now: string, dailyAt: string, zone: string) =>
  nextRunAt(new Date(now), dailyAt, businessCalendar(zone)).toISOString();

describe('nextRunAt', () => {
  it("is later today on the bank's wall clock when the time has not passed, else tomorrow", () => {
    expect(next('2025-06-30T01:59:00Z', '02:00', 'UTC')).toBe('2025-06-30T02:00:00.000Z');
    expect(next('2025-06-30T02:00:00Z', '02:00', 'UTC')).toBe('2025-07-01T02:00:00.000Z');
    expect(next('2025-12-31T23:30:00Z', '00:15', 'UTC')).toBe('2026-01-01T00:15:00.000Z');
    // Shanghai: 02:00 local is 18:00 UTC the day before; at 17:59Z it is still 01:59 on the 30th locally
    expect(next('2025-06-29T17:59:00Z', '02:00', 'Asia/Shanghai')).toBe('2025-06-29T18:00:00.000Z');
    expect(next('2025-06-30T01:00:00Z', '02:00', 'Asia/Shanghai')).toBe('2025-06-30T18:00:00.000Z');
    expect(next('2025-12-31T16:30:00Z', '00:15', 'Asia/Shanghai')).toBe('2026-01-01T16:15:00.000Z');
  });

  it('keeps to the wall clock across DST changes: a skipped time runs after the gap, a repeated one once', () => {
    // London: GMT before 2026-03-29 01:00 UTC, BST after; back to GMT on 2026-10-25 at 01:00 UTC
    expect(next('2026-03-28T12:00:00Z', '02:00', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z');
    expect(next('2026-03-28T12:00:00Z', '01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
    expect(next('2026-03-29T12:00:00Z', '02:00', 'Europe/London')).toBe('2026-03-30T01:00:00.000Z');
    expect(next('2026-10-24T12:00:00Z', '01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z'); // first 01:30
    // between the two 01:30s: today's has run, the next is tomorrow's
    expect(next('2026-10-25T01:00:00Z', '01:30', 'Europe/London')).toBe('2026-10-26T01:30:00.000Z');
  });
});

describe('startTagScheduler', () => {
  it("runs every day at the configured time on the bank's wall clock, even after a failed run, until stopped", async () => {
    const time = new ManualTime('2025-06-30T10:00:00Z', 'Asia/Shanghai'); // 18:00 in Shanghai
    const runs: string[] = [];
    let fail = true;
    const scheduler = startTagScheduler({
      clock: time.clock,
      timers: time,
      dailyAt: '02:00',
      run: async () => {
        runs.push(time.clock.now().toISOString());
        if (fail) {
          fail = false;
          throw new Error('event store down');
        }
      },
    });
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2025-06-30T18:00:00.000Z'); // 02:00 on 07-01 locally
    time.fireUntil(() => runs.length === 1);
    await flush();
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2025-07-01T18:00:00.000Z');
    time.fireUntil(() => runs.length === 2);
    await flush();
    expect(runs).toEqual(['2025-06-30T18:00:00.000Z', '2025-07-01T18:00:00.000Z']);
    scheduler.stop();
    expect(time.pending).toEqual([]);
    expect(scheduler.nextRunAt()).toBeNull();
  });

  it('runs within one look at the clock when a test clock jumps past the due time', async () => {
    const time = new ManualTime('2025-06-30T10:00:00Z', 'Asia/Shanghai');
    const runs: string[] = [];
    const scheduler = startTagScheduler({
      clock: time.clock,
      timers: time,
      dailyAt: '02:00',
      run: async () => void runs.push(time.clock.now().toISOString()),
    });
    const waitMs = time.pending[0]!.due - time.ms;
    expect(waitMs).toBeLessThanOrEqual(15_000); // not the 8 hours until 02:00
    time.ms += 3 * 86_400_000; // moved three days forward
    time.fireNext();
    await flush();
    expect(runs).toHaveLength(1);
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2025-07-03T18:00:00.000Z');
    scheduler.stop();
  });
});
