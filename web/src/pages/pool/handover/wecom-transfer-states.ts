import type { WecomTransferState } from '../../../api/handovers.ts';

/** WeCom transfer states in the order a branch head reads them: those needing a person first. */
export const WECOM_TRANSFER_STATES: readonly WecomTransferState[] = [
  'refused',
  'taker_at_limit',
  'failed',
  'waiting',
  'requested',
  'planned',
  'done',
];

/** The tag colour of each WeCom transfer state. */
export const WECOM_TRANSFER_COLORS: Readonly<Record<WecomTransferState, string>> = {
  planned: 'default',
  requested: 'processing',
  waiting: 'processing',
  done: 'success',
  refused: 'error',
  taker_at_limit: 'warning',
  failed: 'error',
};
