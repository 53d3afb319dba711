import type { SendOutcome } from '../campaigns/channels/channel.ts';
import type {
  WecomGroupMessageState,
  WecomRecipientStatus,
} from '../store/operational/wecom-message-tables.ts';

// How a delivery on the WeCom group-message channel stands, read from its recipient row and its message: what the
// worker is told when it takes the delivery again (a retry, or the confirmation window's end).

/** One recipient row with its message, as the channel reads it back. */
export interface RecipientRow {
  readonly delivery_key: string;
  readonly status: WecomRecipientStatus;
  readonly reason: string | null;
  readonly message_id: string;
  readonly msgid: string | null;
  readonly state: WecomGroupMessageState;
  readonly sender: string;
  readonly created_at: Date | string;
  readonly expires_at: Date | string;
}

/** WeCom's answer is awaited this long before the worker looks again. */
const REQUESTING_RETRY_MS = 30_000;

/** The worker's outcome for a delivery whose recipient row exists. */
export function recipientOutcome(r: RecipientRow, now: Date): SendOutcome {
  if (r.status === 'sent') return { status: 'sent', providerId: r.msgid ? `wecom:${r.msgid}` : null };
  if (r.status === 'failed') return { status: 'failed', reason: r.reason ?? 'WeCom did not send it' };
  if (r.status === 'expired')
    return { status: 'failed', reason: r.reason ?? `not confirmed by ${r.sender} in time` };
  if (r.state === 'requesting')
    return {
      status: 'retry',
      reason: 'WeCom is being asked for the group message',
      retryAfterMs: REQUESTING_RETRY_MS,
    };
  return {
    status: 'retry',
    reason: `waiting for ${r.sender} to confirm the WeCom group message`,
    retryAfterMs: Math.max(1000, new Date(r.expires_at).getTime() - now.getTime() + 1000),
  };
}
