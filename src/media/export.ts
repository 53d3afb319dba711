import { csvField, csvValue } from '../shared/csv.ts';
import { METRICS, type MetricKey } from './definitions.ts';
import type { Comparison } from './comparison.ts';

/** The comparison as CSV: one row per channel, every metric and score, then the window and freshness per row. */
export function comparisonCsv(c: Comparison): string {
  const keys = Object.keys(METRICS) as MetricKey[];
  const header = [
    'channel',
    'name',
    ...keys,
    'score_scale',
    'score_quality',
    'score_cost',
    'score_brand',
    'score_spillover',
    'from',
    'to',
    'window_days',
    'data_through',
    'attribution_computed_at',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of c.channels) {
    lines.push(
      [
        row.channel.key,
        row.channel.name,
        ...keys.map((k) => row.metrics[k]),
        row.scores.scale,
        row.scores.quality,
        row.scores.cost,
        row.scores.brand,
        row.scores.spillover,
        c.from,
        c.to,
        c.windowDays,
        c.freshness.dataThrough,
        c.freshness.attributionComputedAt,
      ]
        .map(csvValue)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
