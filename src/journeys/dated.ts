import { sql } from 'kysely';
import { addDays, shiftDay, type Day } from '../shared/day.ts';
import { customersDueOn, type EnterDeps, type EnterReport } from './enter.ts';
import { openVersions } from './events.ts';
import { enterOnce } from './triggers.ts';

// Date entries (deposit maturity T−7, renewals, repayments, auto-investment days, birthdays): each business day of a
// live date journey takes the customers whose date falls due `daysBefore` days later, once — the day is claimed in
// journey_entry_runs ('date:<YYYY-MM-DD>') in the transaction of its entries. The journey tick runs it, so a journey
// published during the day takes that day's customers at once, and days a stopped worker (or a test clock moved
// forward) skipped are entered in order, up to a month back; the daily batch runs it too.

const DATE = 'date:';
/** How far back missed days are entered: older ones are past their reason (the deposit has matured). */
const CATCH_UP_DAYS = 31;

/** Enters every live date journey's due customers for each unclaimed day up to `today`; reports per journey. */
export async function enterDueDates(
  deps: EnterDeps,
  today: Day,
  at: Date,
): Promise<Map<number, EnterReport>> {
  const out = new Map<number, EnterReport>();
  for (const version of await openVersions(deps.db)) {
    const entry = version.body.entry;
    if (entry.kind !== 'date' || version.status !== 'live' || version.current_version !== version.id)
      continue;
    // Run keys are 'date:' + a day, which sort as the days do.
    const { rows } = await sql<{ key: string | null }>`
      select max(run_key) as key from journey_entry_runs
       where journey_id = ${version.journey_id} and run_key like ${`${DATE}%`}`.execute(deps.db);
    const last = rows[0]?.key?.slice(DATE.length) as Day | undefined;
    const earliest = addDays(today, -CATCH_UP_DAYS);
    let day = last ? addDays(last, 1) : deps.clock.dayOf(version.published_at);
    if (day < earliest) day = earliest;
    const total = { entered: 0, control: 0, skipped: 0 };
    for (; day <= today; day = addDays(day, 1)) {
      const ids = await customersDueOn(deps.db, entry, day);
      const report = await enterOnce(
        deps,
        { journeyId: version.journey_id, versionId: version.id },
        `${DATE}${day}`,
        ids,
        at,
        // the holding falling due that the day's entries are about (a catch-up day's, not today's)
        entry.field === 'birthday' ? undefined : shiftDay(day, entry.daysBefore),
      );
      if (report === 'already') continue;
      total.entered += report.entered;
      total.control += report.control;
      total.skipped += report.skipped;
    }
    out.set(version.journey_id, total);
  }
  return out;
}
