import type { analyticsLifecycleEnUS } from './analytics-lifecycle.en-US.ts';

/** 经营分析的简体中文：生命周期、集中度与趋势（issue #5）。 */
export const analyticsLifecycleZhCN: Record<keyof typeof analyticsLifecycleEnUS, string> = {};
