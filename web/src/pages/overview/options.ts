import type { Overview } from '../../api/overview.ts';
import type { ChartOption } from '../../charts/EChart.tsx';
import { formatCnyCompact, formatInteger, formatPercent } from '../../format.ts';
import type { Lang, Translate } from '../../i18n/i18n.tsx';
import { label } from '../pool/labels.ts';
import { AXIS_LABEL, SPLIT_LINE, TOOLTIP_BASE, AXIS_LINE, countAxis } from '../../charts/style.ts';

/** The colour of each tier the bank knows (the API names tiers as text). */
export const TIER_COLORS: Readonly<Record<string, string>> = {
  mass: '#9fb3cf',
  gold: '#e0a526',
  platinum: '#7b8ba6',
  diamond: '#3aa0d8',
  private: '#1d3b6e',
  unknown: '#c4c8cf',
};

interface AxisParam {
  readonly dataIndex: number;
  readonly seriesName: string;
  readonly marker: string;
}

/** Share of customers vs share of AUM per tier, side by side; the tooltip gives the absolute figures. */
export function tierOption(o: Overview, t: Translate, lang: Lang): ChartOption {
  const tiers = o.tiers;
  const customerShare = tiers.map((x) => (o.customers > 0 ? x.customers / o.customers : 0));
  const aumShare = tiers.map((x) => (o.aum > 0 ? x.aum / o.aum : 0));
  return {
    color: ['#91caff', '#1d3b6e'],
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12 },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: AxisParam[]) => {
        const i = params[0]?.dataIndex ?? 0;
        const tier = tiers[i];
        if (!tier) return '';
        return [
          `<b>${label(t, 'tier', tier.tier)}</b>`,
          `${params[0]?.marker ?? ''}${t('overview.tierCustomers')}: ${formatInteger(tier.customers, lang)} (${formatPercent(customerShare[i] ?? 0, lang)})`,
          `${params[1]?.marker ?? ''}${t('overview.tierAum')}: ${formatCnyCompact(tier.aum, lang)} (${formatPercent(aumShare[i] ?? 0, lang)})`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: tiers.map((x) => label(t, 'tier', x.tier)),
      axisLabel: { ...AXIS_LABEL, interval: 0 },
      axisTick: { show: false },
      axisLine: AXIS_LINE,
    },
    yAxis: {
      type: 'value',
      max: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatPercent(v, lang, 0) },
      splitLine: SPLIT_LINE,
    },
    series: [
      {
        name: t('overview.tierCustomerShare'),
        type: 'bar',
        barMaxWidth: 28,
        itemStyle: { borderRadius: [3, 3, 0, 0] },
        label: { show: true, position: 'top', fontSize: 11, color: '#4b5563', formatter: pctLabel(lang) },
        data: customerShare,
      },
      {
        name: t('overview.tierAumShare'),
        type: 'bar',
        barMaxWidth: 28,
        itemStyle: { borderRadius: [3, 3, 0, 0] },
        label: { show: true, position: 'top', fontSize: 11, color: '#1d3b6e', formatter: pctLabel(lang) },
        data: aumShare,
      },
    ],
  };
}

function pctLabel(lang: Lang) {
  return (p: { value: number }) => formatPercent(p.value, lang, p.value > 0 && p.value < 0.01 ? 1 : 0);
}

/** The Lorenz-style curve: cumulative AUM share against share of customers, richest first. */
export function paretoOption(
  o: Pick<Overview, 'pareto' | 'top20AumShare'>,
  t: Translate,
  lang: Lang,
): ChartOption {
  const curve: [number, number][] = [
    [0, 0],
    ...o.pareto.map((p): [number, number] => [p.customerShare, p.aumShare]),
  ];
  const pct = (v: number) => formatPercent(v, lang, 0);
  const mark = t('overview.paretoMark', { share: formatPercent(o.top20AumShare, lang) });
  return {
    grid: { left: 8, right: 24, top: 40, bottom: 28, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 16, itemHeight: 8 },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      formatter: (params: { value: [number, number]; seriesName: string; marker: string }[]) =>
        params
          .map(
            (p) =>
              `${p.marker}${p.seriesName}: ${t('overview.paretoX')} ${pct(p.value[0])} → ${formatPercent(p.value[1], lang)}`,
          )
          .join('<br/>'),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.1,
      name: t('overview.paretoX'),
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: 'rgba(0,0,0,0.45)' },
      axisLabel: { ...AXIS_LABEL, formatter: pct },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.2,
      axisLabel: { ...AXIS_LABEL, formatter: pct },
      splitLine: SPLIT_LINE,
    },
    series: [
      {
        name: t('overview.paretoSeries'),
        type: 'line',
        showSymbol: false,
        smooth: false,
        data: curve,
        lineStyle: { width: 2.5, color: '#1677ff' },
        itemStyle: { color: '#1677ff' },
        areaStyle: { color: 'rgba(22,119,255,0.08)' },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#fa8c16', type: 'dashed' },
          label: { show: false },
          data: [
            [{ coord: [0.2, 0] }, { coord: [0.2, o.top20AumShare] }],
            [{ coord: [0, o.top20AumShare] }, { coord: [0.2, o.top20AumShare] }],
          ],
        },
        markPoint: {
          symbol: 'circle',
          symbolSize: 9,
          itemStyle: { color: '#fa8c16', borderColor: '#fff', borderWidth: 2 },
          label: {
            show: true,
            position: [12, 10],
            formatter: mark,
            color: '#ad4e00',
            fontWeight: 600,
            backgroundColor: 'rgba(255,247,230,0.95)',
            padding: [3, 6],
            borderRadius: 4,
          },
          data: [{ coord: [0.2, o.top20AumShare] }],
        },
      },
      {
        name: t('overview.paretoEquality'),
        type: 'line',
        showSymbol: false,
        silent: true,
        data: [
          [0, 0],
          [1, 1],
        ],
        lineStyle: { width: 1.5, type: 'dashed', color: '#a0a7b4' },
        itemStyle: { color: '#a0a7b4' },
      },
    ],
  };
}

/** A daily series over the window: bars for counts of new customers, a line for events. */
export function dailyOption(
  points: readonly { date: string; value: number }[],
  name: string,
  kind: 'bar' | 'line',
  color: string,
  lang: Lang,
): ChartOption {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      ...TOOLTIP_BASE,
      trigger: 'axis',
      valueFormatter: (v: number) => formatInteger(v, lang),
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.date),
      axisLabel: { ...AXIS_LABEL, formatter: (d: string) => d.slice(5) },
      axisTick: { alignWithLabel: true },
      axisLine: AXIS_LINE,
    },
    yAxis: countAxis(lang),
    series: [
      kind === 'bar'
        ? {
            name,
            type: 'bar',
            data: points.map((p) => p.value),
            itemStyle: { color, borderRadius: [2, 2, 0, 0] },
            barMaxWidth: 18,
          }
        : {
            name,
            type: 'line',
            data: points.map((p) => p.value),
            showSymbol: points.length <= 31,
            symbolSize: 5,
            smooth: 0.2,
            lineStyle: { width: 2, color },
            itemStyle: { color },
            areaStyle: { color: `${color}1f` },
          },
    ],
  };
}
