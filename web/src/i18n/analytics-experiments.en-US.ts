/** English strings of the analytics area: Experiments and lift (issue #5). */
export const analyticsExperimentsEnUS = {} as const;
