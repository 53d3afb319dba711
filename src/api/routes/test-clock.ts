import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { AppError } from '../../shared/errors.ts';
import { storeClockOffset, storedClockOffset } from '../../store/operational/system-state.ts';
import { errorBody, requirePermission, type RouteContext, type ZodApi } from '../http.ts';

// The test clock of a trial installation (FLYWHEEL_TEST_CLOCK): an admin moves "now" forward so journeys' waits,
// reminders and daily batches fall due in minutes instead of days. Time only moves forward — what already happened
// stays in the past — and every move is audited. Other processes on the same store read the offset on their tick.

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody };

const clockAnswer = z.object({
  enabled: z.boolean().describe('FLYWHEEL_TEST_CLOCK is on: an admin may move the clock forward'),
  now: z.string().describe("the installation's now (ISO instant)"),
  today: z.string().describe("the bank's business day"),
  timeZone: z.string(),
  offsetMs: z.number().int().describe('how far now is ahead of the wall clock'),
});

const MAX_MINUTES = 366 * 24 * 60;
const advanceBody = z
  .strictObject({
    days: z.int().min(0).max(366).optional(),
    hours: z
      .int()
      .min(0)
      .max(24 * 366)
      .optional(),
    minutes: z.int().min(0).max(MAX_MINUTES).optional(),
  })
  .refine((b) => (b.days ?? 0) + (b.hours ?? 0) + (b.minutes ?? 0) > 0, 'move the clock by more than zero')
  .refine(
    (b) => (b.days ?? 0) * 1440 + (b.hours ?? 0) * 60 + (b.minutes ?? 0) <= MAX_MINUTES,
    'at most 366 days at once',
  );

/** GET /v1/test-clock (anyone signed in: the dashboard shows a moved clock) and POST /v1/test-clock/advance. */
export function registerTestClockRoutes(api: ZodApi, ctx: RouteContext): void {
  const present = () => ({
    enabled: ctx.testClock !== undefined,
    now: ctx.clock.now().toISOString(),
    today: ctx.clock.today(),
    timeZone: ctx.clock.timeZone,
    offsetMs: ctx.testClock?.offsetMs() ?? 0,
  });

  api.get(
    '/v1/test-clock',
    {
      schema: {
        tags: ['admin'],
        summary: "The installation's clock: now, the business day, and how far a test clock moved it",
        response: { 200: clockAnswer, ...errors },
      },
    },
    async (req) => {
      requirePermission(req, 'customers.read');
      return present();
    },
  );

  api.post(
    '/v1/test-clock/advance',
    {
      schema: {
        tags: ['admin'],
        summary: 'Move the test clock forward (trial installations only; audited)',
        body: advanceBody,
        response: { 200: clockAnswer, ...errors },
      },
    },
    async (req) => {
      const who = requirePermission(req, 'clock.advance');
      const testClock = ctx.testClock;
      if (!testClock)
        throw new AppError('conflict', 'the test clock is off on this installation (FLYWHEEL_TEST_CLOCK)', {
          reason: 'test_clock_off',
        });
      const by =
        ((req.body.days ?? 0) * 1440 + (req.body.hours ?? 0) * 60 + (req.body.minutes ?? 0)) * 60_000;
      const db = ctx.stores.operational.db;
      await db.transaction().execute(async (tx) => {
        // Another process may have moved it meanwhile: move from the larger of the two.
        const from = Math.max(testClock.offsetMs(), await storedClockOffset(tx));
        const before = new Date(ctx.clock.now().getTime() - testClock.offsetMs() + from);
        await storeClockOffset(tx, from + by);
        // Time moved for the bank's work, not for the people testing it: sessions keep the time they had left.
        await sql`update user_sessions set expires_at = expires_at + ${`${by} milliseconds`}::interval
                   where expires_at > ${before}`.execute(tx);
        await recordAudit(tx, {
          actor: who.actor,
          action: 'test_clock.advance',
          entityType: 'test_clock',
          entityId: 'test_clock',
          details: {
            by: req.body,
            from: before.toISOString(),
            to: new Date(before.getTime() + by).toISOString(),
          },
          at: ctx.clock.now(),
        });
        testClock.setOffset(from + by);
      });
      return present();
    },
  );
}
