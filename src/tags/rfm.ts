import type { RoaringBitmap32 } from '../segments/bitmap.ts';
import type { EventStore } from '../store/events/store.ts';
import { bitmapAggregate, queryBitmaps } from './ch-bitmap.ts';
import type { RfmSpec } from './definition.ts';
import { RFM_GROUPS } from './labels.ts';

// RFM over transactions in a window ending on the business day, computed entirely in the event store: per customer
// recency (days since the last transaction), frequency (count) and monetary value (sum of amounts); quintile scores
// 1..5 by rank (ties share a score; 5 = most recent / most frequent / largest); and the eight classic groups, each of
// R, F, M "high" when better than the mean (or median) of the customers with transactions. One query answers all four
// outputs, so tags sharing window, kinds and split share one scan. Customers without transactions get no value.

/** Output → value → members. */
export type RfmOutputs = Map<string, Map<string, RoaringBitmap32>>;

/** The key under which tags can share one RFM computation. */
export function rfmBasisKey(spec: RfmSpec): string {
  return JSON.stringify([
    spec.window_days,
    [...spec.kinds].sort(),
    [...spec.exclude_channels].sort(),
    spec.split,
  ]);
}

/** Computes every RFM output (group, recency, frequency, monetary) for the business day. */
export async function computeRfm(events: EventStore, spec: RfmSpec, asOf: string): Promise<RfmOutputs> {
  const center = (x: string) =>
    spec.split === 'mean' ? `avg(${x}) OVER ()` : `quantileExact(0.5)(${x}) OVER ()`;
  const score = (x: string, direction: 'ASC' | 'DESC') =>
    `toString(1 + intDiv(5 * (rank() OVER (ORDER BY ${x} ${direction}) - 1), count() OVER ()))`;
  const group = `multiIf(${RFM_GROUPS.slice(0, -1)
    .map((g) => `${g.r ? '' : 'NOT '}rh AND ${g.f ? '' : 'NOT '}fh AND ${g.m ? '' : 'NOT '}mh, '${g.value}'`)
    .join(', ')}, '${RFM_GROUPS[RFM_GROUPS.length - 1]!.value}')`;
  return queryBitmaps(
    events,
    `SELECT pair.1 AS k, pair.2 AS v, ${bitmapAggregate('customer_id')} AS b FROM (
       SELECT customer_id, ${score('r', 'DESC')} AS rs, ${score('f', 'ASC')} AS fs, ${score('m', 'ASC')} AS ms,
              r < ${center('r')} AS rh, f > ${center('f')} AS fh, m > ${center('m')} AS mh
         FROM (
           SELECT customer_id, dateDiff('day', max(toDate(time)), toDate({as_of:String})) AS r,
                  count() AS f, sum(toFloat64(amount)) AS m
             FROM transactions_dedup
            WHERE customer_id > 0 AND kind IN {kinds:Array(String)} AND channel NOT IN {exclude:Array(String)}
              AND toDate(time) BETWEEN toDate({as_of:String}) - {days:UInt32} + 1 AND toDate({as_of:String})
            GROUP BY customer_id
         )
     ) ARRAY JOIN [('group', ${group}), ('recency', rs), ('frequency', fs), ('monetary', ms)] AS pair
     GROUP BY k, v`,
    { as_of: asOf, kinds: spec.kinds, exclude: spec.exclude_channels, days: spec.window_days },
  );
}
