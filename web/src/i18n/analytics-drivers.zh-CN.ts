import type { analyticsDriversEnUS } from './analytics-drivers.en-US.ts';

/** 经营分析的简体中文：流失与转化的关键因素（issue #5）。 */
export const analyticsDriversZhCN: Record<keyof typeof analyticsDriversEnUS, string> = {};
