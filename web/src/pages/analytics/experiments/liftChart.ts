import type { ChartOption } from '../../../charts/EChart.tsx';
import type { Comparison } from './api.ts';

/**
 * Relative lift (%) of each treatment arm with its confidence interval as an error bar: one two-point line per arm
 * for the interval (so the axis spans it), points for the estimates, and a dashed line at 0 (no effect). Arms without
 * an interval are left out of the chart (the page says why).
 */
export function liftChartOption(comparisons: readonly Comparison[], labels: { lift: string }): ChartOption {
  const shown = comparisons.filter((c) => c.relative !== null);
  const pct = (v: number) => Math.round(v * 10_000) / 100;
  const describe = (c: Comparison) =>
    c.relative
      ? `${c.arm}: ${pct(c.relative.estimate)}% [${pct(c.relative.lower)}%, ${pct(c.relative.upper)}%]`
      : '';
  return {
    grid: { left: 8, right: 40, top: 24, bottom: 32, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesIndex: number; dataIndex: number }) => {
        const c = p.seriesIndex === 0 ? shown[p.dataIndex] : shown[p.seriesIndex - 1];
        return c ? describe(c) : '';
      },
    },
    xAxis: {
      type: 'value',
      name: labels.lift,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { formatter: '{value}%' },
      scale: true,
    },
    yAxis: { type: 'category', data: shown.map((c) => c.arm), inverse: true },
    series: [
      {
        type: 'line',
        name: labels.lift,
        data: shown.map((c) => [pct(c.relative!.estimate), c.arm]),
        symbol: 'circle',
        symbolSize: 11,
        z: 3,
        lineStyle: { width: 0 },
        itemStyle: { color: '#1677ff' },
        label: {
          show: true,
          position: 'top',
          formatter: (p: { value: [number, string] }) => `${p.value[0]}%`,
        },
        markLine: {
          silent: true,
          symbol: ['none', 'none'],
          label: { show: false },
          lineStyle: { type: 'dashed', color: '#8c8c8c', width: 1 },
          data: [{ xAxis: 0 }],
        },
      },
      ...shown.map((c) => ({
        type: 'line',
        name: c.arm,
        data: [
          [pct(c.relative!.lower), c.arm],
          [pct(c.relative!.upper), c.arm],
        ],
        symbol: 'path://M0,-8L0,8',
        symbolSize: [2, 14],
        showSymbol: true,
        lineStyle: { width: 3, color: '#69b1ff' },
        itemStyle: { color: '#69b1ff' },
        z: 2,
      })),
    ],
  };
}
