import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { clockOf } from '../shared/clock.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { parseCallbackEvent, parseEnvelope } from './callback-xml.ts';
import { receiveCallback } from './callbacks.ts';
import { aesKeyOf, callbackSignature, encryptMessage, type CallbackKeys } from './crypto.ts';

// The callback XML as WeCom words it (and as it must not be), and the receipts' window: a replay inside it is refused,
// receipts older than twice the timestamp window are pruned by the next accepted callback.

const event = (fields: string) => `<xml><CreateTime>1764000000</CreateTime>${fields}</xml>`;

describe('callback XML', () => {
  it('reads the contact changes, transfer_fail and tag events in the integration’s words', () => {
    const contact = (changeType: string, extra = '') =>
      parseCallbackEvent(
        event(
          `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType><UserID>AM1</UserID><ExternalUserID>wm1</ExternalUserID>${extra}`,
        ),
      );
    expect(contact('del_follow_user')).toEqual({
      ok: true,
      value: { kind: 'contact_removed_by_customer', at: 1764000000, staffId: 'AM1', externalUserid: 'wm1' },
    });
    expect(contact('transfer_fail', '<FailReason>customer_limit_exceed</FailReason>')).toMatchObject({
      ok: true,
      value: { kind: 'transfer_failed', reason: 'customer_limit_exceed' },
    });
    expect(contact('transfer_fail', '<FailReason>other</FailReason>').ok).toBe(false);
    expect(contact('add_half_external_contact')).toMatchObject({ ok: true, value: { kind: 'ignored' } });
    expect(
      parseCallbackEvent(
        event('<Event>change_external_tag</Event><ChangeType>delete</ChangeType><Id>et1</Id>'),
      ),
    ).toMatchObject({
      ok: true,
      value: { kind: 'tag_changed', changeType: 'delete', tagId: 'et1', tagType: null },
    });
  });

  it('refuses nested or repeated fields, missing ids and non-numeric times; does not expand entities', () => {
    expect(parseCallbackEvent(event('<UserID><a>1</a></UserID>')).ok).toBe(false);
    expect(parseCallbackEvent(event('<UserID>a</UserID><UserID>b</UserID>')).ok).toBe(false);
    expect(
      parseCallbackEvent(
        event('<Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType>'),
      ),
    ).toMatchObject({ ok: false });
    expect(parseCallbackEvent('<xml><CreateTime>soon</CreateTime></xml>').ok).toBe(false);
    expect(parseCallbackEvent('not xml at all').ok).toBe(false);
    const bomb =
      '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">]><xml><ToUserName>&a;&a;</ToUserName><Encrypt>e</Encrypt></xml>';
    const read = parseEnvelope(bomb);
    expect(read).toEqual({ ok: true, value: { encrypted: 'e', toUserName: '&a;&a;' } });
    expect(parseEnvelope('<xml><ToUserName>x</ToUserName></xml>').ok).toBe(false);
  });
});

describe('callback receipts', () => {
  let store: OperationalStore;
  let now = new Date('2026-11-23T10:00:00Z');
  const clock = clockOf(() => now, 'Asia/Shanghai');
  const key = aesKeyOf('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C');
  if (!key.ok) throw new Error(key.error);
  const keys: CallbackKeys = { token: 'tok', aesKey: key.value, receiveId: 'wwcorp' };
  const deps = () => ({ db: store.db, clock, keys, match: [] as const });
  const signed = (nonce: string) => {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const encrypted = encryptMessage(keys, event('<Event>something_else</Event>'));
    return {
      msgSignature: callbackSignature('tok', timestamp, nonce, encrypted),
      timestamp,
      nonce,
      encrypted,
    };
  };
  const receipts = async () =>
    (await store.db.selectFrom('wecom_callback_receipts').select('nonce').orderBy('nonce').execute()).map(
      (r) => r.nonce,
    );

  beforeAll(async () => {
    store = await openMigratedMemoryStore();
  });
  afterAll(async () => store?.close());

  it('refuses a replay within the window and prunes receipts older than twice the window', async () => {
    const first = signed('n1');
    expect(await receiveCallback(deps(), first)).toEqual({ ok: true, value: { kind: 'ignored' } });
    expect(
      await receiveCallback(deps(), { ...first, msgSignature: first.msgSignature.toUpperCase() }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'replayed' } },
    });
    now = new Date(now.getTime() + 4 * 60_000);
    expect((await receiveCallback(deps(), signed('n2'))).ok).toBe(true);
    expect(await receipts()).toEqual(['n1', 'n2']);
    // Eleven minutes after the first: its receipt goes (a replay of it is stale by now), the second stays.
    now = new Date(now.getTime() + 7 * 60_000);
    expect(await receiveCallback(deps(), first)).toMatchObject({
      ok: false,
      error: { details: { reason: 'stale_timestamp' } },
    });
    expect((await receiveCallback(deps(), signed('n3'))).ok).toBe(true);
    expect(await receipts()).toEqual(['n2', 'n3']);
  });
});
