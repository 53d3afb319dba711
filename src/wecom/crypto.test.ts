import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  aesKeyOf,
  callbackSignature,
  decryptMessage,
  encryptMessage,
  openCallback,
  type CallbackKeys,
} from './crypto.ts';

// WeCom's own worked example (test/fixtures/wecom/callback-crypto-vectors.json, a copy of the workspace's
// ../shared/data/wecom one, so a clone anywhere runs it): the verify-URL echostr and an
// encrypted message decrypt to the published plaintexts under the published signatures; then every way a callback
// can be wrong is refused with its reason.

interface Vectors {
  vectors: {
    token: string;
    encodingAESKey: string;
    receiveId: string;
    verifyURL: {
      msg_signature: string;
      timestamp: string;
      nonce: string;
      echostr: string;
      expected_plaintext: string;
    };
    decryptMsg: {
      msg_signature: string;
      timestamp: string;
      nonce: string;
      encrypt: string;
      expected_plaintext: string;
    };
  };
}
const v = (
  JSON.parse(
    readFileSync(new URL('../../test/fixtures/wecom/callback-crypto-vectors.json', import.meta.url), 'utf8'),
  ) as Vectors
).vectors;

const key = aesKeyOf(v.encodingAESKey);
if (!key.ok) throw new Error(key.error);
const keys: CallbackKeys = { token: v.token, aesKey: key.value, receiveId: v.receiveId };

describe('WeCom callback crypto, known answers', () => {
  it('verifies the URL: signature over the echostr, echostr decrypts to the published plaintext', () => {
    const u = v.verifyURL;
    expect(callbackSignature(v.token, u.timestamp, u.nonce, u.echostr)).toBe(u.msg_signature);
    const opened = openCallback(
      keys,
      { msgSignature: u.msg_signature, timestamp: u.timestamp, nonce: u.nonce, encrypted: u.echostr },
      Number(u.timestamp) + 10,
    );
    expect(opened).toEqual({ ok: true, value: u.expected_plaintext });
  });

  it('decrypts the published message under its signature', () => {
    const m = v.decryptMsg;
    expect(callbackSignature(v.token, m.timestamp, m.nonce, m.encrypt)).toBe(m.msg_signature);
    const opened = openCallback(
      keys,
      { msgSignature: m.msg_signature, timestamp: m.timestamp, nonce: m.nonce, encrypted: m.encrypt },
      Number(m.timestamp),
    );
    expect(opened).toEqual({ ok: true, value: m.expected_plaintext });
  });

  it('encrypts as WeCom does: a round trip, padded to 32 bytes, and a fixed prefix gives a fixed ciphertext', () => {
    const prefix = Buffer.alloc(16, 7);
    const message = '<xml><Event><![CDATA[change_external_contact]]></Event>客户</xml>';
    const a = encryptMessage(keys, message, prefix);
    expect(encryptMessage(keys, message, prefix)).toBe(a);
    expect(Buffer.from(a, 'base64').length % 32).toBe(0);
    expect(decryptMessage(keys, a)).toEqual({ ok: true, value: message });
    // a message whose plaintext is already a multiple of 32 gets a whole block of padding
    const exact = 'x'.repeat(64 - 20 - v.receiveId.length);
    expect(Buffer.from(encryptMessage(keys, exact), 'base64').length).toBe(96);
    expect(decryptMessage(keys, encryptMessage(keys, exact))).toEqual({ ok: true, value: exact });
  });
});

describe('WeCom callback crypto, refusals', () => {
  const m = v.decryptMsg;
  const now = Number(m.timestamp);
  const signed = (encrypted: string, timestamp = m.timestamp) => ({
    msgSignature: callbackSignature(v.token, timestamp, m.nonce, encrypted),
    timestamp,
    nonce: m.nonce,
    encrypted,
  });

  it('refuses a bad signature, a stale or garbled timestamp and missing fields', () => {
    expect(openCallback(keys, { ...signed(m.encrypt), msgSignature: 'a'.repeat(40) }, now)).toEqual({
      ok: false,
      error: 'bad_signature',
    });
    expect(openCallback(keys, { ...signed(m.encrypt), msgSignature: 'short' }, now).ok).toBe(false);
    expect(openCallback(keys, signed(m.encrypt), now + 301)).toEqual({ ok: false, error: 'stale_timestamp' });
    expect(openCallback(keys, signed(m.encrypt), now - 301)).toEqual({ ok: false, error: 'stale_timestamp' });
    expect(openCallback(keys, signed(m.encrypt, 'soon'), now)).toEqual({
      ok: false,
      error: 'stale_timestamp',
    });
    expect(openCallback(keys, { ...signed(m.encrypt), nonce: undefined }, now)).toEqual({
      ok: false,
      error: 'missing_field',
    });
  });

  it('refuses truncated, garbage and re-padded ciphertext, and another corp’s receiveid', () => {
    const truncated = Buffer.from(m.encrypt, 'base64').subarray(0, 48).toString('base64');
    const oddLength = Buffer.from(m.encrypt, 'base64').subarray(0, 47).toString('base64');
    for (const bad of [truncated, oddLength, 'not base64 at all!', Buffer.alloc(64, 1).toString('base64')])
      expect(openCallback(keys, signed(bad), now)).toEqual({ ok: false, error: 'bad_ciphertext' });
    const other = encryptMessage({ ...keys, receiveId: 'wwanothercorp' }, '<xml/>');
    expect(openCallback(keys, signed(other), now)).toEqual({ ok: false, error: 'wrong_receiveid' });
  });

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    expect(aesKeyOf('short').ok).toBe(false);
    expect(aesKeyOf(`${v.encodingAESKey.slice(0, 42)}!`).ok).toBe(false);
  });
});
