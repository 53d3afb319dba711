import { SankeyChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import type { ChartOption } from '../../../charts/EChart.tsx';
import { formatInteger, formatPercent } from '../../../format.ts';
import type { Lang } from '../../../i18n/i18n.tsx';
import type { Distribution, TimeInStage, Transitions } from './api.ts';
import { AXIS_LABEL, SPLIT_LINE, TOOLTIP_BASE, AXIS_LINE, countAxis } from '../../../charts/style.ts';

// The Sankey chart type is registered here, for the lifecycle page only (EChart.tsx registers the common types).
echarts.use([SankeyChart]);

/** One colour per stage, from cold (portrait) to warm (super customer), then grey for "not in base". */
export const STAGE_COLOURS = [
  '#bfc7d5',
  '#91caff',
  '#4096ff',
  '#1d3b6e',
  '#95de64',
  '#fadb14',
  '#fa8c16',
  '#d9d9d9',
];

/** Customers per stage on each snapshot day, as stacked areas. */
export function distributionOption(
  d: Distribution,
  label: (stage: string) => string,
  lang: Lang,
): ChartOption {
  return {
    color: STAGE_COLOURS,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12 },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis' },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: d.points.map((p) => p.asOf),
      axisLabel: AXIS_LABEL,
      axisLine: AXIS_LINE,
    },
    yAxis: countAxis(lang),
    series: d.stages.map((s) => ({
      name: label(s.value),
      type: 'line',
      stack: 'stages',
      areaStyle: { opacity: 0.85 },
      lineStyle: { width: 1 },
      showSymbol: d.points.length === 1,
      emphasis: { focus: 'series' },
      data: d.points.map((p) => p.counts[s.value] ?? 0),
    })),
  };
}

/** The transitions as a Sankey: stages on the first day on the left, on the second day on the right. */
export function sankeyOption(t: Transitions, label: (key: string) => string, lang: Lang): ChartOption {
  const left = (k: string) => `${t.from} · ${label(k)}`;
  const right = (k: string) => `${t.to} · ${label(k)}`;
  const used = new Set<string>();
  for (const l of t.links) used.add(left(l.source)).add(right(l.target));
  const colour = (k: string) => STAGE_COLOURS[t.keys.indexOf(k)] ?? '#d9d9d9';
  const nodes = [
    ...t.keys.map((k) => ({ name: left(k), itemStyle: { color: colour(k) }, depth: 0 })),
    ...t.keys.map((k) => ({ name: right(k), itemStyle: { color: colour(k) }, depth: 1 })),
  ].filter((n) => used.has(n.name));
  return {
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'item',
      formatter: (p: {
        dataType: string;
        data: { source?: string; target?: string; value?: number };
        name: string;
        value: number;
      }) =>
        p.dataType === 'edge'
          ? `${p.data.source} → ${p.data.target}: ${formatInteger(p.data.value ?? 0, lang)}`
          : `${p.name}: ${formatInteger(p.value, lang)}`,
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 160,
        top: 8,
        bottom: 8,
        nodeAlign: 'justify',
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11 },
        data: nodes,
        links: t.links.map((l) => ({ source: left(l.source), target: right(l.target), value: l.value })),
      },
    ],
  };
}

/** Median days in stage per stage, as bars (empty stages show no bar). */
export function timeOption(t: TimeInStage, label: (stage: string) => string, lang: Lang): ChartOption {
  return {
    color: ['#4096ff'],
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const s = t.perStage[params[0]?.dataIndex ?? 0];
        if (!s) return '';
        const censored = s.customers > 0 ? formatPercent(s.censored / s.customers, lang) : '—';
        return `<b>${label(s.stage)}</b><br/>${formatInteger(s.customers, lang)} · median ${s.medianDays ?? '—'} · ≥ ${censored}`;
      },
    },
    xAxis: {
      type: 'category',
      data: t.perStage.map((s) => label(s.stage)),
      axisLabel: { ...AXIS_LABEL, interval: 0 },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series: [
      {
        type: 'bar',
        barMaxWidth: 28,
        itemStyle: { borderRadius: [2, 2, 0, 0] },
        data: t.perStage.map((s) => s.medianDays),
      },
    ],
  };
}
