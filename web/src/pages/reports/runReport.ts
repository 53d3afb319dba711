import { client, ok } from '../../api/client.ts';
import type { ReportKind } from '../../api/reports.ts';
import type { Analysis } from '../../api/segments.ts';
import type { Body } from '../../api/types.ts';
import type { DriversAnalysis } from '../analytics/drivers/api.ts';
import {
  behaviourApi,
  type ChurnResult,
  type FunnelResult,
  type RetentionResult,
} from '../analytics/funnels/api.ts';
import type { Concentration, Distribution } from '../analytics/lifecycle/api.ts';

/** A report's answer, by kind: what its card draws. */
export type ReportResult =
  | { kind: 'funnel'; result: FunnelResult }
  | { kind: 'retention'; result: RetentionResult }
  | { kind: 'churn'; result: ChurnResult }
  | { kind: 'drivers'; result: DriversAnalysis }
  | { kind: 'group'; result: Analysis }
  | { kind: 'lifecycle'; result: Distribution }
  | { kind: 'concentration'; result: Concentration };

/** What the data of an answer is as of, as the card states it. */
export type Freshness =
  | { kind: 'events'; at: string | null }
  | { kind: 'transactions'; at: string | null }
  | { kind: 'day'; day: string }
  | { kind: 'tags'; day: string; at: string };

/** Runs a saved report's definition on its analysis route (the route's own permission and scope apply). */
export async function runReport(
  kind: ReportKind,
  definition: unknown,
  signal?: AbortSignal,
): Promise<ReportResult> {
  const body = definition as never;
  switch (kind) {
    case 'funnel':
      return { kind, result: await behaviourApi.funnel(body, signal) };
    case 'retention':
      return { kind, result: await behaviourApi.retention(body, signal) };
    case 'churn':
      return { kind, result: await behaviourApi.churn(body, signal) };
    case 'drivers':
      return { kind, result: await ok(client.POST('/v1/analytics/drivers', { body, signal })) };
    case 'group':
      return { kind, result: await ok(client.POST('/v1/segments/analysis', { body, signal })) };
    case 'lifecycle':
      return {
        kind,
        result: await ok(
          client.POST('/v1/analytics/lifecycle/distribution', {
            body: definition as Body<'post', '/v1/analytics/lifecycle/distribution'>,
            signal,
          }),
        ),
      };
    case 'concentration':
      return { kind, result: await ok(client.POST('/v1/analytics/concentration', { body, signal })) };
  }
}

/** The freshness an answer states: the latest event or transaction, the business day, or the tag computation. */
export function freshnessOf(r: ReportResult): Freshness {
  switch (r.kind) {
    case 'funnel':
    case 'retention':
      return { kind: 'events', at: r.result.freshness.latestEventTime };
    case 'churn':
      return r.result.freshness.latestTransactionTime !== undefined &&
        r.result.definition !== null &&
        (r.result.definition as { activity?: { kind?: string } }).activity?.kind === 'transaction'
        ? { kind: 'transactions', at: r.result.freshness.latestTransactionTime }
        : { kind: 'events', at: r.result.freshness.latestEventTime };
    case 'drivers':
      return { kind: 'tags', day: r.result.tagsAsOf ?? r.result.asOf, at: r.result.dataReadAt };
    case 'group':
      return { kind: 'day', day: r.result.asOf };
    case 'lifecycle':
      return { kind: 'day', day: r.result.to };
    case 'concentration':
      return { kind: 'day', day: r.result.asOf };
  }
}
