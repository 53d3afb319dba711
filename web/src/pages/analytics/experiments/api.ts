import { request } from '../../../api.ts';

// Experiment endpoints (src/api/routes/analytics-experiments.ts). Every null figure comes with its reason.

export type MetricKind = 'binary' | 'numeric';

export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly control: string;
  readonly metrics: readonly { name: string; kind: MetricKind }[];
  readonly allocation: Readonly<Record<string, number>> | null;
  readonly arms: readonly { arm: string; units: number }[];
  readonly units: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly dataChangedAt: string;
}

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ArmSummary {
  readonly arm: string;
  readonly control: boolean;
  readonly units: number;
  readonly n: number;
  readonly conversions?: number;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly reason: string | null;
}

export interface Comparison {
  readonly arm: string;
  readonly control: string;
  readonly absolute: Interval | null;
  readonly absoluteReason: string | null;
  readonly relative: Interval | null;
  readonly relativeReason: string | null;
  readonly standardError: number | null;
  readonly test: {
    readonly kind: 'z' | 'welch_t';
    readonly statistic: number | null;
    readonly df?: number | null;
    readonly pValue: number | null;
    readonly significant: boolean | null;
    readonly reason: string | null;
  };
  readonly mde: { absolute: number; relative: number | null; relativeReason: string | null } | null;
  readonly mdeReason: string | null;
  readonly power: number | null;
  readonly powerReason: string | null;
}

export interface MetricLift {
  readonly metric: string;
  readonly kind: MetricKind;
  readonly arms: readonly ArmSummary[];
  readonly comparisons: readonly Comparison[];
}

export interface LiftAnalysis {
  readonly experiment: Experiment;
  readonly control: string;
  readonly confidence: number;
  readonly alpha: number;
  readonly power: number;
  readonly srm: {
    readonly chiSquare: number;
    readonly df: number;
    readonly pValue: number;
    readonly flagged: boolean;
    readonly threshold: number;
    readonly arms: readonly { arm: string; units: number; expectedShare: number; expectedUnits: number }[];
  } | null;
  readonly srmReason: string | null;
  readonly metrics: readonly MetricLift[];
  readonly dataChangedAt: string;
  readonly elapsedMs: number;
}

export interface ImportResult {
  readonly runId: number;
  readonly status: 'committed' | 'rejected';
  readonly experiment: { id: string; definition: 'created' | 'updated' | 'unchanged' };
  readonly read: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly firstErrors: readonly Rejection[];
}

export interface Rejection {
  readonly row: number;
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  readonly value: unknown;
}

const base = '/v1/analytics/experiments';

export const experimentsApi = {
  list: (signal?: AbortSignal) =>
    request<{ experiments: Experiment[] }>('GET', base, undefined, signal).then((r) => r.experiments),
  lift: (id: string, options: { confidence: number; control?: string }, signal?: AbortSignal) => {
    const q = new URLSearchParams({ confidence: String(options.confidence) });
    if (options.control) q.set('control', options.control);
    return request<LiftAnalysis>('GET', `${base}/${encodeURIComponent(id)}/lift?${q}`, undefined, signal);
  },
  upload: (body: { csv: string; mapping: unknown; allowPartial: boolean }) =>
    request<ImportResult>('POST', base, body),
  remove: (id: string) => request<void>('DELETE', `${base}/${encodeURIComponent(id)}`),
};
