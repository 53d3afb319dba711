import type { Analysis } from '../../../api/segments.ts';
import type { ChartOption } from '../../../charts/EChart.tsx';
import { formatCnyCompact, formatInteger, formatPercent } from '../../../format.ts';
import type { Lang, Translate } from '../../../i18n/i18n.tsx';
import { AXIS_LABEL, SPLIT_LINE, TOOLTIP_BASE, AXIS_LINE, countAxis } from '../../../charts/style.ts';

/** Members (bars, left axis) and AUM (line, right axis) on each snapshot of the group. */
export function growthOption(growth: Analysis['growth'], t: Translate, lang: Lang): ChartOption {
  const points = [...growth.points].sort((a, b) => a.asOf.localeCompare(b.asOf));
  return {
    color: ['#91caff', '#1d3b6e'],
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12 },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      formatter: (params: { dataIndex: number; marker: string; seriesName: string }[]) => {
        const p = points[params[0]?.dataIndex ?? 0];
        if (!p) return '';
        return [
          `<b>${p.asOf}</b>`,
          `${params[0]?.marker ?? ''}${t('analysis.members')}: ${formatInteger(p.members, lang)}`,
          `${params[1]?.marker ?? ''}${t('analysis.aum')}: ${formatCnyCompact(p.aum, lang)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.asOf),
      axisLabel: { ...AXIS_LABEL, formatter: (d: string) => d.slice(5) },
      axisLine: AXIS_LINE,
    },
    yAxis: [
      countAxis(lang),
      {
        type: 'value',
        axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatCnyCompact(v, lang) },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: t('analysis.members'),
        type: 'bar',
        barMaxWidth: 18,
        itemStyle: { borderRadius: [2, 2, 0, 0] },
        data: points.map((p) => p.members),
      },
      {
        name: t('analysis.aum'),
        type: 'line',
        yAxisIndex: 1,
        showSymbol: points.length <= 31,
        symbolSize: 5,
        smooth: 0.2,
        lineStyle: { width: 2 },
        data: points.map((p) => p.aum),
      },
    ],
  };
}

/** Reach channels as horizontal bars of the share of members reachable on each. */
export function reachOption(
  rows: readonly { label: string; rate: number; count: number | null }[],
  lang: Lang,
): ChartOption {
  const ordered = [...rows].reverse(); // first row on top
  return {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const r = ordered[params[0]?.dataIndex ?? 0];
        if (!r) return '';
        return `<b>${r.label}</b><br/>${formatPercent(r.rate, lang)}${r.count === null ? '' : ` · ${formatInteger(r.count, lang)}`}`;
      },
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatPercent(v, lang, 0) },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.label),
      axisLabel: AXIS_LABEL,
      axisTick: { show: false },
      axisLine: AXIS_LINE,
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 20,
        itemStyle: { color: '#13a8a8', borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          color: '#4b5563',
          formatter: (p: { value: number }) => formatPercent(p.value, lang),
        },
        data: ordered.map((r) => r.rate),
      },
    ],
  };
}
