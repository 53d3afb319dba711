/** English strings of the analytics area: Lifecycle, concentration and trends (issue #5). */
export const analyticsLifecycleEnUS = {} as const;
