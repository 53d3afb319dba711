/** English strings of the analytics area: Lifecycle, drivers and concentration (issue #5). */
export const analyticsCustomerbaseEnUS = {} as const;
