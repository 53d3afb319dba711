import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { Failure as ValueFailure, toTimestamp } from '../ingest/values.ts';
import type { BusinessCalendar } from '../shared/clock.ts';
import { parseCsvText } from '../shared/csv.ts';
import { err, ok, validationFailed, type LocatedIssue, type Result } from '../shared/errors.ts';
import { checkInWindow } from './attend.ts';
import { findCustomers, phoneHash, lockActivity, type ActivityDeps } from './service.ts';

// An attendance sheet: CSV with a header naming `customer_no` or `phone` and `checked_in_at` (ISO 8601, or
// 'YYYY-MM-DD hh:mm' read in the bank's zone). All rows or none: every problem names its row (the data row, 1 = the
// first after the header), its field and the reason — an unknown person, the same person twice in the file, someone
// already checked in, a time outside the activity's check-in window. A known customer not invited is a walk-in.

/** At most this many rows a sheet. */
export const MAX_SHEET_ROWS = 20_000;

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2}))?$/;

/** A sheet's time: with an offset as written, else the bank's wall clock (a sign-in sheet is written locally). */
function sheetTime(value: string, calendar: BusinessCalendar): number | ValueFailure {
  const parsed = toTimestamp(value, calendar);
  const local = LOCAL_TIME.exec(value);
  if (parsed instanceof ValueFailure || !local) return parsed;
  return calendar.at(local[1]!, local[2]!).getTime() + Number(local[3] ?? 0) * 1000;
}

/** What importing a sheet did. */
export interface AttendanceReport {
  readonly rows: number;
  /** Invitees checked in by the sheet. */
  readonly checkedIn: number;
  /** Customers who came without being on the activity, added as walk-ins. */
  readonly walkIns: number;
}

/** Imports an attendance sheet into an open activity: every row checked in, or nothing written and every problem. */
export async function importAttendance(
  deps: ActivityDeps,
  actor: string,
  activityId: number,
  csv: string,
): Promise<Result<AttendanceReport>> {
  const items = parseCsvText(csv.replace(/^\uFEFF/, ''));
  const broken = items.flatMap((item) =>
    item.kind === 'problem'
      ? [{ path: ['line', item.line], message: `line ${item.line}: ${item.reason}` }]
      : [],
  );
  if (broken.length) return err(validationFailed(broken[0]!.message, broken));
  const records = items.flatMap((item) => (item.kind === 'record' ? [item.values] : []));
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [noAt, phoneAt, timeAt] = [col('customer_no'), col('phone'), col('checked_in_at')];
  const headerIssues: LocatedIssue[] = [];
  if (noAt < 0 && phoneAt < 0)
    headerIssues.push({ path: ['header'], message: 'name a customer_no or a phone column' });
  if (timeAt < 0) headerIssues.push({ path: ['header'], message: 'name a checked_in_at column' });
  const rows = records.slice(1).filter((r) => r.some((v) => v.trim() !== ''));
  if (rows.length === 0) headerIssues.push({ path: ['rows'], message: 'the sheet has no rows' });
  if (rows.length > MAX_SHEET_ROWS)
    headerIssues.push({ path: ['rows'], message: `at most ${MAX_SHEET_ROWS} rows a sheet` });
  if (headerIssues.length) return err(validationFailed(headerIssues[0]!.message, headerIssues));
  const cell = (r: readonly string[], at: number) => (at >= 0 ? (r[at] ?? '').trim() : '');
  const numbers = rows.map((r) => cell(r, noAt)).filter(Boolean);
  const phones = rows.map((r) => cell(r, phoneAt)).filter(Boolean);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<AttendanceReport>> => {
    const locked = await lockActivity(tx, activityId, ['open'], 'import attendance');
    if (!locked.ok) return locked;
    const window = checkInWindow(locked.value);
    const { byNo, byPhone } = await findCustomers(tx, numbers, phones);
    const invitees = new Map(
      (
        await tx
          .selectFrom('activity_invitees')
          .select(['customer_id', 'checked_in_at'])
          .where('activity_id', '=', activityId)
          .execute()
      ).map((i) => [i.customer_id, i.checked_in_at]),
    );
    const issues: LocatedIssue[] = [];
    const seen = new Map<number, number>();
    const good: { id: number; at: Date }[] = [];
    rows.forEach((r, i) => {
      const row = i + 1;
      const problem = (field: string, message: string) =>
        issues.push({ path: ['rows', row, field], message: `row ${row}, ${field}: ${message}` });
      const no = cell(r, noAt);
      const phone = cell(r, phoneAt);
      let id: number | undefined;
      if (no) {
        id = byNo.get(no);
        if (id === undefined) problem('customer_no', `no customer ${no}`);
      } else if (phone) {
        id = byPhone.get(phoneHash(phone));
        if (id === undefined) problem('phone', 'no customer has this phone');
      } else problem(noAt >= 0 ? 'customer_no' : 'phone', 'empty: who attended?');
      const time = sheetTime(cell(r, timeAt), deps.clock);
      let at: Date | undefined;
      if (time instanceof ValueFailure) problem('checked_in_at', time.reason);
      else if (time < window.from.getTime() || time > window.to.getTime())
        problem(
          'checked_in_at',
          `${new Date(time).toISOString()} is outside the activity (check-in ${window.from.toISOString()} to ${window.to.toISOString()})`,
        );
      else at = new Date(time);
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined)
        return problem(no ? 'customer_no' : 'phone', `the same person as row ${first}`);
      seen.set(id, row);
      if (invitees.get(id)) return problem(no ? 'customer_no' : 'phone', 'already checked in');
      if (at) good.push({ id, at });
    });
    if (issues.length)
      return err(
        validationFailed(`the sheet has ${issues.length} problem(s): ${issues[0]!.message}`, issues),
      );
    const walkIns = good.filter((g) => !invitees.has(g.id));
    await sql`
      insert into activity_invitees (activity_id, customer_id, source, checked_in_at, check_in_by)
      select ${activityId}, t.id, case when t.walk_in then 'walk_in' else 'invited' end, t.at, ${actor}
        from unnest(${good.map((g) => g.id)}::int[], ${good.map((g) => g.at.toISOString())}::timestamptz[],
                    ${good.map((g) => !invitees.has(g.id))}::boolean[]) as t(id, at, walk_in)
      on conflict (activity_id, customer_id) do update
        set checked_in_at = excluded.checked_in_at, check_in_by = excluded.check_in_by`.execute(tx);
    const report = { rows: rows.length, checkedIn: good.length - walkIns.length, walkIns: walkIns.length };
    await recordAudit(tx, {
      actor,
      action: 'activity.attendance_import',
      entityType: 'activity',
      entityId: String(activityId),
      details: report,
      at: now,
    });
    return ok(report);
  });
}
