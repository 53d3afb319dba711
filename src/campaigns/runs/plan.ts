import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import { decideContact, SUPPRESS_REASONS, type SuppressReason } from '../policy/decide.ts';
import type { AudienceFacts } from '../policy/facts.ts';
import type { ContactChannel, ContactPolicy, Purpose } from '../policy/settings.ts';
import type { SendWindow } from '../policy/window.ts';

// A run's plan: every audience member through the one contact policy, channel by channel in the campaign's fallback
// order. The preview shows the plan's waterfall; preparing a run writes the same plan as deliveries, so the numbers
// the preview shows are the numbers the run sends.

/** The preview waterfall: audience → consent → do-not-contact → caps → control group / holdout → to send. */
export interface Waterfall {
  readonly audience: number;
  readonly excluded: Readonly<Record<SuppressReason, number>>;
  readonly toSend: number;
  /** Of those to send, held until quiet hours end. */
  readonly deferred: number;
  readonly deferredUntil: string | null;
  /** To send, by the channel each customer gets (the first in fallback order that may reach them). */
  readonly byChannel: Readonly<Record<string, number>>;
}

/** What a plan is made from. */
export interface PlanInput {
  readonly audience: ReadonlyRoaringBitmap32;
  readonly purpose: Purpose;
  readonly channels: readonly { readonly key: string; readonly reaches: ContactChannel }[];
  readonly policy: ContactPolicy;
  readonly window: SendWindow;
  readonly facts: AudienceFacts;
  readonly inControlGroup: (customerId: number) => boolean;
  readonly inGlobalHoldout: (customerId: number) => boolean;
}

/** Customers to send on one channel, with the consent record each decision used. */
export interface ChannelSends {
  readonly customerIds: number[];
  readonly consentAt: (string | null)[];
}

/** The plan: its waterfall, the sends per channel, the control group. */
export interface RunPlan {
  readonly waterfall: Waterfall;
  readonly sends: ReadonlyMap<string, ChannelSends>;
  readonly notBefore: Date | null;
  readonly control: number[];
}

const STAGE = new Map(SUPPRESS_REASONS.map((r, i) => [r, i]));

/** Plans a run: one decision per customer and channel, the first channel that may reach a customer wins. */
export function planRun(input: PlanInput): RunPlan {
  const excluded = Object.fromEntries(SUPPRESS_REASONS.map((r) => [r, 0])) as Record<SuppressReason, number>;
  const sends = new Map(
    input.channels.map((c) => [c.key, { customerIds: [], consentAt: [] } as ChannelSends]),
  );
  const caps = input.channels.map((c) => input.policy.caps[c.reaches]);
  const control: number[] = [];
  let toSend = 0;
  let deferred = 0;
  let deferredUntil: Date | null = null;
  for (const id of input.audience) {
    const inControlGroup = input.inControlGroup(id);
    const inGlobalHoldout = input.inGlobalHoldout(id);
    const doNotContact = input.facts.doNotContact(id);
    let furthest: SuppressReason | undefined;
    let chosen = false;
    for (let i = 0; i < input.channels.length; i++) {
      const channel = input.channels[i]!;
      const consent = input.facts.consent(id, channel.reaches);
      const decision = decideContact(input.policy, input.purpose, caps[i], input.window, {
        consent: consent.state,
        doNotContact,
        sent: input.facts.sent(id, channel.reaches),
        inControlGroup,
        inGlobalHoldout,
      });
      if (decision.outcome === 'suppress') {
        if (furthest === undefined || STAGE.get(decision.reason)! > STAGE.get(furthest)!)
          furthest = decision.reason;
        continue;
      }
      const target = sends.get(channel.key)!;
      target.customerIds.push(id);
      target.consentAt.push(consent.at);
      toSend++;
      if (decision.outcome === 'defer') {
        deferred++;
        deferredUntil = decision.until;
      }
      chosen = true;
      break;
    }
    if (!chosen && furthest !== undefined) {
      excluded[furthest]++;
      if (furthest === 'control_group') control.push(id);
    }
  }
  return {
    waterfall: {
      audience: input.audience.size,
      excluded,
      toSend,
      deferred,
      deferredUntil: deferredUntil?.toISOString() ?? null,
      byChannel: Object.fromEntries([...sends].map(([key, s]) => [key, s.customerIds.length])),
    },
    sends,
    notBefore: deferredUntil,
    control,
  };
}
