/** The roles a report or dashboard can be shared with (administrators see everything anyway). */
export const SHARE_ROLES = ['analyst', 'branch_head', 'account_manager'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];
