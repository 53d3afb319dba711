/** English strings of the analytics area: Drivers of churn and conversion (key factors) (issue #5). */
export const analyticsDriversEnUS = {} as const;
