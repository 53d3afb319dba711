import type { Config } from '../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { AppError } from '../shared/errors.ts';
import { AccessTokens } from './access-token.ts';
import { WECOM_ERRCODES, type WecomAnswer, type WecomApi } from './port.ts';
import {
  RateBudget,
  realBudgetClock,
  WECOM_RATE_WINDOWS,
  type BudgetClock,
  type RateWindow,
} from './rate-budget.ts';
import { exchange, redactUrl } from './transport.ts';

// WeCom's server API over HTTP (../shared/specs/wecom.md): access token cached and refreshed, per-API budgets kept
// (WeCom blocks an API for a minute or an hour when exceeded, so waiting is cheaper than trying), transient answers and
// transport failures retried with exponential back-off and full jitter, every call logged once without secrets.
// Any other errcode is WeCom's answer and goes back to the caller, as do per-customer errcodes inside batch answers.

/** Retries of transient failures: `attempts` in all, waits drawn from [0, min(maxMs, baseMs·2^n)). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Everything the client needs; all of it injectable so tests run against the simulator in milliseconds. */
export interface WecomClientOptions {
  readonly corpId: string;
  readonly secret: string;
  /** WeCom (https://qyapi.weixin.qq.com), a proxy or the simulator. */
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly clock?: BudgetClock;
  /** Per-API windows, and how long an API stays blocked after WeCom answers 45009. */
  readonly limits?: { readonly windows?: readonly RateWindow[]; readonly blockMs?: number };
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
  /** [0, 1) draws for the jitter. */
  readonly random?: () => number;
}

const TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  WECOM_ERRCODES.invalidAccessToken,
  WECOM_ERRCODES.accessTokenExpired,
  WECOM_ERRCODES.accessTokenMissing,
]);
const BACK_OFF_ERRCODES: ReadonlySet<number> = new Set([
  WECOM_ERRCODES.systemBusy,
  WECOM_ERRCODES.concurrencyLimit,
]);

type Body = { errcode: number; errmsg: string } & Record<string, unknown>;

/** Follows `next_cursor` from page to page until WeCom gives none (or an errcode), yielding every page. */
export async function* paginate<P extends WecomAnswer & { next_cursor?: string }>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
): AsyncGenerator<P> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page;
    if (page.errcode !== 0 || !page.next_cursor) return;
    cursor = page.next_cursor;
  }
}

/** WecomApi over HTTP. */
export class HttpWecomClient implements WecomApi {
  private readonly base: string;
  private readonly clock: BudgetClock;
  private readonly budget: RateBudget;
  private readonly retry: RetryPolicy;
  private readonly blockMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly tokens: AccessTokens;

  constructor(private readonly options: WecomClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? realBudgetClock;
    this.budget = new RateBudget(options.limits?.windows ?? WECOM_RATE_WINDOWS, this.clock);
    this.retry = { attempts: 5, baseMs: 500, maxMs: 30_000, ...options.retry };
    this.blockMs = options.limits?.blockMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.tokens = new AccessTokens(
      () => this.fetchToken(),
      () => this.clock.now(),
    );
  }

  private async fetchToken(): Promise<{ token: string; expiresInSeconds: number }> {
    const query = { corpid: this.options.corpId, corpsecret: this.options.secret };
    const answer = await this.send('gettoken', 'GET', query, undefined, undefined);
    const token = answer.access_token;
    if (answer.errcode !== 0 || typeof token !== 'string' || token === '')
      throw new AppError('wecom_unavailable', 'WeCom gave no access token', {
        api: 'gettoken',
        reason: answer.errcode !== 0 ? `errcode_${answer.errcode}` : 'no_access_token',
      });
    const expires = typeof answer.expires_in === 'number' ? answer.expires_in : 7200;
    return { token, expiresInSeconds: expires };
  }

  /** One API call with the access token: refreshed once on a token errcode, retried on transient failures. */
  private async call<T extends WecomAnswer>(
    api: string,
    method: 'GET' | 'POST',
    query: Record<string, string>,
    body?: unknown,
  ): Promise<T> {
    let refreshed = false;
    for (;;) {
      const token = await this.tokens.get();
      const answer = await this.send(api, method, query, body, token);
      if (TOKEN_ERRCODES.has(answer.errcode) && !refreshed) {
        refreshed = true;
        this.tokens.drop(token);
        continue;
      }
      return answer as unknown as T;
    }
  }

