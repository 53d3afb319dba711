import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.ts';
import { nextRunAt, startTagScheduler, type Timers } from './schedule.ts';

// The daily schedule with an injected clock and timers: no waiting, no real time.

class ManualTime implements Clock, Timers {
  at: number;
  pending: { run: () => void; due: number; id: number }[] = [];
  #id = 0;
  constructor(iso: string) {
    this.at = Date.parse(iso);
  }
  now() {
    return new Date(this.at);
  }
  setTimeout(run: () => void, ms: number) {
    const id = ++this.#id;
    this.pending.push({ run, due: this.at + ms, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  /** Moves time to the next timer and fires it. */
  fireNext() {
    const next = this.pending.sort((a, b) => a.due - b.due).shift();
    if (!next) throw new Error('no timer pending');
    this.at = next.due;
    next.run();
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('nextRunAt', () => {
  it('is later today when the time has not passed, else tomorrow (UTC)', () => {
    expect(nextRunAt(new Date('2025-06-30T01:59:00Z'), '02:00').toISOString()).toBe(
      '2025-06-30T02:00:00.000Z',
    );
    expect(nextRunAt(new Date('2025-06-30T02:00:00Z'), '02:00').toISOString()).toBe(
      '2025-07-01T02:00:00.000Z',
    );
    expect(nextRunAt(new Date('2025-12-31T23:30:00Z'), '00:15').toISOString()).toBe(
      '2026-01-01T00:15:00.000Z',
    );
  });
});

describe('startTagScheduler', () => {
  it('runs every day at the configured time, even after a failed run, until stopped', async () => {
    const time = new ManualTime('2025-06-30T10:00:00Z');
    const runs: string[] = [];
    let fail = true;
    const scheduler = startTagScheduler({
      clock: time,
      timers: time,
      dailyAt: '02:00',
      run: async () => {
        runs.push(time.now().toISOString());
        if (fail) {
          fail = false;
          throw new Error('event store down');
        }
      },
    });
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2025-07-01T02:00:00.000Z');
    time.fireNext();
    await flush();
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2025-07-02T02:00:00.000Z');
    time.fireNext();
    await flush();
    expect(runs).toEqual(['2025-07-01T02:00:00.000Z', '2025-07-02T02:00:00.000Z']);
    scheduler.stop();
    expect(time.pending).toEqual([]);
    expect(scheduler.nextRunAt()).toBeNull();
  });
});
