import type { Population } from '../../contracts/population.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { CustomerIndex } from '../../segments/index.ts';
import type { SegmentFailure, SegmentService } from '../../segments/service.ts';
import { err, ok, type ErrorCode, type Result } from '../../shared/errors.ts';
import { metricLift, type ArmStats, type MetricLift } from './lift.ts';

// Lift between two customer groups (for campaigns: treated customers against a hold-out): treatment and control are
// populations (a saved segment or a rule), the outcome a rule (binary: the share of each group in it) or a numeric attribute (its mean), all
// evaluated on the segment index of a business day. The statistics are lift.ts's. Customers in both groups are left
// out of both (and counted), so the groups compared are disjoint. Groups are not a randomised split: there is no
// expected allocation, so no sample-ratio check, and the lift is an association, not an effect.

/** What to compare. */
export interface GroupLiftRequest {
  readonly treatment: Population;
  readonly control: Population;
  /** `{ rule }`: binary (members of the rule); `{ attribute }`: a numeric customer attribute (its mean). */
  readonly outcome: { readonly rule: unknown } | { readonly attribute: string };
  readonly asOf?: string;
  readonly confidence?: number;
}

/** Why the comparison was refused; `details.reason` is stable. */
export interface GroupLiftFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: { readonly reason: string; readonly [key: string]: unknown };
}

/** The answer of `POST /v1/analytics/lift/groups`. */
export interface GroupLiftAnalysis {
  readonly asOf: string;
  readonly outcome: { readonly kind: 'rule' } | { readonly kind: 'attribute'; readonly attribute: string };
  readonly groups: { readonly treatment: number; readonly control: number; readonly overlap: number };
  readonly confidence: number;
  readonly alpha: number;
  readonly power: number;
  /** One metric, `outcome`, with the arms `control` and `treatment`. */
  readonly lift: MetricLift;
  readonly elapsedMs: number;
}

const refuse = (code: ErrorCode, message: string, details: GroupLiftFailure['details']) =>
  err<GroupLiftFailure>({ code, message, details });

function ruleRefusal(part: string, f: SegmentFailure): Result<never, GroupLiftFailure> {
  const code =
    f.code === 'invalid_rule' ? 'validation_failed' : f.code === 'not_found' ? f.code : 'bad_request';
  return refuse(code, `${part}: ${f.message}`, {
    reason: 'invalid_rule',
    part,
    ...(f.code === 'invalid_rule' ? { issues: f.issues } : {}),
  });
}

/** Σ, mean and sample variance of a numeric column over members that have a value (Welford). */
export function columnStats(
  values: Float64Array,
  members: ReadonlyRoaringBitmap32,
): { n: number; sum: number; mean: number | null; variance: number | null } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let sum = 0;
  for (const o of members.toUint32Array()) {
    const v = values[o];
    if (v === undefined || Number.isNaN(v)) continue;
    n++;
    sum += v;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return { n, sum, mean: n > 0 ? mean : null, variance: n > 1 ? m2 / (n - 1) : null };
}

/** Compares two customer groups on one outcome. */
export async function groupLift(
  service: SegmentService,
  request: GroupLiftRequest,
): Promise<Result<GroupLiftAnalysis, GroupLiftFailure>> {
  const t0 = performance.now();
  const confidence = request.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1))
    return refuse('bad_request', `confidence must be between 0.5 and 1, got ${confidence}`, {
      reason: 'bad_confidence',
    });
  const options = request.asOf ? { asOf: request.asOf } : {};
  const treatment = await service.populationMembers(request.treatment, options.asOf);
  if (!treatment.ok) return ruleRefusal('treatment', treatment.error);
  const entry = treatment.value.entry;
  const control = await service.populationMembers(request.control, entry.asOf);
  if (!control.ok) return ruleRefusal('control', control.error);

  const overlap = RoaringBitmap32.and(treatment.value.bitmap, control.value.bitmap);
  const t = RoaringBitmap32.andNot(treatment.value.bitmap, overlap);
  const c = RoaringBitmap32.andNot(control.value.bitmap, overlap);
  const groups = { treatment: t.size, control: c.size, overlap: overlap.size };
  if (t.size === 0 || c.size === 0)
    return refuse(
      'bad_request',
      `the ${t.size === 0 ? 'treatment' : 'control'} group has no customer${overlap.size ? ' outside the other group' : ''}`,
      { reason: 'empty_group', groups },
    );

  let stats: (members: ReadonlyRoaringBitmap32, arm: string) => ArmStats;
  let kind: 'binary' | 'numeric';
  if ('rule' in request.outcome) {
    const outcome = await service.ruleMembers(request.outcome.rule, entry.asOf);
    if (!outcome.ok) return ruleRefusal('outcome', outcome.error);
    const o = outcome.value.bitmap;
    kind = 'binary';
    stats = (members, arm) => {
      const n = members.size;
      const x = members.andCardinality(o);
      const p = x / n;
      return { arm, units: n, n, sum: x, mean: p, variance: n > 1 ? (n * p * (1 - p)) / (n - 1) : null };
    };
  } else {
    const column = numericColumn(entry.index, request.outcome.attribute);
    if (typeof column === 'string')
      return refuse('bad_request', column, {
        reason: 'unknown_attribute',
        attribute: request.outcome.attribute,
      });
    kind = 'numeric';
    stats = (members, arm) => ({ arm, units: members.size, ...columnStats(column, members) });
  }
  const lift = metricLift('outcome', kind, [stats(c, 'control'), stats(t, 'treatment')], 'control', {
    confidence,
    power: 0.8,
  });
  for (const b of [overlap, t, c]) b.dispose();
  return ok({
    asOf: entry.asOf,
    outcome:
      'rule' in request.outcome
        ? { kind: 'rule' }
        : { kind: 'attribute', attribute: request.outcome.attribute },
    groups,
    confidence,
    alpha: Math.round((1 - confidence) * 1e12) / 1e12,
    power: 0.8,
    lift,
    elapsedMs: Math.round((performance.now() - t0) * 10) / 10,
  });
}

/** The values of a numeric attribute by ordinal, or why there are none. */
function numericColumn(index: CustomerIndex, name: string): Float64Array | string {
  const column = index.attribute(name);
  if (!column) return `unknown attribute ${name}`;
  if (column.type !== 'number')
    return `attribute ${name} is ${column.type}, not a number: use an outcome rule instead`;
  return column.column.values;
}
