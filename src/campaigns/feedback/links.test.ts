import { describe, expect, it } from 'vitest';
import { isUnsubscribe } from './opt-out.ts';
import { linkToken, openLinkToken, trackLinks } from './links.ts';

const tracking = { secret: 'link-secret-0123456789abcdef', publicUrl: 'https://bank.example/fw/' };

describe('tracked links', () => {
  it('rewrites each link of each field into a signed redirect that opens to the same delivery and URL', () => {
    const fields = trackLinks(tracking, '12-34-bank_sms', {
      text: '王先生，稳健90天详见https://bank.example/p/WM-90?src=sms。回T退订',
      html: '<a href="https://bank.example/p?a=1&amp;b=2">详情</a>, see https://x.example/a.',
      subject: 'no link here',
    });
    expect(fields['subject']).toBe('no link here');
    const tokens = Object.values(fields)
      .join(' ')
      .match(/https:\/\/bank\.example\/fw\/r\/[A-Za-z0-9_.-]+/g)!
      .map((l) => l.slice('https://bank.example/fw/r/'.length));
    expect(tokens).toHaveLength(3);
    expect(tokens.map((t) => openLinkToken(tracking.secret, t))).toEqual([
      { ok: true, value: { deliveryKey: '12-34-bank_sms', url: 'https://bank.example/p/WM-90?src=sms' } },
      { ok: true, value: { deliveryKey: '12-34-bank_sms', url: 'https://bank.example/p?a=1&b=2' } },
      { ok: true, value: { deliveryKey: '12-34-bank_sms', url: 'https://x.example/a' } },
    ]);
    // The sentence around a link stays as written; a tracked link is not tracked again.
    expect(fields['text']).toMatch(/^王先生，稳健90天详见https:\/\/bank\.example\/fw\/r\/\S+。回T退订$/);
    expect(fields['html']).toMatch(/">详情<\/a>, see https:\/\/bank\.example\/fw\/r\/\S+\.$/);
    expect(trackLinks(tracking, 'k', fields)).toEqual(fields);
  });

  it('refuses tampered, foreign, truncated and non-web tokens', () => {
    const token = linkToken(tracking.secret, 'k1', 'https://bank.example/p');
    const [payload, mac] = token.split('.') as [string, string];
    const other = linkToken(tracking.secret, 'k1', 'https://evil.example/');
    const refused = { ok: false, error: { code: 'bad_request', message: 'this link is not valid' } };
    for (const bad of [
      `${other.split('.')[0]}.${mac}`, // another URL under this token's signature
      linkToken('another-secret-0123456789', 'k1', 'https://bank.example/p'),
      payload,
      `${payload}.`,
      `.${mac}`,
      `${payload}.${mac.slice(1)}`,
      linkToken(tracking.secret, 'k1', 'javascript:alert(1)'), // signed, but not a web address
      linkToken(tracking.secret, '', 'https://bank.example/p'),
      '%00',
    ])
      expect(openLinkToken(tracking.secret, bad), bad).toEqual(refused);
  });
});

describe('SMS unsubscribe replies', () => {
  it('退订, TD, T, unsubscribe: trimmed, any case, full-width folded; anything else is a reply', () => {
    for (const yes of [
      '退订',
      'TD',
      'td',
      'Td',
      'T',
      't',
      ' TD\n',
      'ＴＤ',
      'ｔ',
      '\u3000退订\u3000',
      'UNSUBSCRIBE',
    ])
      expect(isUnsubscribe(yes), JSON.stringify(yes)).toBe(true);
    for (const no of ['', '退订吧', 'TDD', 'T D', '谢谢', 'stop', 'tt'])
      expect(isUnsubscribe(no), JSON.stringify(no)).toBe(false);
  });
});
