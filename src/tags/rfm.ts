import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import { daySql, withinDaysSql } from '../store/events/business-day.ts';
import type { EventStore } from '../store/events/store.ts';
import { bitmapAggregate, decodeGroupBitmap } from './ch-bitmap.ts';
import type { RfmSpec } from './definition.ts';
import { RFM_GROUPS } from './labels.ts';

// RFM over transactions in a window ending on the business day, computed entirely in the event store: per customer
// recency (business days since the last transaction's day, in the bank's zone), frequency (count) and monetary value (sum of amounts); quintile scores
// 1..5 by rank (ties share a score; 5 = most recent / most frequent / largest); and the eight classic groups, each of
// R, F, M "high" when better than the mean (or median) of the customers with transactions. One query answers all four
// outputs, so tags sharing window, kinds, channels and split share one scan. Customers without transactions get no
// value.
//
// Scores without window functions (three full-row sorts at 10M customers): with n customers and c_k = ceil(k·n/5),
// a score of rank r (1 + floor(5·(r−1)/n)) is at least k+1 exactly when at least c_k customers rank below, i.e. when
// the value is beyond the c_k-th smallest (largest, for recency) value. So each score is 1 + the number of the four
// boundaries b_k = sorted[c_k] the value passes, and the boundaries come from one sorted array per measure.

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

/** Computes every RFM output (group, recency, frequency, monetary) for the business day, cut in `timeZone`. */
export async function computeRfm(
  events: EventStore,
  spec: RfmSpec,
  day: { asOf: string; timeZone: string },
): Promise<RfmOutputs> {
  const { asOf, timeZone } = day;
  const center = (x: string) => (spec.split === 'mean' ? `avg(${x})` : `quantileExact(0.5)(${x})`);
  // boundaries: the c_k-th smallest (ascending measures) or c_k-th largest (recency) value, k = 1..4
  const bounds = (sorted: string, descending: boolean) =>
    `[${[1, 2, 3, 4]
      .map((k) => {
        const c = `toUInt64(ceil(${k} * n / 5))`;
        return descending ? `${sorted}[n - ${c} + 1]` : `${sorted}[${c}]`;
      })
      .join(', ')}]`;
  const score = (x: string, b: string, op: '<' | '>') =>
    `1 + ${[1, 2, 3, 4].map((k) => `(${x} ${op} ${b}[${k}])`).join(' + ')}`;
  const group = `multiIf(${RFM_GROUPS.slice(0, -1)
    .map(
      (g) =>
        `${g.r ? '' : 'NOT '}rh AND ${g.f ? '' : 'NOT '}fh AND ${g.m ? '' : 'NOT '}mh, ${RFM_GROUPS.indexOf(g)}`,
    )
    .join(', ')}, ${RFM_GROUPS.length - 1})`;
  // One bitmap column per (output, value): conditions on each row instead of an ARRAY JOIN of pairs to group by.
  const outputs: [output: string, value: string, condition: string][] = [
    ...RFM_GROUPS.map((g, i): [string, string, string] => ['group', g.value, `grp = ${i}`]),
    ...(['recency', 'frequency', 'monetary'] as const).flatMap((o) =>
      [1, 2, 3, 4, 5].map((v): [string, string, string] => [o, String(v), `${o[0]}s = ${v}`]),
    ),
  ];
  const rows = await events.query<Record<string, string>>(
    `SELECT ${outputs.map(([, , c], i) => `${bitmapAggregate('customer_id', c)} AS b${i}`).join(', ')} FROM (
       SELECT customer_id, rs, fs, ms, ${group} AS grp FROM (
         SELECT row.1 AS customer_id,
                ${score('row.2', 'br', '<')} AS rs, ${score('row.3', 'bf', '>')} AS fs, ${score('row.4', 'bm', '>')} AS ms,
                row.2 < cr AS rh, row.3 > cf AS fh, row.4 > cm AS mh
           FROM (
             SELECT groupArray((customer_id, r, f, m)) AS rows, count() AS n,
                    ${bounds('arraySort(groupArray(r))', true)} AS br,
                    ${bounds('arraySort(groupArray(f))', false)} AS bf,
                    ${bounds('arraySort(groupArray(m))', false)} AS bm,
                    ${center('r')} AS cr, ${center('f')} AS cf, ${center('m')} AS cm
               FROM (
                 SELECT customer_id, dateDiff('day', max(${daySql('time')}), toDate({as_of:String})) AS r,
                        count() AS f, sum(toFloat64(amount)) AS m
                   FROM transactions_dedup
                  WHERE customer_id > 0 AND kind IN {kinds:Array(String)} AND channel NOT IN {exclude:Array(String)}
                    AND ${withinDaysSql('time', 'toDate({as_of:String}) - {days:UInt32} + 1', 'toDate({as_of:String})')}
                  GROUP BY customer_id
               )
              HAVING n > 0
           ) ARRAY JOIN rows AS row
       )
     )`,
    { as_of: asOf, kinds: spec.kinds, exclude: spec.exclude_channels, days: spec.window_days, tz: timeZone },
  );
  const out: RfmOutputs = new Map();
  outputs.forEach(([output, value], i) => {
    let values = out.get(output);
    if (!values) out.set(output, (values = new Map()));
    values.set(value, decodeGroupBitmap(rows[0]?.[`b${i}`] ?? ''));
  });
  return out;
}
