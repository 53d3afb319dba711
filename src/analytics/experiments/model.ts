import { z } from 'zod';
import { text } from '../../shared/text.ts';

// What an experiment is: its definition (arms, control, metrics, expected allocation) as the import's mapping file
// declares it (section "experiment"), possibly overridden from the command line. Pure: no store, no Fastify.

/** Experiment ids: safe in URLs and file names. */
export const EXPERIMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Metric names: JSON keys of `experiment_units.metrics`, also mapping targets `metrics.<name>`. */
export const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export const METRIC_KINDS = ['binary', 'numeric'] as const;
/** binary: 0/1 per unit (a rate per arm); numeric: any finite number (a mean per arm). */
export type MetricKind = (typeof METRIC_KINDS)[number];

// text(): names and descriptions are stored in PostgreSQL, whether they came over HTTP or in a mapping file.
const armName = text().trim().min(1).max(100);

/** A complete experiment definition (after the mapping's section and the command-line overrides are merged). */
export const experimentSpecSchema = z.strictObject({
  id: z.string().regex(EXPERIMENT_ID, 'id: 1-64 letters, digits, _ or -'),
  name: text().trim().min(1).max(200),
  description: text().max(2000).nullable().optional(),
  /** The arm every other arm is compared with. */
  control: armName,
  /** Metric name → kind; at least one. */
  metrics: z
    .record(
      z.string().regex(METRIC_NAME, 'metric names: a letter or _, then letters, digits or _'),
      z.enum(METRIC_KINDS),
    )
    .refine((m) => Object.keys(m).length > 0, 'at least one metric'),
  /** Expected share of units per arm (weights, any positive scale); default: equal across the arms found. */
  allocation: z.record(armName, z.number().positive().finite()).nullable().optional(),
});
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;

/** The mapping file's `experiment` section: any part of the definition (the rest comes from options). */
export const experimentSectionSchema = experimentSpecSchema.partial();
export type ExperimentSection = z.infer<typeof experimentSectionSchema>;

/** Merges the mapping's section with overrides (overrides win) and checks the whole; every problem is listed. */
export function resolveExperimentSpec(
  section: ExperimentSection | undefined,
  overrides: ExperimentSection | undefined,
): { ok: true; value: ExperimentSpec } | { ok: false; problems: string[] } {
  const merged: Record<string, unknown> = { ...(section ?? {}) };
  for (const [k, v] of Object.entries(overrides ?? {})) if (v !== undefined) merged[k] = v;
  const parsed = experimentSpecSchema.safeParse(merged);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const where = `experiment${i.path.length ? '.' + i.path.join('.') : ''}`;
        return i.code === 'invalid_type' && /undefined/.test(i.message)
          ? `${where}: required (in the mapping's "experiment" section or as an option)`
          : `${where}: ${i.message}`;
      }),
    };
  }
  const spec = parsed.data;
  if (spec.allocation && !(spec.control in spec.allocation)) {
    return {
      ok: false,
      problems: [`experiment.allocation: gives no weight to the control arm "${spec.control}"`],
    };
  }
  return { ok: true, value: spec };
}

/** A stored experiment as the API lists it. */
export interface ExperimentSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly control: string;
  readonly metrics: { readonly name: string; readonly kind: MetricKind }[];
  readonly allocation: Readonly<Record<string, number>> | null;
  /** Units per arm, arms by name. */
  readonly arms: { readonly arm: string; readonly units: number }[];
  readonly units: number;
  readonly createdBy: string;
  readonly createdAt: string;
  /** When an import last changed its definition or units (the data freshness of its analysis). */
  readonly dataChangedAt: string;
}
