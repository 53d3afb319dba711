import { formatInteger } from '../format.ts';
import type { Lang } from '../i18n/i18n.tsx';

// The dashboard's one chart style: every option builder takes its axes, grid lines and tooltip frame from here.

/** Axis labels: muted text. */
export const AXIS_LABEL = { color: 'rgba(0,0,0,0.55)' };
/** Value-axis grid lines. */
export const SPLIT_LINE = { lineStyle: { color: '#eef0f3' } };
/** A category axis's line. */
export const AXIS_LINE = { lineStyle: { color: '#d9dde3' } };
/** The tooltip's frame, kept inside the chart. */
export const TOOLTIP_BASE = {
  confine: true,
  backgroundColor: 'rgba(255,255,255,0.97)',
  borderColor: '#e5e7eb',
};

/** A value axis of counts: whole steps, labelled as integers in the UI language. */
export function countAxis(lang: Lang) {
  return {
    type: 'value' as const,
    minInterval: 1,
    axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatInteger(v, lang) },
    splitLine: SPLIT_LINE,
  };
}
