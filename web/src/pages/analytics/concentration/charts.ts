import type { ChartOption } from '../../../charts/EChart.tsx';
import { formatCnyCompact, formatInteger, formatPercent } from '../../../format.ts';
import type { Lang } from '../../../i18n/i18n.tsx';
import type { Concentration, Trend } from '../lifecycle/api.ts';
import { AXIS_LABEL, SPLIT_LINE, TOOLTIP_BASE } from '../../../charts/style.ts';

const PALETTE = ['#1d3b6e', '#4096ff', '#95de64', '#fa8c16', '#722ed1', '#13c2c2', '#eb2f96', '#fadb14'];

/** Lorenz curves of AUM and revenue with the line of equality; axes are shares 0..1. */
export function lorenzOption(
  c: Concentration,
  names: { aum: string; revenue: string; equality: string; x: string; y: string },
  lang: Lang,
): ChartOption {
  const pairs = (points: Concentration['aum']['lorenz']) =>
    points.map((p) => [p.customerShare, p.valueShare]);
  const share = (v: number) => formatPercent(v, lang, 0);
  return {
    color: ['#1d3b6e', '#fa8c16', '#bfbfbf'],
    grid: { left: 8, right: 24, top: 40, bottom: 24, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8 },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      valueFormatter: (v: number) => formatPercent(v, lang),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: names.x,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { ...AXIS_LABEL, formatter: share },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: names.y,
      axisLabel: { ...AXIS_LABEL, formatter: share },
      splitLine: SPLIT_LINE,
    },
    series: [
      {
        name: names.aum,
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 2 },
        data: pairs(c.aum.lorenz),
      },
      {
        name: names.revenue,
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 2 },
        data: pairs(c.revenue.lorenz),
      },
      {
        name: names.equality,
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 1 },
        data: [
          [0, 0],
          [1, 1],
        ],
      },
    ],
  };
}

/** A trend: one stacked bar series per group for additive metrics, lines for distinct counts. */
export function trendOption(tr: Trend, names: (key: string) => string, lang: Lang): ChartOption {
  const money = tr.metric === 'aum' || tr.metric === 'transaction_amount';
  const additive = tr.metric !== 'customers' && tr.metric !== 'active_customers';
  const format = (v: number) => (money ? formatCnyCompact(v, lang) : formatInteger(v, lang));
  return {
    color: PALETTE,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12 },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis', valueFormatter: (v: number) => format(v) },
    xAxis: { type: 'category', data: [...tr.periods], axisLabel: AXIS_LABEL },
    yAxis: { type: 'value', axisLabel: { ...AXIS_LABEL, formatter: format }, splitLine: SPLIT_LINE },
    series: tr.series.map((s) => ({
      name: names(s.key),
      type: additive ? 'bar' : 'line',
      ...(additive ? { stack: 'groups', barMaxWidth: 28 } : { showSymbol: tr.periods.length <= 31 }),
      data: [...s.values],
    })),
  };
}
