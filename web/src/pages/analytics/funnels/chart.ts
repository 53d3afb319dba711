import type { ChartOption } from '../../../charts/EChart.tsx';
import { formatInteger, formatPercent } from '../../../format.ts';
import type { Lang } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import type { FunnelGroup } from './api.ts';

/** A breakdown group's name: its label in the user's language, its key, or `missing` for customers without one. */
export function groupLabel(g: Pick<FunnelGroup, 'label' | 'key'>, lang: Lang, missing: string): string {
  if (g.label) return pick(g.label, lang) || (g.key ?? missing);
  return g.key ?? missing;
}

/** Whether a breakdown group has anyone in it (a group with no first-step customer is empty all the way down). */
export function hasCustomers(g: FunnelGroup): boolean {
  return (g.steps[0]?.customers ?? 0) > 0;
}

/**
 * A horizontal step chart: one row per step (labels on the category axis, one per row, so they never overlap), bars
 * per group, the count and conversion from the first step at the bar's end. Steps read top to bottom.
 */
export function funnelChart(
  groups: readonly { name: string; group: FunnelGroup }[],
  steps: readonly string[],
  lang: Lang,
): ChartOption {
  const single = groups.length === 1;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { show: !single, type: 'scroll', top: 0 },
    grid: { left: 8, right: 110, top: single ? 10 : 36, bottom: 10, containLabel: true },
    yAxis: {
      type: 'category',
      inverse: true,
      data: steps.map((s, i) => `${i + 1}. ${s}`),
      axisLabel: { width: 180, overflow: 'truncate' },
    },
    xAxis: {
      type: 'value',
      axisLabel: { formatter: (v: number) => formatInteger(v, lang) },
    },
    series: groups.map(({ name, group }) => ({
      type: 'bar',
      name,
      barMaxWidth: 28,
      data: group.steps.map((s) => s.customers),
      label: {
        show: single,
        position: 'right',
        formatter: (p: { dataIndex: number; value: number }) => {
          const share = group.steps[p.dataIndex]?.conversionFromFirst;
          const rate =
            p.dataIndex === 0 || share === null || share === undefined
              ? ''
              : ` (${formatPercent(share, lang, 1)})`;
          return `${formatInteger(p.value, lang)}${rate}`;
        },
      },
    })),
  };
}
