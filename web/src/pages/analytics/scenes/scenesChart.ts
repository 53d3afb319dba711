import type { ChartOption } from '../../../charts/EChart.tsx';
import { AXIS_LABEL, TOOLTIP_BASE } from '../../../charts/style.ts';
import { formatPercent } from '../../../format.ts';
import type { Lang } from '../../../i18n/i18n.tsx';
import type { Scenes } from '../../ogsm/api.ts';

type Group = Scenes['groups'][number];

/**
 * The scenes heatmap: scenes down, product roles across, each cell the share of the treated whose lifecycle stage
 * moved forward (a cell without a measured share is left empty, never 0).
 */
export function scenesHeatmap(
  groups: readonly Group[],
  names: { scene: (g: Group) => string; role: (role: Group['role']) => string },
  lang: Lang,
): ChartOption {
  const scenes = [...new Set(groups.map(names.scene))];
  const roles = [...new Set(groups.map((g) => g.role))];
  const cells = groups
    .filter((g) => g.treated.share !== null)
    .map((g) => [roles.indexOf(g.role), scenes.indexOf(names.scene(g)), g.treated.share as number]);
  const top = Math.max(0.01, ...cells.map((c) => c[2] as number));
  return {
    tooltip: {
      ...TOOLTIP_BASE,
      formatter: (p: { value: [number, number, number] }) =>
        `${scenes[p.value[1]] ?? ''} · ${names.role(roles[p.value[0]] ?? 'none')}: ${formatPercent(p.value[2], lang)}`,
    },
    grid: { left: 140, right: 24, top: 8, bottom: 84 },
    xAxis: {
      type: 'category',
      data: roles.map(names.role),
      axisLabel: AXIS_LABEL,
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: scenes, axisLabel: AXIS_LABEL, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max: top,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      formatter: (v: number) => formatPercent(v, lang),
    },
    series: [
      {
        type: 'heatmap',
        data: cells,
        label: { show: true, formatter: (p: { value: number[] }) => formatPercent(p.value[2] ?? 0, lang) },
      },
    ],
  };
}
