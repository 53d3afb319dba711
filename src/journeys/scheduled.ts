import { sql } from 'kysely';
import { dueSlot } from '../campaigns/schedule.ts';
import type { AudienceResolver } from '../campaigns/service.ts';
import type { EnterDeps, EnterReport } from './enter.ts';
import { openVersions } from './events.ts';
import { enterOnce } from './triggers.ts';

// Schedule entries: a journey entered on a schedule over a population (the campaigns' schedule: now, at an instant,
// daily, weekly, monthly on the bank's wall clock) takes the population's members once per due slot, on the worker's
// tick. The slot is the campaign scheduler's (dueSlot: the latest slot not yet run, so a worker down over several
// slots enters only the latest), and it is claimed in journey_entry_runs ('slot:<ISO instant>') in the transaction
// of its entries, so a crash or two workers never enter a slot twice.

/** What schedule entries need: the population's members now (the campaign scheduler's audience). */
export interface ScheduleDeps extends EnterDeps {
  readonly audience: AudienceResolver;
}

/** A slot's outcome for one journey: its entries, 'already' (another worker took it) or why its population failed. */
export type SlotOutcome = (EnterReport & { readonly slot: Date }) | 'already' | { readonly error: string };

const SLOT = 'slot:';

/** Enters the members of every live schedule journey's population whose slot is due at `now`; outcomes per journey. */
export async function enterBySchedules(deps: ScheduleDeps, now: Date): Promise<Map<number, SlotOutcome>> {
  const out = new Map<number, SlotOutcome>();
  for (const version of await openVersions(deps.db)) {
    const entry = version.body.entry;
    if (entry.kind !== 'schedule' || version.status !== 'live' || version.current_version !== version.id)
      continue;
    // Run keys are 'slot:' + an ISO instant, which sort as the instants do.
    const { rows } = await sql<{ key: string | null }>`
      select max(run_key) as key from journey_entry_runs
       where journey_id = ${version.journey_id} and run_key like ${`${SLOT}%`}`.execute(deps.db);
    const last = rows[0]?.key ? new Date(rows[0].key.slice(SLOT.length)) : undefined;
    const published = version.published_at;
    const after = last ?? new Date(published.getTime() - 1);
    const slot = dueSlot(entry.schedule, deps.clock, now, after, published, last !== undefined);
    if (!slot) continue;
    const members = await deps.audience(entry.population);
    if (!members.ok) {
      // Not claimed: the next tick tries the slot again.
      out.set(version.journey_id, { error: members.error.message });
      continue;
    }
    const report = await enterOnce(
      deps,
      { journeyId: version.journey_id, versionId: version.id },
      `${SLOT}${slot.toISOString()}`,
      members.value.bitmap.toArray(),
      now,
    );
    out.set(version.journey_id, report === 'already' ? report : { ...report, slot });
  }
  return out;
}
