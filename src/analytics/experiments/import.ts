import { sql, type Transaction } from 'kysely';
import type { Rejection } from '../../ingest/errors-file.ts';
import { mappingRefused, type Mapping, type MappingProblem } from '../../ingest/mapping.ts';
import { customerIds, type BatchOutcome, type BatchRow } from '../../ingest/operational.ts';
import type { ImportTarget } from '../../ingest/target.ts';
import { Failure, toBoolean, toNumber } from '../../ingest/values.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';
import { resolveExperimentSpec, type ExperimentSection, type ExperimentSpec } from './model.ts';

// The `experiment` kind of `flywheel import` (and of the upload route): the generic runner (src/ingest/run.ts) reads,
// maps and batches the rows; this module checks the experiment's definition against the mapping before any row is
// read, writes the definition, and upserts the units by (experiment, unit key) in the import's transaction, so a
// rejected file leaves neither definition nor units behind.

/** What the import did to the experiment's definition (the units are counted like any import's rows). */
export interface ExperimentImportInfo {
  readonly id: string;
  definition: 'created' | 'updated' | 'unchanged';
}

/**
 * The experiment definition of an import: the mapping's `experiment` section merged with `overrides`, checked whole,
 * and checked against the mapping's `metrics.<name>` targets (each declared metric mapped, nothing undeclared).
 */
export function experimentOfMapping(
  mapping: Mapping,
  overrides: ExperimentSection | undefined,
): Result<ExperimentSpec, MappingProblem> {
  const resolved = resolveExperimentSpec(mapping.experiment as ExperimentSection | undefined, overrides);
  const problems = resolved.ok ? [] : [...resolved.problems];
  if (resolved.ok) {
    const declared = new Set(Object.keys(resolved.value.metrics));
    const targets = [...Object.keys(mapping.columns), ...Object.keys(mapping.constants ?? {})];
    const mapped = new Set(
      targets.filter((t) => t.startsWith('metrics.')).map((t) => t.slice('metrics.'.length)),
    );
    const undeclared = [...mapped].filter((m) => !declared.has(m));
    if (undeclared.length)
      problems.push(
        `metrics.${undeclared.join(', metrics.')}: not declared in experiment.metrics (declared: ${[...declared].join(', ')})`,
      );
    const unmapped = [...declared].filter((m) => !mapped.has(m));
    if (unmapped.length)
      problems.push(`experiment metric(s) ${unmapped.join(', ')} not mapped: add columns "metrics.<name>"`);
    if (targets.includes('metrics'))
      problems.push('map metrics one by one as "metrics.<name>", not "metrics"');
  }
  if (problems.length) return err(mappingRefused(`experiment import: ${problems.join('; ')}`, problems));
  return ok((resolved as { ok: true; value: ExperimentSpec }).value);
}

/** Parses one metric value by its kind: binary → 0 | 1 (also true/false, yes/no), numeric → a finite number. */
export function metricValue(raw: unknown, kind: 'binary' | 'numeric'): number | Failure {
  if (raw === null || raw === undefined || raw === '')
    return new Failure('metric value missing (give the column a "default" to fill empty cells)');
  if (kind === 'numeric') return toNumber(raw);
  const b = toBoolean(raw);
  return b instanceof Failure
    ? new Failure('binary metric must be 0 or 1 (or true/false, yes/no)')
    : b
      ? 1
      : 0;
}

/**
 * The import target of kind `experiment` (src/ingest/target.ts), which callers hand to runImport: the definition is
 * checked against the mapping before any row is read, then written in the import's transaction with the units.
 */
export const experimentImportTarget: ImportTarget = {
  store: 'operational',
  prepare: (mapping, section) => experimentOfMapping(mapping, section as ExperimentSection | undefined),
  async open(trx, { actor, plan }) {
    const info: { value?: ExperimentImportInfo } = {};
    const write = await experimentWriter(trx, plan as ExperimentSpec, actor, info);
    return { write, report: () => (info.value ? { experiment: info.value } : {}) };
  },
};

/**
 * Writes the definition (insert, or update when it differs) and returns the batch writer of the units. Units are
 * upserted by (experiment, unit_key); a unit equal to the stored one is `unchanged` and not written.
 */
