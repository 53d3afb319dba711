import { randomBytes } from 'node:crypto';
import { fetch } from 'undici';
import { aesKeyOf, callbackSignature, encryptMessage, type CallbackKeys } from '../crypto.ts';

// Events WeCom pushes to the bank's callback URL, as WeCom sends them: the event XML encrypted with the callback's
// EncodingAESKey, wrapped in <xml><ToUserName/><Encrypt/><AgentID/></xml>, POSTed with msg_signature, timestamp and
// nonce in the query. Only changes made outside the API (the control endpoints) push one, as WeCom does.

/** Where and how to push callbacks. */
export interface CallbackTarget {
  readonly url: string;
  readonly token: string;
  readonly encodingAESKey: string;
}

/** One push and how it went. */
export interface CallbackDelivery {
  readonly event: string;
  readonly changeType: string | undefined;
  readonly status: number | undefined;
  readonly error: string | undefined;
}

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** WeCom's event XML: the envelope fields, then the event's own in order. */
export function eventXml(
  corpId: string,
  createTime: number,
  fields: Record<string, string | number>,
): string {
  const parts = Object.entries(fields).map(([key, value]) =>
    typeof value === 'number' ? `<${key}>${value}</${key}>` : `<${key}>${cdata(value)}</${key}>`,
  );
  return (
    `<xml><ToUserName>${cdata(corpId)}</ToUserName><FromUserName>${cdata('sys')}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType>${parts.join('')}</xml>`
  );
}

/** Pushes events to the configured URL (or records that none is configured). */
export class CallbackPusher {
  readonly deliveries: CallbackDelivery[] = [];
  private readonly keys: CallbackKeys | undefined;

  constructor(
    private readonly target: CallbackTarget | undefined,
    private readonly corpId: string,
    /** Unix seconds for the signature's timestamp: the receiver checks it against its own clock. */
    private readonly wallSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (target) {
      const key = aesKeyOf(target.encodingAESKey);
      if (!key.ok) throw new Error(`callback EncodingAESKey: ${key.error}`);
      this.keys = { token: target.token, aesKey: key.value, receiveId: corpId };
    }
  }

  /** Encrypts, signs and POSTs one event; never throws (a failed push is recorded). */
  async push(
    createTime: number,
    fields: Record<string, string | number>,
  ): Promise<CallbackDelivery | undefined> {
    if (!this.target || !this.keys) return undefined;
    const encrypted = encryptMessage(this.keys, eventXml(this.corpId, createTime, fields));
    // The signature's timestamp is the unadvanced clock's: the receiver checks it against its own, not WeCom's time.
    const timestamp = String(this.wallSeconds());
    const nonce = randomBytes(8).toString('hex');
    const signature = callbackSignature(this.keys.token, timestamp, nonce, encrypted);
    const url = new URL(this.target.url);
    url.searchParams.set('msg_signature', signature);
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    const body = `<xml><ToUserName>${cdata(this.corpId)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt><AgentID>${cdata('')}</AgentID></xml>`;
    let delivery: CallbackDelivery;
    const event = String(fields.Event ?? '');
    const changeType = fields.ChangeType === undefined ? undefined : String(fields.ChangeType);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await response.text();
      delivery = { event, changeType, status: response.status, error: undefined };
    } catch (error) {
      delivery = {
        event,
        changeType,
        status: undefined,
        error: error instanceof Error ? error.name : 'failed',
      };
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
