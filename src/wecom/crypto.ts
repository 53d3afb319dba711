import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Result } from '../shared/errors.ts';

// WeCom's callback encryption (../shared/specs/wecom.md, "Callbacks"): AES-256-CBC with the key decoded from the
// 43-character EncodingAESKey, the IV its first 16 bytes, PKCS#7 padding to a multiple of 32 bytes, a plaintext of
// 16 random bytes ‖ uint32 length ‖ message ‖ receiveid, and a SHA-1 signature over the sorted four strings. Written
// here rather than taken from a package: the published Node packages are unmaintained, and these are 100 lines over
// node:crypto checked against WeCom's own known-answer vectors (crypto.test.ts).

/** Why a callback was refused, in words a log or an operator can act on. */
export type CallbackRefusal =
  'bad_signature' | 'stale_timestamp' | 'bad_ciphertext' | 'wrong_receiveid' | 'missing_field' | 'replayed';

/** The secrets one enterprise's callbacks are checked with. */
export interface CallbackKeys {
  readonly token: string;
  /** The 32-byte AES key decoded from EncodingAESKey. */
  readonly aesKey: Buffer;
  /** The corp id every plaintext must end with. */
  readonly receiveId: string;
}

const BLOCK = 32;

/** The AES key of an EncodingAESKey (43 base64 characters → 32 bytes), or why it is not one. */
export function aesKeyOf(encodingAESKey: string): Result<Buffer, string> {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey))
    return { ok: false, error: 'EncodingAESKey must be 43 characters of base64 (A–Z, a–z, 0–9, + and /)' };
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  return key.length === 32
    ? { ok: true, value: key }
    : { ok: false, error: 'EncodingAESKey does not decode to 32 bytes' };
}

/** msg_signature: the hex SHA-1 of the token, timestamp, nonce and ciphertext, sorted and concatenated. */
export function callbackSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** Whether `signature` is the message's signature (compared in constant time). */
export function signatureMatches(
  keys: CallbackKeys,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
): boolean {
  const expected = Buffer.from(callbackSignature(keys.token, timestamp, nonce, encrypted), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Encrypts a message as WeCom does (the simulator's callbacks, tests); `random` is the 16-byte prefix. */
export function encryptMessage(
  keys: CallbackKeys,
  message: string,
  random: Buffer = randomBytes(16),
): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(keys.receiveId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', keys.aesKey, keys.aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

/** Decrypts a ciphertext and checks its padding, length and receiveid; the message, or why it was refused. */
export function decryptMessage(
  keys: CallbackKeys,
  encrypted: string,
): Result<string, 'bad_ciphertext' | 'wrong_receiveid'> {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return { ok: false, error: 'bad_ciphertext' };
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return { ok: false, error: 'bad_ciphertext' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', keys.aesKey, keys.aesKey.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return { ok: false, error: 'bad_ciphertext' };
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length) return { ok: false, error: 'bad_ciphertext' };
  for (let i = plain.length - pad; i < plain.length; i++)
    if (plain[i] !== pad) return { ok: false, error: 'bad_ciphertext' };
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) return { ok: false, error: 'bad_ciphertext' };
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) return { ok: false, error: 'bad_ciphertext' };
  const message = unpadded.subarray(20, 20 + length);
  const receiveId = unpadded.subarray(20 + length).toString('utf8');
  if (receiveId !== keys.receiveId) return { ok: false, error: 'wrong_receiveid' };
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return { ok: true, value: text.decode(message) };
  } catch {
    return { ok: false, error: 'bad_ciphertext' };
  }
}

/** The query (and, for POST, body) fields a callback carries. */
export interface SignedCallback {
  readonly msgSignature?: string | undefined;
  readonly timestamp?: string | undefined;
  readonly nonce?: string | undefined;
  readonly encrypted?: string | undefined;
}

/**
 * Opens a signed, encrypted callback: fields present, timestamp within `maxSkewSeconds` of `nowSeconds`, signature,
 * then ciphertext and receiveid. The decrypted message, or the first reason it was refused.
 */
export function openCallback(
  keys: CallbackKeys,
  callback: SignedCallback,
  nowSeconds: number,
  maxSkewSeconds = 300,
): Result<string, CallbackRefusal> {
  const { msgSignature, timestamp, nonce, encrypted } = callback;
  if (!msgSignature || !timestamp || !nonce || !encrypted) return { ok: false, error: 'missing_field' };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > maxSkewSeconds)
    return { ok: false, error: 'stale_timestamp' };
  if (!signatureMatches(keys, msgSignature, timestamp, nonce, encrypted))
    return { ok: false, error: 'bad_signature' };
  return decryptMessage(keys, encrypted);
}
