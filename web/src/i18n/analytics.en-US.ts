import { analyticsBehaviourEnUS } from './analytics-behaviour.en-US.ts';
import { analyticsDriversEnUS } from './analytics-drivers.en-US.ts';
import { analyticsExperimentsEnUS } from './analytics-experiments.en-US.ts';
import { analyticsLifecycleEnUS } from './analytics-lifecycle.en-US.ts';
import { reportsEnUS } from './reports.en-US.ts';

/** English strings of the analytics area (issue #5): the frame every analysis shares, then each analysis's own. */
export const analyticsEnUS = {
  'analytics.tab.funnels': 'Event funnels',
  'analytics.tab.lifecycle': 'Lifecycle',
  'analytics.tab.retention': 'Retention and churn',
  'analytics.tab.drivers': 'Key factors',
  'analytics.tab.experiments': 'Experiments and lift',
  'analytics.tab.concentration': 'Concentration and trends',
  'analytics.frame.definition': 'Definition',
  'analytics.frame.window': 'Window',
  'analytics.frame.freshness': 'Data as of {at}',
  'analytics.frame.computedIn': 'computed in {ms} ms',
  'analytics.frame.notEnoughData': 'Not enough data: {reason}',
  'analytics.csv.download': 'Export CSV',
  'analytics.csv.empty': 'Nothing to export',
  ...analyticsBehaviourEnUS,
  ...analyticsDriversEnUS,
  ...analyticsExperimentsEnUS,
  ...analyticsLifecycleEnUS,
  ...reportsEnUS,
} as const;
