import type { analyticsBehaviourEnUS } from './analytics-behaviour.en-US.ts';

/** 经营分析的简体中文：Event funnels and retention (issue #5)。 */
export const analyticsBehaviourZhCN: Record<keyof typeof analyticsBehaviourEnUS, string> = {};
