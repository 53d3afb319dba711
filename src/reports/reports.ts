import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { UserRole } from '../auth/principal.ts';
import { err, ok, schemaIssues, validationFailed, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { ReportTable } from '../store/operational/report-tables.ts';
import { changeable, distinctRoles, editableBy, iso, notFound, visibleTo } from './access.ts';
import type { DefinitionSchemas, Report, ReportInput, Viewer } from './model.ts';

// Saved reports: an analysis's definition under a name, owned and shared by role. The definition is checked with the
// analysis route's own request schema when it is saved, so a saved report always re-runs; the result is never stored
// (a report is refreshed by running its definition again).

type Db = Kysely<Database>;

/** A stored row as the API answers it, for one viewer. */
export function reportOf(row: Selectable<ReportTable>, viewer: Viewer): Report {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    definition: row.definition,
    owner: row.owner,
    sharedRoles: row.shared_roles as UserRole[],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    editable: editableBy(viewer, row.owner),
  };
}

/** Saved reports: list, read, create, update, delete (changes audited in their own transaction). */
export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly schemas: DefinitionSchemas,
  ) {}

  /** The reports the viewer may see, most recently changed first. */
  async list(viewer: Viewer): Promise<Report[]> {
    const rows = await this.db
      .selectFrom('reports')
      .selectAll()
      .where(visibleTo<'reports'>(viewer))
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => reportOf(r, viewer));
  }

  /** One report the viewer may see; not_found otherwise. */
  async get(viewer: Viewer, id: number, db: Db = this.db): Promise<Result<Report, Failure>> {
    const row = await db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'reports'>(viewer))
      .executeTakeFirst();
    return row ? ok(reportOf(row, viewer)) : err(notFound('report', id));
  }

  /** Saves a new report after checking its definition against its kind's analysis schema. */
  async create(viewer: Viewer, input: ReportInput): Promise<Result<Report, Failure>> {
    const checked = this.check(input);
    if (!checked.ok) return checked;
    return ok(
      await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('reports')
          .values({
            name: input.name,
            kind: input.kind,
            definition: JSON.stringify(checked.value),
            owner: viewer.actor,
            shared_roles: JSON.stringify(distinctRoles(input.sharedRoles)),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          actor: viewer.actor,
          action: 'report.create',
          entityType: 'report',
          entityId: String(row.id),
          details: { name: row.name, kind: row.kind, sharedRoles: row.shared_roles },
        });
        return reportOf(row, viewer);
      }),
    );
  }

  /** Replaces a report's name, kind, definition and sharing (its owner or an administrator). */
  async update(viewer: Viewer, id: number, input: ReportInput): Promise<Result<Report, Failure>> {
    const checked = this.check(input);
    if (!checked.ok) return checked;
    return this.db.transaction().execute(async (trx) => {
      const found = await this.writable(trx, viewer, id);
      if (!found.ok) return found;
      const row = await trx
        .updateTable('reports')
        .set({
          name: input.name,
          kind: input.kind,
          definition: JSON.stringify(checked.value),
          shared_roles: JSON.stringify(distinctRoles(input.sharedRoles)),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor: viewer.actor,
        action: 'report.update',
        entityType: 'report',
        entityId: String(id),
        details: { name: row.name, kind: row.kind, sharedRoles: row.shared_roles },
      });
      return ok(reportOf(row, viewer));
    });
  }

  /** Deletes a report (its owner or an administrator); its cards leave every dashboard. */
  async delete(viewer: Viewer, id: number): Promise<Result<{ id: number }, Failure>> {
    return this.db.transaction().execute(async (trx) => {
      const found = await this.writable(trx, viewer, id);
      if (!found.ok) return found;
      await trx.deleteFrom('reports').where('id', '=', id).execute();
      await recordAudit(trx, {
        actor: viewer.actor,
        action: 'report.delete',
        entityType: 'report',
        entityId: String(id),
        details: { name: found.value.name, kind: found.value.kind },
      });
      return ok({ id });
    });
  }

  /**
   * The definition as its kind's schema reads it (keys the analysis ignores left out, so nothing unchecked is stored):
   * located issues under /definition when it would not run.
   */
  private check(input: ReportInput): Result<unknown, Failure> {
    const parsed = this.schemas[input.kind].safeParse(input.definition);
    if (parsed.success) return ok(parsed.data);
    return err(
      validationFailed(
        `the definition is not a valid ${input.kind} analysis`,
        schemaIssues(parsed.error.issues).map((i) => ({ ...i, path: ['definition', ...i.path] })),
      ),
    );
  }

  /** The report, locked for the change, when the viewer may change it. */
  private async writable(trx: Db, viewer: Viewer, id: number): Promise<Result<Report, Failure>> {
    const row = await trx
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'reports'>(viewer))
      .forUpdate()
      .executeTakeFirst();
    const found = changeable(row, viewer, 'report', id);
    return found.ok ? ok(reportOf(found.value, viewer)) : found;
  }
}
