import type { analyticsExperimentsEnUS } from './analytics-experiments.en-US.ts';

/** 经营分析的简体中文：Experiments and lift (issue #5)。 */
export const analyticsExperimentsZhCN: Record<keyof typeof analyticsExperimentsEnUS, string> = {};
