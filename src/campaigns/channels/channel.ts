import type { ContactChannel, Purpose } from '../policy/settings.ts';
import type { ContentType, VariantKind } from '../content/model.ts';

// One interface every way of reaching a customer implements (webhook, e-mail, SMS gateway, push, manager task, the
// demo outbox; WeCom later), with one contract suite run against each (test/campaigns/channels.contract.ts).

/** One message ready to leave: rendered, addressed, carrying the key the provider deduplicates on. */
export interface OutgoingMessage {
  /** Unique per (run, customer, channel); sent to the provider so that a retry after a crash is not a second message. */
  readonly idempotencyKey: string;
  readonly campaignId: number;
  readonly runId: number;
  readonly contentId: number;
  readonly contentVersion: number;
  /** What the content is about, and the category of its product: the feedback loop's preference tags read them. */
  readonly contentType: ContentType;
  readonly productCategory: string | null;
  readonly customerId: number;
  readonly customerNo: string;
  /** The address on the touchpoint (phone, e-mail, WeCom id…), or null when the bank's system resolves it. */
  readonly to: string | null;
  readonly reaches: ContactChannel;
  readonly purpose: Purpose;
  readonly variant: VariantKind;
  /** The variant's fields, rendered for this customer (e.g. { subject, html } or { title, body }). */
  readonly fields: Readonly<Record<string, string>>;
  /** The owning account manager's staff id, for channels that go through the manager. */
  readonly managerId: string | null;
}

/** What happened to one send: accepted; worth retrying (the key makes it safe); or refused for good. */
export type SendOutcome =
  | { readonly status: 'sent'; readonly providerId: string | null }
  | { readonly status: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly status: 'failed'; readonly reason: string };

/** A channel implementation: sends one message; never throws for a provider's answer (only for a bug). */
export interface ChannelSender {
  readonly kind: string;
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendOutcome>;
  /**
   * Sends a batch at once, one outcome per message in order: for providers that take many recipients per call (a
   * WeCom group message per sending manager). The worker uses it, when present, for all of a batch's messages.
   */
  sendMany?(messages: readonly OutgoingMessage[], signal: AbortSignal): Promise<readonly SendOutcome[]>;
  /** Releases connections (SMTP pools, keep-alive agents). */
  close?(): Promise<void>;
}
