// The seam between Flywheel and WeCom's server API (../shared/specs/wecom.md): one interface, implemented by the HTTP
// client (client.ts, against WeCom or the simulator) and spoken by the simulator (simulator/). Shapes are WeCom's own
// wire names, so a reader can hold them against WeCom's documentation; the pool's words come in the services above.

/** WeCom's errcodes Flywheel acts on (0 is success). */
export const WECOM_ERRCODES = {
  ok: 0,
  systemBusy: -1,
  invalidCredential: 40001,
  invalidAccessToken: 40014,
  accessTokenExpired: 42001,
  accessTokenMissing: 41001,
  apiFreqOutOfLimit: 45009,
  concurrencyLimit: 45033,
  invalidUserid: 40003,
  invalidExternalUserid: 40096,
  notExternalContact: 84061,
  /** resigned transfer of a member who has not left. */
  handoverNotResigned: 40097,
  /** The taker's customer count is at WeCom's limit. */
  takerAtLimit: 40099,
  /** The customer is already being transferred. */
  alreadyTransferring: 40100,
  /** A customer may be moved at most twice in 90 days. */
  transferredTooOften: 40129,
  /** The giver and the taker are the same member. */
  sameTakerAndGiver: 40130,
  /** The customer already received a group message from the enterprise today. */
  messageLimitReached: 41048,
  invalidParameter: 40058,
  /** A tag or tag group id WeCom does not know. */
  invalidTagId: 40068,
  /** A tag of that name is already in the group. */
  tagNameExists: 40071,
  /** The app may not call this on that object (e.g. edit or delete a tag it did not create). */
  apiForbidden: 48002,
  /**
   * The enterprise's 3,000 corp tags are used up. WeCom's documentation names no code we could check, so this is the
   * simulator's choice; the client treats it as any other non-transient answer.
   */
  tagLimitReached: 41044,
  /** The request body is not the JSON WeCom expects. */
  invalidJson: 47001,
} as const;

/** Errcodes worth retrying after a pause (the call may succeed later unchanged). */
export const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([
  WECOM_ERRCODES.systemBusy,
  WECOM_ERRCODES.apiFreqOutOfLimit,
  WECOM_ERRCODES.concurrencyLimit,
]);

/** Every answer carries these. */
export interface WecomAnswer {
  readonly errcode: number;
  readonly errmsg: string;
}

/** A customer (external contact) as WeCom describes them. */
export interface ExternalContact {
  readonly external_userid: string;
  readonly name: string;
  /** 1 a WeChat user, 2 a WeCom user. */
  readonly type: 1 | 2;
  readonly unionid?: string;
}

/** One staff member's relationship with a customer. */
export interface FollowInfo {
  readonly userid: string;
  readonly remark: string;
  readonly remark_mobiles?: readonly string[];
  readonly tag_id: readonly string[];
  readonly add_way: number;
  /** Unix seconds. */
  readonly createtime: number;
}

export interface CorpTag {
  readonly id: string;
  readonly name: string;
  readonly order: number;
  readonly create_time: number;
}
export interface CorpTagGroup {
  readonly group_id: string;
  readonly group_name: string;
  readonly order: number;
  readonly create_time: number;
  readonly tag: readonly CorpTag[];
}

export interface UnassignedCustomer {
  readonly handover_userid: string;
  readonly external_userid: string;
  /** Unix seconds. */
  readonly dimission_time: number;
}

/** transfer_result: 1 done, 2 waiting, 3 refused by the customer, 4 taker at customer limit. */
export interface TransferStatus {
  readonly external_userid: string;
  readonly status: 1 | 2 | 3 | 4;
  /** Unix seconds when the takeover completed (or is due). */
  readonly takeover_time: number;
}

/** A group-message send to one customer: 0 not sent yet, 1 sent, 2 not a friend, 3 already received one today. */
export interface GroupMessageSend {
  readonly external_userid: string;
  readonly userid: string;
  readonly status: 0 | 1 | 2 | 3;
  readonly send_time?: number;
}

/** WeCom's server API as Flywheel uses it. Every method answers WeCom's body; errcode ≠ 0 is an answer, not a throw. */
export interface WecomApi {
  /** externalcontact/list: the external_userids of one staff member's customers. */
  listContacts(userid: string): Promise<WecomAnswer & { external_userid?: string[] }>;
  /** externalcontact/batch/get_by_user: contacts with follow info, ≤ 100 staff, by cursor. */
  batchGetByUser(request: { userid_list: string[]; cursor?: string; limit?: number }): Promise<
    WecomAnswer & {
      external_contact_list?: { external_contact: ExternalContact; follow_info: FollowInfo }[];
      next_cursor?: string;
    }
  >;
  getCorpTagList(request: {
    tag_id?: string[];
    group_id?: string[];
  }): Promise<WecomAnswer & { tag_group?: CorpTagGroup[] }>;
  /** add_corp_tag: tags into a group (created when group_id is not given). */
  addCorpTag(request: {
    group_id?: string;
    group_name?: string;
    tag: { name: string; order?: number }[];
  }): Promise<WecomAnswer & { tag_group?: CorpTagGroup }>;
  editCorpTag(request: { id: string; name?: string; order?: number }): Promise<WecomAnswer>;
  delCorpTag(request: { tag_id?: string[]; group_id?: string[] }): Promise<WecomAnswer>;
  markTag(request: {
    userid: string;
    external_userid: string;
    add_tag?: string[];
    remove_tag?: string[];
  }): Promise<WecomAnswer>;
  /** get_unassigned_list: customers of departed staff, by cursor (page_size ≤ 1000). */
  getUnassignedList(request: {
    cursor?: string;
    page_size?: number;
  }): Promise<WecomAnswer & { info?: UnassignedCustomer[]; is_last?: boolean; next_cursor?: string }>;
  /** transfer_customer (employed) or resigned/transfer_customer: per-customer errcode, ≤ 100 customers. */
  transferCustomer(
    kind: 'employed' | 'resigned',
    request: {
      handover_userid: string;
      takeover_userid: string;
      external_userid: string[];
      transfer_success_msg?: string;
    },
  ): Promise<WecomAnswer & { customer?: { external_userid: string; errcode: number }[] }>;
  /** transfer_result or resigned/transfer_result, by cursor. */
  transferResult(
    kind: 'employed' | 'resigned',
    request: { handover_userid: string; takeover_userid: string; cursor?: string },
  ): Promise<WecomAnswer & { customer?: TransferStatus[]; next_cursor?: string }>;
  /** add_msg_template: a group message one staff member must confirm; customers refused at once in fail_list. */
  addMsgTemplate(request: {
    chat_type: 'single' | 'group';
    external_userid: string[];
    sender: string;
    text: { content: string };
    attachments?: unknown[];
  }): Promise<WecomAnswer & { msgid?: string; fail_list?: string[] }>;
  /** get_groupmsg_send_result: how a confirmed (or not yet confirmed) group message went, per customer. */
  getGroupMsgSendResult(request: {
    msgid: string;
    userid: string;
    cursor?: string;
  }): Promise<WecomAnswer & { send_list?: GroupMessageSend[]; next_cursor?: string }>;
}
