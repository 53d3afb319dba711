import { analyticsBehaviourZhCN } from './analytics-behaviour.zh-CN.ts';
import { analyticsDriversZhCN } from './analytics-drivers.zh-CN.ts';
import { analyticsExperimentsZhCN } from './analytics-experiments.zh-CN.ts';
import { analyticsLifecycleZhCN } from './analytics-lifecycle.zh-CN.ts';
import { reportsZhCN } from './reports.zh-CN.ts';
import type { analyticsEnUS } from './analytics.en-US.ts';

/** 经营分析（issue #5）的简体中文：各分析共用的框架，以及各分析自己的文案。 */
export const analyticsZhCN: Record<keyof typeof analyticsEnUS, string> = {
  'analytics.tab.funnels': '事件漏斗',
  'analytics.tab.lifecycle': '生命周期',
  'analytics.tab.retention': '留存与流失',
  'analytics.tab.drivers': '关键因素',
  'analytics.tab.experiments': '实验与增益',
  'analytics.tab.concentration': '集中度与趋势',
  'analytics.frame.definition': '口径',
  'analytics.frame.window': '时间窗口',
  'analytics.frame.freshness': '数据截至 {at}',
  'analytics.frame.computedIn': '耗时 {ms} 毫秒',
  'analytics.frame.notEnoughData': '数据不足：{reason}',
  'analytics.csv.download': '导出 CSV',
  'analytics.csv.empty': '没有可导出的数据',
  ...analyticsBehaviourZhCN,
  ...analyticsDriversZhCN,
  ...analyticsExperimentsZhCN,
  ...analyticsLifecycleZhCN,
  ...reportsZhCN,
};
