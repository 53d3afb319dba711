import type { analyticsCustomerbaseEnUS } from './analytics-customerbase.en-US.ts';

/** 经营分析的简体中文：Lifecycle, drivers and concentration (issue #5)。 */
export const analyticsCustomerbaseZhCN: Record<keyof typeof analyticsCustomerbaseEnUS, string> = {};
