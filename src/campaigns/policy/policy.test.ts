import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../../shared/clock.ts';
import { decideContact, type ContactFacts } from './decide.ts';
import { DEFAULT_CONTACT_POLICY, contactPolicySchema, type ContactPolicy } from './settings.ts';
import { capPeriods, sendWindow } from './window.ts';

const shanghai = businessCalendar('Asia/Shanghai');
const policy = DEFAULT_CONTACT_POLICY;
const open = { open: true } as const;
const facts = (over: Partial<ContactFacts> = {}): ContactFacts => ({
  consent: 'granted',
  doNotContact: false,
  sent: { day: 0, week: 0, month: 0 },
  inControlGroup: false,
  inGlobalHoldout: false,
  ...over,
});

describe('quiet hours in the bank zone', () => {
  it('21:00–08:00 Shanghai: 20:59 open, 21:00 deferred to 08:00 next morning, 07:59 to this morning', () => {
    expect(sendWindow(shanghai, policy, new Date('2026-12-07T12:59:00Z'))).toEqual({ open: true }); // 20:59
    expect(sendWindow(shanghai, policy, new Date('2026-12-07T13:00:00Z'))).toEqual({
      open: false,
      opensAt: new Date('2026-12-08T00:00:00Z'), // 08:00 on the 8th
    });
    expect(sendWindow(shanghai, policy, new Date('2026-12-07T23:59:00Z'))).toEqual({
      open: false,
      opensAt: new Date('2026-12-08T00:00:00Z'), // 07:59 on the 8th → 08:00 the same morning
    });
    expect(sendWindow(shanghai, policy, new Date('2026-12-08T00:00:00Z'))).toEqual({ open: true });
  });

  it('a window within one day, none at all, and a zone with DST', () => {
    const lunch: ContactPolicy = { ...policy, quietHours: { start: '12:00', end: '14:00' } };
    expect(sendWindow(shanghai, lunch, new Date('2026-12-07T05:00:00Z'))).toEqual({
      open: false,
      opensAt: new Date('2026-12-07T06:00:00Z'),
    });
    expect(sendWindow(shanghai, lunch, new Date('2026-12-07T06:00:00Z'))).toEqual({ open: true });
    expect(sendWindow(shanghai, { ...policy, quietHours: null }, new Date('2026-12-07T15:00:00Z'))).toEqual(
      open,
    );
    // London on the night clocks go forward (29 March 2026): 22:00 GMT opens at 08:00 BST = 07:00Z.
    const london = businessCalendar('Europe/London');
    expect(sendWindow(london, policy, new Date('2026-03-28T22:00:00Z'))).toEqual({
      open: false,
      opensAt: new Date('2026-03-29T07:00:00Z'),
    });
  });

  it('cap periods: business day, Monday of its week, first of its month, in the bank zone', () => {
    // 2026-12-06 17:00Z is Monday 7 December 01:00 in Shanghai.
    expect(capPeriods(shanghai, new Date('2026-12-06T17:00:00Z'))).toEqual({
      day: '2026-12-07',
      week: '2026-12-07',
      month: '2026-12-01',
    });
    expect(capPeriods(shanghai, new Date('2026-12-06T15:00:00Z'))).toEqual({
      day: '2026-12-06',
      week: '2026-11-30',
      month: '2026-12-01',
    });
  });
});

describe('one decision per message, in waterfall order', () => {
  const caps = policy.caps.sms;
  const closed = { open: false, opensAt: new Date('2026-12-08T00:00:00Z') } as const;

  it('no consent record is no consent; a revocation is an opt-out, whatever else holds', () => {
    expect(decideContact(policy, 'marketing', caps, open, facts({ consent: 'none' }))).toEqual({
      outcome: 'suppress',
      reason: 'no_consent',
    });
    expect(
      decideContact(policy, 'service', caps, open, facts({ consent: 'revoked', inControlGroup: true })),
    ).toEqual({ outcome: 'suppress', reason: 'opted_out' });
  });

  const full = { day: 5, week: 5, month: 50 };
  const strict: ContactPolicy = { ...policy, serviceIgnoresCaps: false };
  it.each([
    ['do-not-contact before caps', policy, 'marketing', { doNotContact: true, sent: full }, 'do_not_contact'],
    [
      'caps before control group',
      policy,
      'marketing',
      { sent: { day: 1, week: 1, month: 1 }, inControlGroup: true },
      'cap_day',
    ],
    ['weekly cap', policy, 'marketing', { sent: { day: 0, week: 3, month: 3 } }, 'cap_week'],
    ['monthly cap', policy, 'marketing', { sent: { day: 0, week: 0, month: 8 } }, 'cap_month'],
    [
      'control group before holdout',
      policy,
      'marketing',
      { inControlGroup: true, inGlobalHoldout: true },
      'control_group',
    ],
    ['global holdout', policy, 'marketing', { inGlobalHoldout: true }, 'global_holdout'],
    [
      'service past caps and holdout by policy',
      policy,
      'service',
      { sent: full, inGlobalHoldout: true },
      undefined,
    ],
    ['service capped when the policy says so', strict, 'service', { sent: full }, 'cap_day'],
    ['service still honours do-not-contact', policy, 'service', { doNotContact: true }, 'do_not_contact'],
  ] as const)('%s', (_, settings, purpose, over, reason) => {
    expect(decideContact(settings, purpose, caps, open, facts(over))).toEqual(
      reason === undefined ? { outcome: 'send' } : { outcome: 'suppress', reason },
    );
  });

  it('quiet hours defer, never drop; service may be exempted', () => {
    expect(decideContact(policy, 'marketing', caps, closed, facts())).toEqual({
      outcome: 'defer',
      until: closed.opensAt,
    });
    expect(decideContact(policy, 'service', caps, closed, facts())).toEqual({
      outcome: 'defer',
      until: closed.opensAt,
    });
    const exempt: ContactPolicy = { ...policy, serviceIgnoresQuietHours: true };
    expect(decideContact(exempt, 'service', caps, closed, facts())).toEqual({ outcome: 'send' });
    expect(
      decideContact(policy, 'marketing', undefined, open, facts({ sent: { day: 99, week: 99, month: 99 } })),
    ).toEqual({
      outcome: 'send',
    });
  });

  it('settings are checked: a located problem for a bad time or cap', () => {
    const bad = contactPolicySchema.safeParse({
      ...policy,
      quietHours: { start: '25:00', end: '08:00' },
      caps: { sms: { day: -1 } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['quietHours.start', 'caps.sms.day']));
    expect(contactPolicySchema.parse(DEFAULT_CONTACT_POLICY)).toEqual(DEFAULT_CONTACT_POLICY);
  });
});
