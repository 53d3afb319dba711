import type { TagTrend, TagValueStat } from '../../api/tags.ts';
import type { ChartOption } from '../../charts/EChart.tsx';
import { formatInteger, formatPercent } from '../../format.ts';
import type { Lang } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { AXIS_LABEL, TOOLTIP_BASE, AXIS_LINE, countAxis } from '../../charts/style.ts';

export const PALETTE = [
  '#1677ff',
  '#13a8a8',
  '#fa8c16',
  '#722ed1',
  '#eb2f96',
  '#52c41a',
  '#1d3b6e',
  '#faad14',
];

/** Members per value as horizontal bars in the definition's order (top down), labelled with the share of customers. */
export function distributionOption(
  values: readonly TagValueStat[],
  lang: Lang,
  membersName: string,
): ChartOption {
  const sorted = [...values].reverse(); // a category axis runs bottom-up: the first value ends on top
  return {
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: number) => formatInteger(v, lang),
    },
    xAxis: countAxis(lang),
    yAxis: {
      type: 'category',
      data: sorted.map((v) => pick(v.label, lang) || v.value),
      axisLabel: { ...AXIS_LABEL, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: AXIS_LINE,
    },
    series: [
      {
        name: membersName,
        type: 'bar',
        barMaxWidth: 22,
        itemStyle: { color: '#1677ff', borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          color: '#4b5563',
          formatter: (p: { dataIndex: number }) => formatPercent(sorted[p.dataIndex]?.share ?? 0, lang),
        },
        data: sorted.map((v) => v.members),
      },
    ],
  };
}

/** Members per value over the snapshots, one line per value (the largest values when there are many). */
export function trendOption(
  trend: TagTrend,
  labels: ReadonlyMap<string, string>,
  lang: Lang,
  maxSeries = 8,
): ChartOption {
  const points = [...trend.points].sort((a, b) => a.asOf.localeCompare(b.asOf));
  const totals = new Map<string, number>();
  for (const p of points)
    for (const v of p.values) totals.set(v.value, (totals.get(v.value) ?? 0) + v.members);
  const values = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxSeries)
    .map(([value]) => value);
  return {
    color: PALETTE,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, type: 'scroll', itemWidth: 14, itemHeight: 8 },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis', valueFormatter: (v: number) => formatInteger(v, lang) },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.asOf),
      axisLabel: { ...AXIS_LABEL, formatter: (d: string) => d.slice(5) },
      axisLine: AXIS_LINE,
    },
    yAxis: countAxis(lang),
    series: values.map((value) => ({
      name: labels.get(value) ?? value,
      type: 'line',
      showSymbol: points.length <= 31,
      symbolSize: 5,
      smooth: 0.2,
      data: points.map((p) => p.values.find((v) => v.value === value)?.members ?? 0),
    })),
  };
}