  /** Sends until WeCom answers something other than a transient errcode, or throws wecom_unavailable. */
  private async send(
    api: string,
    method: 'GET' | 'POST',
    query: Record<string, string>,
    body: unknown,
    token: string | undefined,
  ): Promise<Body> {
    const params = new URLSearchParams(token === undefined ? query : { access_token: token, ...query });
    const url = `${this.base}/cgi-bin/${api}?${params.toString()}`;
    let reason = 'no_attempt';
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      await this.budget.take(api);
      const started = performance.now();
      const result = await exchange(url, { method, body, timeoutMs: this.timeoutMs });
      const ms = Math.round(performance.now() - started);
      if (result.kind === 'failed') {
        reason = result.reason;
        this.options.logger.warn({ api, attempt, ms, reason, url: redactUrl(url) }, 'wecom call failed');
      } else {
        const { errcode } = result.body;
        const level = errcode === 0 ? 'info' : 'warn';
        this.options.logger[level]({ api, errcode, attempt, ms }, 'wecom call');
        if (errcode === WECOM_ERRCODES.apiFreqOutOfLimit) {
          // Blocked: every caller of this API waits out the block instead of prolonging it.
          reason = `errcode_${errcode}`;
          this.budget.block(api, this.blockMs);
          continue;
        }
        if (!BACK_OFF_ERRCODES.has(errcode)) return result.body;
        reason = `errcode_${errcode}`;
      }
      if (attempt < this.retry.attempts) await this.clock.sleep(this.backOff(attempt));
    }
    throw new AppError(
      'wecom_unavailable',
      `WeCom ${api} did not answer after ${this.retry.attempts} attempts`,
      {
        api,
        reason,
      },
    );
  }

  private backOff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  listContacts(userid: string) {
    return this.call<WecomAnswer & { external_userid?: string[] }>('externalcontact/list', 'GET', { userid });
  }

  batchGetByUser(request: Parameters<WecomApi['batchGetByUser']>[0]) {
    return this.post<'batchGetByUser'>('externalcontact/batch/get_by_user', request);
  }

  getCorpTagList(request: Parameters<WecomApi['getCorpTagList']>[0]) {
    return this.post<'getCorpTagList'>('externalcontact/get_corp_tag_list', request);
  }

  addCorpTag(request: Parameters<WecomApi['addCorpTag']>[0]) {
    return this.post<'addCorpTag'>('externalcontact/add_corp_tag', request);
  }

  editCorpTag(request: Parameters<WecomApi['editCorpTag']>[0]) {
    return this.post<'editCorpTag'>('externalcontact/edit_corp_tag', request);
  }

  delCorpTag(request: Parameters<WecomApi['delCorpTag']>[0]) {
    return this.post<'delCorpTag'>('externalcontact/del_corp_tag', request);
  }

  markTag(request: Parameters<WecomApi['markTag']>[0]) {
    return this.post<'markTag'>('externalcontact/mark_tag', request);
  }

  getUnassignedList(request: Parameters<WecomApi['getUnassignedList']>[0]) {
    return this.post<'getUnassignedList'>('externalcontact/get_unassigned_list', request);
  }

  transferCustomer(kind: 'employed' | 'resigned', request: Parameters<WecomApi['transferCustomer']>[1]) {
    const api =
      kind === 'resigned'
        ? 'externalcontact/resigned/transfer_customer'
        : 'externalcontact/transfer_customer';
    return this.post<'transferCustomer'>(api, request);
  }

  transferResult(kind: 'employed' | 'resigned', request: Parameters<WecomApi['transferResult']>[1]) {
    const api =
      kind === 'resigned' ? 'externalcontact/resigned/transfer_result' : 'externalcontact/transfer_result';
    return this.post<'transferResult'>(api, request);
  }

  addMsgTemplate(request: Parameters<WecomApi['addMsgTemplate']>[0]) {
    return this.post<'addMsgTemplate'>('externalcontact/add_msg_template', request);
  }

  getGroupMsgSendResult(request: Parameters<WecomApi['getGroupMsgSendResult']>[0]) {
    return this.post<'getGroupMsgSendResult'>('externalcontact/get_groupmsg_send_result', request);
  }

  private post<M extends keyof WecomApi>(
    api: string,
    body: unknown,
  ): Promise<Awaited<ReturnType<WecomApi[M]>>> {
    return this.call(api, 'POST', {}, body);
  }
}

/** The client the configuration describes (FLYWHEEL_WECOM_*), or undefined when the corp id or the secret is unset. */
export function wecomClientFromConfig(
  config: { readonly wecom: Pick<NonNullable<Config['wecom']>, 'corpId' | 'secret' | 'baseUrl'> | undefined },
  logger: Logger,
): HttpWecomClient | undefined {
  const wecom = config.wecom;
  if (!wecom?.secret) return undefined;
  return new HttpWecomClient({ corpId: wecom.corpId, secret: wecom.secret, baseUrl: wecom.baseUrl, logger });
}
