import type { Kysely } from 'kysely';
import { err, ok, type ErrorCode, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';
import {
  metricLift,
  sampleRatioCheck,
  type ArmStats,
  type MetricLift,
  type SampleRatioCheck,
} from './lift.ts';
import type { ExperimentSummary } from './model.ts';
import { armStatistics, getExperiment } from './store.ts';

// The lift analysis of a stored experiment: aggregates per arm from the store, then the pure statistics of lift.ts.

/** Why an analysis was refused; `details.reason` is stable for clients. */
export interface LiftFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: {
    readonly reason: 'unknown_metric' | 'one_arm' | 'unknown_control_arm' | 'bad_confidence';
    readonly [key: string]: unknown;
  };
}

/** What the analysis may be asked. */
export interface LiftRequest {
  /** One metric (default: every metric of the experiment). */
  readonly metric?: string;
  /** Confidence level of the intervals (default 0.95); α = 1 − confidence for tests, MDE and power. */
  readonly confidence?: number;
  /** Compare against this arm instead of the experiment's control. */
  readonly control?: string;
}

/** The answer of `GET /v1/analytics/experiments/:id/lift` and `flywheel analyze lift`. */
export interface LiftAnalysis {
  readonly experiment: ExperimentSummary;
  readonly control: string;
  readonly confidence: number;
  readonly alpha: number;
  /** The power the minimum detectable effect is computed for. */
  readonly power: number;
  /** Sample-ratio mismatch of the arms' unit counts against the expected allocation. */
  readonly srm: SampleRatioCheck | null;
  readonly srmReason: string | null;
  readonly metrics: MetricLift[];
  /** When an import last changed the experiment (the data freshness of these figures). */
  readonly dataChangedAt: string;
  readonly elapsedMs: number;
}

const POWER = 0.8;

/** Analyses one experiment: every arm against the control, per metric, with the sample-ratio check. */
export async function analyseExperiment(
  db: Kysely<Database>,
  id: string,
  request: LiftRequest = {},
): Promise<Result<LiftAnalysis, LiftFailure>> {
  const t0 = performance.now();
  const confidence = request.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1))
    return err({
      code: 'bad_request',
      message: `confidence must be between 0.5 and 1 (exclusive), got ${confidence}`,
      details: { reason: 'bad_confidence' },
    });
  const experiment = await getExperiment(db, id);
  if (!experiment) return err({ code: 'not_found', message: `no experiment ${id}` });
  const metrics = request.metric
    ? experiment.metrics.filter((m) => m.name === request.metric)
    : experiment.metrics;
  if (metrics.length === 0)
    return err({
      code: 'bad_request',
      message: `experiment ${id} has no metric ${request.metric} (metrics: ${experiment.metrics.map((m) => m.name).join(', ')})`,
      details: { reason: 'unknown_metric', metrics: experiment.metrics.map((m) => m.name) },
    });

  const stats = await armStatistics(
    db,
    id,
    metrics.map((m) => m.name),
  );
  const withUnits = stats.map((s) => s.arm);
  if (withUnits.length < 2)
    return err({
      code: 'bad_request',
      message:
        withUnits.length === 0
          ? `experiment ${id} has no units: nothing to compare`
          : `experiment ${id} has one arm (${withUnits[0]}): lift needs a control and at least one other arm`,
      details: { reason: 'one_arm', arms: withUnits },
    });
  const control = request.control ?? experiment.control;
  if (!withUnits.includes(control))
    return err({
      code: 'bad_request',
      message: `control arm "${control}" has no units in experiment ${id} (arms: ${withUnits.join(', ')})`,
      details: { reason: 'unknown_control_arm', control, arms: withUnits },
    });

  // Arms named by the allocation but absent from the data are shown with 0 units (and flagged by the SRM check).
  const absent = Object.keys(experiment.allocation ?? {}).filter((a) => !withUnits.includes(a));
  const order = [control, ...[...withUnits, ...absent].filter((a) => a !== control).sort()];
  const lifts = metrics.map((m) =>
    metricLift(
      m.name,
      m.kind,
      order.map((arm): ArmStats => {
        const s = stats.find((x) => x.arm === arm);
        const v = s?.metrics.get(m.name);
        return {
          arm,
          units: s?.units ?? 0,
          n: v?.n ?? 0,
          sum: v?.sum ?? 0,
          mean: v?.mean ?? null,
          variance: v?.variance ?? null,
        };
      }),
      control,
      { confidence, power: POWER },
    ),
  );
  const { srm, srmReason } = sampleRatioCheck(
    stats.map((s) => ({ arm: s.arm, units: s.units })),
    experiment.allocation,
  );
  return ok({
    experiment,
    control,
    confidence,
    alpha: Math.round((1 - confidence) * 1e12) / 1e12,
    power: POWER,
    srm,
    srmReason,
    metrics: lifts,
    dataChangedAt: experiment.dataChangedAt,
    elapsedMs: Math.round((performance.now() - t0) * 10) / 10,
  });
}
