import { aesKeyOf, callbackSignature, encryptMessage, type CallbackKeys } from '../../src/wecom/crypto.ts';

// Signed, encrypted WeCom callbacks as WeCom sends them, for tests (the simulator will push the same).

export const WECOM_TEST_ENV = {
  FLYWHEEL_WECOM_CORP_ID: 'wwflywheeltest01',
  FLYWHEEL_WECOM_CALLBACK_TOKEN: 'callbackToken42',
  FLYWHEEL_WECOM_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
} as const;

/** The keys of WECOM_TEST_ENV, or of another receiveid (a message meant for another enterprise). */
export function wecomTestKeys(receiveId: string = WECOM_TEST_ENV.FLYWHEEL_WECOM_CORP_ID): CallbackKeys {
  const key = aesKeyOf(WECOM_TEST_ENV.FLYWHEEL_WECOM_AES_KEY);
  if (!key.ok) throw new Error(key.error);
  return { token: WECOM_TEST_ENV.FLYWHEEL_WECOM_CALLBACK_TOKEN, aesKey: key.value, receiveId };
}

/** The query string of a signed callback over `encrypted`. */
export function signedQuery(encrypted: string, timestamp: number, nonce: string, token?: string): string {
  const signature = callbackSignature(
    token ?? WECOM_TEST_ENV.FLYWHEEL_WECOM_CALLBACK_TOKEN,
    String(timestamp),
    nonce,
    encrypted,
  );
  return `msg_signature=${signature}&timestamp=${timestamp}&nonce=${encodeURIComponent(nonce)}`;
}

/** WeCom's POST envelope around a ciphertext. */
export function envelope(encrypted: string): string {
  return `<xml><ToUserName><![CDATA[${WECOM_TEST_ENV.FLYWHEEL_WECOM_CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
}

/** A change_external_contact event as WeCom words it. */
export function contactEvent(
  changeType: string,
  userId: string,
  externalUserId: string,
  createTime: number,
  extra = '',
): string {
  return (
    `<xml><ToUserName><![CDATA[${WECOM_TEST_ENV.FLYWHEEL_WECOM_CORP_ID}]]></ToUserName>` +
    `<FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime>` +
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>` +
    `<ChangeType><![CDATA[${changeType}]]></ChangeType><UserID><![CDATA[${userId}]]></UserID>` +
    `<ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID>${extra}</xml>`
  );
}

/** The URL and body of a POSTed callback of `message`, encrypted with `keys`, at `timestamp`. */
export function callbackRequest(
  message: string,
  options: { timestamp: number; nonce: string; keys?: CallbackKeys },
): { url: string; body: string } {
  const encrypted = encryptMessage(options.keys ?? wecomTestKeys(), message);
  return {
    url: `/v1/wecom/callback?${signedQuery(encrypted, options.timestamp, options.nonce)}`,
    body: envelope(encrypted),
  };
}
