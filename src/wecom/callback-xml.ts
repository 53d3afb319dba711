import { XMLParser } from 'fast-xml-parser';
import { err, ok, type Result } from '../shared/errors.ts';

// WeCom's callback XML (../shared/specs/wecom.md, "Callbacks"): the envelope a POST carries
// (<xml><ToUserName/><Encrypt/><AgentID/></xml>) and the decrypted event inside it, read into the integration's
// words. Entities are not expanded and attributes are ignored: a callback is a flat list of text fields.

/** A friendship change of change_external_contact. */
export interface ContactChangeEvent {
  readonly kind:
    'contact_added' | 'contact_edited' | 'contact_removed_by_staff' | 'contact_removed_by_customer';
  readonly at: number;
  readonly staffId: string;
  readonly externalUserid: string;
}

/** A callback event as the integration applies it. Times are Unix seconds (WeCom's CreateTime). */
export type WecomCallbackEvent =
  | ContactChangeEvent
  | {
      readonly kind: 'transfer_failed';
      readonly at: number;
      readonly staffId: string;
      readonly externalUserid: string;
      readonly reason: 'customer_refused' | 'customer_limit_exceed';
    }
  | {
      readonly kind: 'tag_changed';
      readonly at: number;
      readonly changeType: string;
      readonly tagType: string | null;
      readonly tagId: string | null;
      readonly strategyId: string | null;
    }
  /** An event Flywheel does not act on (another Event or ChangeType): accepted and recorded as received only. */
  | { readonly kind: 'ignored'; readonly at: number; readonly event: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  trimValues: true,
  // Inner <![CDATA[...]]> sections become the field's text.
  cdataPropName: false,
});

/** The fields of a flat `<xml>` document as text, or why it is not one. */
function flatFields(xml: string): Result<Record<string, string>, string> {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    return err(`not XML: ${e instanceof Error ? e.message.split('\n')[0] : 'unreadable'}`);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return err('no <xml> element');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    // A repeated or nested field is not WeCom's: refuse rather than guess which one counts.
    if (typeof value !== 'string') return err(`field ${name} is not text`);
    fields[name] = value;
  }
  return ok(fields);
}

/** The ciphertext of a POSTed callback envelope, or why the body is not one. */
export function parseEnvelope(xml: string): Result<{ encrypted: string; toUserName: string | null }, string> {
  const fields = flatFields(xml);
  if (!fields.ok) return fields;
  const encrypted = fields.value['Encrypt'];
  if (!encrypted) return err('the envelope has no <Encrypt>');
  return ok({ encrypted, toUserName: fields.value['ToUserName'] ?? null });
}

const CONTACT_CHANGES = {
  add_external_contact: 'contact_added',
  edit_external_contact: 'contact_edited',
  del_external_contact: 'contact_removed_by_staff',
  del_follow_user: 'contact_removed_by_customer',
} as const;

/** Reads a decrypted callback message into an event, or says which field is missing or wrong. */
export function parseCallbackEvent(xml: string): Result<WecomCallbackEvent, string> {
  const read = flatFields(xml);
  if (!read.ok) return read;
  const f = read.value;
  const createTime = f['CreateTime'] ?? '';
  if (!/^\d{1,12}$/.test(createTime)) return err('CreateTime is not Unix seconds');
  const at = Number(createTime);
  const event = f['Event'] ?? '';
  const changeType = f['ChangeType'] ?? '';
  if (event === 'change_external_tag') {
    if (changeType === '') return err('change_external_tag without ChangeType');
    return ok({
      kind: 'tag_changed',
      at,
      changeType,
      tagType: f['TagType'] || null,
      tagId: f['Id'] || null,
      strategyId: f['StrategyId'] || null,
    });
  }
  if (event !== 'change_external_contact')
    return ok({ kind: 'ignored', at, event: event || (f['MsgType'] ?? 'unknown') });
  const staffId = f['UserID'] ?? '';
  const externalUserid = f['ExternalUserID'] ?? '';
  if (changeType === 'transfer_fail') {
    const reason = f['FailReason'];
    if (reason !== 'customer_refused' && reason !== 'customer_limit_exceed')
      return err('transfer_fail with an unknown FailReason');
    if (externalUserid === '') return err('transfer_fail without ExternalUserID');
    return ok({ kind: 'transfer_failed', at, staffId, externalUserid, reason });
  }
  const kind = (CONTACT_CHANGES as Record<string, ContactChangeEvent['kind'] | undefined>)[changeType];
  if (kind === undefined) return ok({ kind: 'ignored', at, event: `${event}/${changeType}` });
  if (staffId === '' || externalUserid === '') return err(`${changeType} without UserID or ExternalUserID`);
  return ok({ kind, at, staffId, externalUserid });
}
