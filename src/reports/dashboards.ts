import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { UserRole } from '../auth/principal.ts';
import { err, ok, validationFailed, type Failure, type LocatedIssue, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { DashboardTable } from '../store/operational/report-tables.ts';
import { changeable, distinctRoles, editableBy, iso, notFound, visibleTo } from './access.ts';
import type { Dashboard, DashboardInput, DashboardSummary, Viewer } from './model.ts';
import { reportOf } from './reports.ts';

// Dashboards (看板): saved reports as cards in order, each half or full width, shared by role like reports. A card
// whose report the viewer may not see is kept in place and answered without its report, so the layout stays the
// owner's and nothing of the hidden report is disclosed.

type Db = Kysely<Database>;

function summaryOf(row: Selectable<DashboardTable>, viewer: Viewer, cardCount: number): DashboardSummary {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    sharedRoles: row.shared_roles as UserRole[],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    editable: editableBy(viewer, row.owner),
    cardCount,
  };
}

/** Dashboards: list, read with their cards, create, update, delete (changes audited in their own transaction). */
export class DashboardService {
  constructor(private readonly db: Db) {}

  /** The dashboards the viewer may see, most recently changed first, with their number of cards. */
  async list(viewer: Viewer): Promise<DashboardSummary[]> {
    const rows = await this.db
      .selectFrom('dashboards')
      .selectAll()
      .select((eb) =>
        eb
          .selectFrom('dashboard_cards')
          .select((c) => c.fn.countAll<number>().as('n'))
          .whereRef('dashboard_cards.dashboard_id', '=', 'dashboards.id')
          .as('card_count'),
      )
      .where(visibleTo<'dashboards'>(viewer))
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(({ card_count, ...row }) => summaryOf(row, viewer, Number(card_count ?? 0)));
  }

  /** One dashboard with its cards in order; not_found when the viewer may not see it. */
  async get(viewer: Viewer, id: number, db: Db = this.db): Promise<Result<Dashboard, Failure>> {
    const row = await db
      .selectFrom('dashboards')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'dashboards'>(viewer))
      .executeTakeFirst();
    if (!row) return err(notFound('dashboard', id));
    const cards = await db
      .selectFrom('dashboard_cards')
      .innerJoin('reports', 'reports.id', 'dashboard_cards.report_id')
      .selectAll('reports')
      .select(['dashboard_cards.size', 'dashboard_cards.position'])
      .where('dashboard_cards.dashboard_id', '=', id)
      .orderBy('dashboard_cards.position')
      .execute();
    const visible = new Set(
      (
        await db
          .selectFrom('reports')
          .select('id')
          .where('id', 'in', cards.map((c) => c.id).concat(-1))
          .where(visibleTo<'reports'>(viewer))
          .execute()
      ).map((r) => r.id),
    );
    return ok({
      ...summaryOf(row, viewer, cards.length),
      cards: cards.map(({ size, position: _position, ...report }) => ({
        reportId: report.id,
        size,
        report: visible.has(report.id) ? reportOf(report, viewer) : null,
      })),
    });
  }

  /** Saves a new dashboard; every card's report must be one the viewer may see. */
  async create(viewer: Viewer, input: DashboardInput): Promise<Result<Dashboard, Failure>> {
    return this.db.transaction().execute(async (trx) => {
      const checked = await checkCards(trx, viewer, input);
      if (!checked.ok) return checked;
      const row = await trx
        .insertInto('dashboards')
        .values({
          name: input.name,
          owner: viewer.actor,
          shared_roles: JSON.stringify(distinctRoles(input.sharedRoles)),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeCards(trx, row.id, input);
      await audit(trx, viewer, 'dashboard.create', row.id, input);
      return this.get(viewer, row.id, trx);
    });
  }

  /** Replaces a dashboard's name, sharing and cards (its owner or an administrator). */
  async update(viewer: Viewer, id: number, input: DashboardInput): Promise<Result<Dashboard, Failure>> {
    return this.db.transaction().execute(async (trx) => {
      const found = await writable(trx, viewer, id);
      if (!found.ok) return found;
      const checked = await checkCards(trx, viewer, input);
      if (!checked.ok) return checked;
      await trx
        .updateTable('dashboards')
        .set({
          name: input.name,
          shared_roles: JSON.stringify(distinctRoles(input.sharedRoles)),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('dashboard_cards').where('dashboard_id', '=', id).execute();
      await writeCards(trx, id, input);
      await audit(trx, viewer, 'dashboard.update', id, input);
      return this.get(viewer, id, trx);
    });
  }

  /** Deletes a dashboard and its cards (the reports stay). */
  async delete(viewer: Viewer, id: number): Promise<Result<{ id: number }, Failure>> {
    return this.db.transaction().execute(async (trx) => {
      const found = await writable(trx, viewer, id);
      if (!found.ok) return found;
      await trx.deleteFrom('dashboards').where('id', '=', id).execute();
      await recordAudit(trx, {
        actor: viewer.actor,
        action: 'dashboard.delete',
        entityType: 'dashboard',
        entityId: String(id),
        details: { name: found.value.name },
      });
      return ok({ id });
    });
  }
}

async function writable(trx: Db, viewer: Viewer, id: number): Promise<Result<DashboardSummary, Failure>> {
  const row = await trx
    .selectFrom('dashboards')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo<'dashboards'>(viewer))
    .forUpdate()
    .executeTakeFirst();
  const found = changeable(row, viewer, 'dashboard', id);
  return found.ok ? ok(summaryOf(found.value, viewer, 0)) : found;
}

/** Every card names a report the viewer may see: located issues (/cards/<i>/reportId) otherwise. */
async function checkCards(trx: Db, viewer: Viewer, input: DashboardInput): Promise<Result<true, Failure>> {
  const ids = input.cards.map((c) => c.reportId);
  const seen = new Set(
    ids.length === 0
      ? []
      : (
          await trx
            .selectFrom('reports')
            .select('id')
            .where('id', 'in', ids)
            .where(visibleTo<'reports'>(viewer))
            .execute()
        ).map((r) => r.id),
  );
  const issues: LocatedIssue[] = input.cards.flatMap((c, i) =>
    seen.has(c.reportId)
      ? []
      : [{ path: ['cards', i, 'reportId'], message: `no report ${c.reportId} you may see` }],
  );
  return issues.length === 0 ? ok(true) : err(validationFailed('a card names an unknown report', issues));
}

async function writeCards(trx: Db, dashboardId: number, input: DashboardInput): Promise<void> {
  if (input.cards.length === 0) return;
  await trx
    .insertInto('dashboard_cards')
    .values(
      input.cards.map((c, position) => ({
        dashboard_id: dashboardId,
        position,
        report_id: c.reportId,
        size: c.size,
      })),
    )
    .execute();
}

async function audit(
  trx: Db,
  viewer: Viewer,
  action: string,
  id: number,
  input: DashboardInput,
): Promise<void> {
  await recordAudit(trx, {
    actor: viewer.actor,
    action,
    entityType: 'dashboard',
    entityId: String(id),
    details: {
      name: input.name,
      sharedRoles: distinctRoles(input.sharedRoles),
      cards: input.cards.map((c) => ({ reportId: c.reportId, size: c.size })),
    },
  });
}
