/** English strings of the analytics area: Event funnels and retention (issue #5). */
export const analyticsBehaviourEnUS = {} as const;
