import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ArmStats } from './lift.ts';
import type { ExperimentSummary, MetricKind } from './model.ts';

// Reads and deletes stored experiments (imports write them: import.ts). Aggregates run in the operational store, one
// grouped statement per analysis: n, Σ, mean and sample variance per arm and metric (PostgreSQL's float8 avg and
// var_samp are numerically stable), so no unit is read into memory.

type Db = Kysely<Database>;

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/** Every experiment with its arms' unit counts, most recently changed first. */
export async function listExperiments(db: Db): Promise<ExperimentSummary[]> {
  const rows = await db
    .selectFrom('experiments')
    .selectAll()
    .orderBy('data_changed_at', 'desc')
    .orderBy('id')
    .execute();
  const counts = await db
    .selectFrom('experiment_units')
    .select(['experiment_id', 'arm', sql<number>`count(*)::int`.as('units')])
    .groupBy(['experiment_id', 'arm'])
    .orderBy('experiment_id')
    .orderBy('arm')
    .execute();
  return rows.map((r) =>
    summary(
      r,
      counts.filter((c) => c.experiment_id === r.id),
    ),
  );
}

/** One experiment, or null. */
export async function getExperiment(db: Db, id: string): Promise<ExperimentSummary | null> {
  const row = await db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const counts = await db
    .selectFrom('experiment_units')
    .select(['arm', sql<number>`count(*)::int`.as('units')])
    .where('experiment_id', '=', id)
    .groupBy('arm')
    .orderBy('arm')
    .execute();
  return summary(row, counts);
}

function summary(
  r: {
    id: string;
    name: string;
    description: string | null;
    control_arm: string;
    metrics: { name: string; kind: MetricKind }[];
    allocation: Record<string, number> | null;
    created_by: string;
    created_at: Date;
    data_changed_at: Date;
  },
  counts: readonly { arm: string; units: number }[],
): ExperimentSummary {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    control: r.control_arm,
    metrics: r.metrics,
    allocation: r.allocation,
    arms: counts.map((c) => ({ arm: c.arm, units: c.units })),
    units: counts.reduce((s, c) => s + c.units, 0),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    dataChangedAt: iso(r.data_changed_at),
  };
}

/** Deletes an experiment and its units, audited in the same transaction; false when there was none. */
export async function deleteExperiment(db: Db, id: string, actor: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const units = await trx
      .selectFrom('experiment_units')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('experiment_id', '=', id)
      .executeTakeFirst();
    const gone = await trx
      .deleteFrom('experiments')
      .where('id', '=', id)
      .returning('name')
      .executeTakeFirst();
    if (!gone) return false;
    await recordAudit(trx, {
      actor,
      action: 'experiment.delete',
      entityType: 'experiment',
      entityId: id,
      details: { name: gone.name, units: units?.n ?? 0 },
    });
    return true;
  });
}

/** Per arm: units, and n, Σ, mean and sample variance of each metric (arms by name). */
export async function armStatistics(
  db: Db,
  id: string,
  metrics: readonly string[],
): Promise<{ arm: string; units: number; metrics: Map<string, Omit<ArmStats, 'arm' | 'units'>> }[]> {
  // Metric names travel as bound parameters (`metrics->>$n`); only the generated aliases are raw SQL.
  const columns = metrics.flatMap((m, i) => {
    const v = sql`(metrics->>${m})::float8`;
    return [
      sql`count(${v})::int as ${sql.raw(`n_${i}`)}`,
      sql`coalesce(sum(${v}), 0)::float8 as ${sql.raw(`sum_${i}`)}`,
      sql`avg(${v})::float8 as ${sql.raw(`mean_${i}`)}`,
      sql`var_samp(${v})::float8 as ${sql.raw(`var_${i}`)}`,
    ];
  });
  const result = await sql<Record<string, number | string | null>>`
    select arm, count(*)::int as units${columns.length ? sql`, ${sql.join(columns)}` : sql``}
    from experiment_units where experiment_id = ${id} group by arm order by arm`.execute(db);
  return result.rows.map((row) => ({
    arm: String(row['arm']),
    units: Number(row['units']),
    metrics: new Map(
      metrics.map((m, i) => {
        const num = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
        return [
          m,
          {
            n: num(`n_${i}`) ?? 0,
            sum: num(`sum_${i}`) ?? 0,
            mean: num(`mean_${i}`),
            variance: num(`var_${i}`),
          },
        ];
      }),
    ),
  }));
}