async function experimentWriter(
  trx: Transaction<Database>,
  spec: ExperimentSpec,
  actor: string,
  info: { value?: ExperimentImportInfo },
): Promise<(rows: BatchRow[]) => Promise<BatchOutcome>> {
  const metrics = Object.entries(spec.metrics).map(([name, kind]) => ({ name, kind }));
  const allocation = spec.allocation ? JSON.stringify(spec.allocation) : null;
  const header = await sql<{ inserted: boolean }>`
    insert into experiments (id, name, description, control_arm, metrics, allocation, created_by, updated_by)
    values (${spec.id}, ${spec.name}, ${spec.description ?? null}, ${spec.control}, ${JSON.stringify(metrics)}::jsonb,
      ${allocation}::jsonb, ${actor}, ${actor})
    on conflict (id) do update set name = excluded.name, description = excluded.description,
      control_arm = excluded.control_arm, metrics = excluded.metrics, allocation = excluded.allocation,
      updated_by = excluded.updated_by, data_changed_at = now()
    where (experiments.name, experiments.description, experiments.control_arm, experiments.metrics, experiments.allocation)
      is distinct from (excluded.name, excluded.description, excluded.control_arm, excluded.metrics, excluded.allocation)
    returning (xmax = 0) as inserted`.execute(trx);
  const row = header.rows[0];
  info.value = { id: spec.id, definition: row ? (row.inserted ? 'created' : 'updated') : 'unchanged' };
  let touched = false;

  return async (rows) => {
    const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
    const nos = rows.map((r) => r.data['customer_no']).filter((v): v is string => typeof v === 'string');
    const ids = await customerIds(trx, nos);
    const records: {
      unit_key: unknown;
      arm: unknown;
      customer_id: number | null;
      metrics: Record<string, number>;
    }[] = [];
    for (const r of rows) {
      const problems: Rejection[] = [];
      const given = (r.data['metrics'] ?? {}) as Record<string, unknown>;
      const values: Record<string, number> = {};
      for (const { name, kind } of metrics) {
        const v = metricValue(given[name], kind);
        if (v instanceof Failure)
          problems.push({
            row: r.row,
            line: r.line,
            field: `metrics.${name}`,
            reason: v.reason,
            value: given[name] ?? '',
          });
        else values[name] = v;
      }
      const no = r.data['customer_no'];
      const customerId = typeof no === 'string' ? ids.get(no) : undefined;
      if (typeof no === 'string' && customerId === undefined)
        problems.push({
          row: r.row,
          line: r.line,
          field: 'customer_no',
          reason: 'unknown customer',
          value: no,
        });
      if (problems.length) outcome.rejected.push(problems);
      else
        records.push({
          unit_key: r.data['unit_key'],
          arm: r.data['arm'],
          customer_id: customerId ?? null,
          metrics: values,
        });
    }
    if (records.length === 0) return outcome;
    const counts = await sql<{ inserted: number; updated: number }>`
      with up as (
        insert into experiment_units (experiment_id, unit_key, arm, customer_id, metrics)
        select ${spec.id}, s.unit_key, s.arm, s.customer_id, s.metrics
        from json_to_recordset(${JSON.stringify(records)}::json) as s(unit_key text, arm text, customer_id int, metrics jsonb)
        on conflict (experiment_id, unit_key) do update
          set arm = excluded.arm, customer_id = excluded.customer_id, metrics = excluded.metrics
          where (experiment_units.arm, experiment_units.customer_id, experiment_units.metrics)
            is distinct from (excluded.arm, excluded.customer_id, excluded.metrics)
        returning (xmax = 0) as inserted)
      select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated
      from up`.execute(trx);
    const c = counts.rows[0] ?? { inserted: 0, updated: 0 };
    outcome.inserted = c.inserted;
    outcome.updated = c.updated;
    outcome.unchanged = records.length - c.inserted - c.updated;
    if ((c.inserted || c.updated) && !touched) {
      touched = true;
      // The analysis states when its data last changed.
      await sql`update experiments set data_changed_at = now() where id = ${spec.id}`.execute(trx);
    }
    return outcome;
  };
}
