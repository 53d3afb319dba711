import { describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { AudienceFacts } from '../policy/facts.ts';
import { DEFAULT_CONTACT_POLICY } from '../policy/settings.ts';
import { planRun, type PlanInput } from './plan.ts';

// The plan behind the preview waterfall and the run: every customer is counted once, at the furthest stage any
// channel reached, and sent on the first channel in fallback order that may reach them.

const audience = new RoaringBitmap32(Array.from({ length: 1000 }, (_, i) => i + 1));
// WeCom: every 2nd customer is a friend who consented; SMS: all but multiples of 5 granted, multiples of 10 revoked.
const facts: AudienceFacts = {
  consent: (id, reaches) =>
    reaches === 'wecom'
      ? { state: id % 2 === 0 ? 'granted' : 'none', at: null }
      : id % 10 === 0
        ? { state: 'revoked', at: '2026-11-01' }
        : id % 5 === 0
          ? { state: 'none', at: null }
          : { state: 'granted', at: '2026-10-01' },
  doNotContact: (id) => id === 7,
  sent: (id) => (id % 11 === 0 ? { day: 1, week: 1, month: 1 } : { day: 0, week: 0, month: 0 }),
};
const input: PlanInput = {
  audience,
  purpose: 'marketing',
  channels: [
    { key: 'wecom_manager', reaches: 'wecom' },
    { key: 'bank_sms', reaches: 'sms' },
  ],
  policy: DEFAULT_CONTACT_POLICY,
  window: { open: true },
  facts,
  inControlGroup: (id) => id % 13 === 0,
  inGlobalHoldout: (id) => id % 17 === 0,
};

describe('run plan', () => {
  it('counts every customer once and sends on the first channel that may reach them', () => {
    const plan = planRun(input);
    const { waterfall } = plan;
    const excluded = Object.values(waterfall.excluded).reduce((a, b) => a + b, 0);
    expect(waterfall.audience).toBe(1000);
    expect(excluded + waterfall.toSend).toBe(1000);
    expect(waterfall.byChannel['wecom_manager']! + waterfall.byChannel['bank_sms']!).toBe(waterfall.toSend);
    // Odd customers have no WeCom consent: those that get anything get SMS; even ones get WeCom.
    expect(plan.sends.get('bank_sms')!.customerIds.every((id) => id % 2 === 1)).toBe(true);
    expect(plan.sends.get('wecom_manager')!.customerIds.every((id) => id % 2 === 0)).toBe(true);
    // An odd multiple of 5 not of 10 (e.g. 5, 15, 25): no consent anywhere.
    expect(waterfall.excluded.no_consent).toBe(
      [...audience].filter((id) => id % 2 === 1 && id % 5 === 0).length,
    );
    expect(waterfall.excluded.do_not_contact).toBe(1);
    expect(plan.control.every((id) => id % 13 === 0)).toBe(true);
    expect(plan.control.length).toBe(waterfall.excluded.control_group);
    expect(waterfall.deferred).toBe(0);
  });

  it('quiet hours defer every send to the window end; service messages pass caps and the holdout', () => {
    const opensAt = new Date('2026-12-08T00:00:00Z');
    const quiet = planRun({ ...input, window: { open: false, opensAt } });
    expect(quiet.waterfall.deferred).toBe(quiet.waterfall.toSend);
    expect(quiet.notBefore).toEqual(opensAt);
    const service = planRun({ ...input, purpose: 'service' });
    expect(service.waterfall.excluded.cap_day + service.waterfall.excluded.global_holdout).toBe(0);
    expect(service.waterfall.toSend).toBeGreaterThan(planRun(input).waterfall.toSend);
  });
});
