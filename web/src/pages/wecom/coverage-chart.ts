import type { WecomManagerCoverage } from '../../api/wecom.ts';
import type { ChartOption } from '../../charts/EChart.tsx';
import { formatInteger } from '../../format.ts';
import type { Lang, Translate } from '../../i18n/i18n.tsx';

/** Stacked bars per manager: matched and unmatched friends (together the manager's friends), staff by name. */
export function coverageChart(
  managers: readonly WecomManagerCoverage[],
  t: Translate,
  lang: Lang,
): ChartOption {
  const value = (v: unknown) => formatInteger(Number(v), lang);
  return {
    tooltip: { trigger: 'axis', valueFormatter: value },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 48 },
    xAxis: {
      type: 'category',
      data: managers.map((m) => m.name),
      axisLabel: { interval: 0, rotate: managers.length > 8 ? 30 : 0 },
    },
    yAxis: { type: 'value', axisLabel: { formatter: value } },
    series: [
      {
        name: t('wecom.coverage.matched'),
        type: 'bar',
        stack: 'friends',
        data: managers.map((m) => m.matched),
      },
      {
        name: t('wecom.coverage.unmatched'),
        type: 'bar',
        stack: 'friends',
        data: managers.map((m) => m.unmatched),
      },
    ],
  };
}
