import { DOUBTFUL, type RtaRequest, type RtaResponse, type RtaTargetInfo } from './codec.ts';
import type { DeviceTable } from './device-table.ts';
import { BID_FACTOR_MAX, BID_FACTOR_MIN } from './model.ts';

// The decision for one request, from one immutable table: device ids → customer ordinal → the customer's strategy
// mask (or the unknown-device mask) → the strategies live now → the answer. No allocation beyond the answer itself.

/** `code` values of an answer: 0 takes part, anything else declines everything. */
export const CODE = {
  TAKE_PART: 0,
  /** No strategy matched this device (or only doubtful ids were sent). */
  NO_MATCH: 1,
  /** The request could not be read: garbage, truncated, too large, or without any device id. */
  BAD_REQUEST: 2,
  /** The service has no decision table yet (starting). */
  NOT_READY: 3,
} as const;

/** One strategy as the decision needs it; its bit is its index in the table's list (priority order). */
export interface CompiledStrategy {
  readonly id: string;
  readonly cacheSeconds: number;
  /** A constant factor (min = max), or the look-alike score mapped linearly into [min, max]. */
  readonly bid: { readonly fromScore: boolean; readonly min: number; readonly max: number };
  /** Live window in epoch ms (−∞/+∞ when open). */
  readonly from: number;
  readonly until: number;
}

/** Everything a decision reads; swapped whole (one reference) when rebuilt. */
export interface DecisionTable {
  /** The strategies' watermark this table was built from (versions and updated_at). */
  readonly watermark: string;
  readonly devices: DeviceTable;
  /** Per customer ordinal: the bits of the strategies whose target holds the customer. */
  readonly masks: Uint32Array;
  /** Per customer ordinal: the look-alike score 0..1, NaN when none. */
  readonly scores: Float32Array;
  /** The bits of the strategies that take devices the bank does not know. */
  readonly unknownMask: number;
  /** Active strategies in priority order (bit i = strategies[i]). */
  readonly strategies: readonly CompiledStrategy[];
  /** Cache time of an answer that matched nothing. */
  readonly defaultCacheSeconds: number;
}

/** What a decision found, for the metrics and the decision log. */
export interface Decision {
  readonly response: RtaResponse;
  /** Bits of the strategies answered. */
  readonly matched: number;
  /** The request was bad (counted as an error). */
  readonly error: boolean;
  /** The first 8 hex digits of the device id looked up ('' when none). */
  readonly devicePrefix: string;
}

/** Clamps a bid multiplier into what the platform honours. */
export function clampFactor(f: number): number {
  return f < BID_FACTOR_MIN ? BID_FACTOR_MIN : f > BID_FACTOR_MAX ? BID_FACTOR_MAX : f;
}

/** A declining answer for a request that could not be read. */
export function badRequest(requestId?: string): Decision {
  const response: RtaResponse =
    requestId === undefined ? { code: CODE.BAD_REQUEST } : { request_id: requestId, code: CODE.BAD_REQUEST };
  return { response, matched: 0, error: true, devicePrefix: '' };
}

/** The customer ordinal of the request's first trusted known device id; -1 unknown; -2 no trusted id; -3 no id. */
function findCustomer(table: DecisionTable, req: RtaRequest): { ordinal: number; prefix: string } {
  const device = req.device;
  if (!device) return { ordinal: -3, prefix: '' };
  const doubtful = device.doubtful_ids_list ?? [];
  let sent = 0;
  let trusted = '';
  const tryId = (md5: string | undefined, ...flags: number[]): number => {
    if (!md5) return -1;
    sent++;
    for (const f of flags) if (doubtful.includes(f)) return -1;
    if (trusted === '') trusted = md5;
    return table.devices.lookup(md5);
  };
  let found = tryId(device.imei_md5sum, DOUBTFUL.IMEI_MD5);
  if (found < 0) found = tryId(device.oaid_md5sum, DOUBTFUL.OAID_MD5, DOUBTFUL.OAID);
  if (found < 0) found = tryId(device.idfa_md5sum, DOUBTFUL.IDFA_MD5);
  if (found < 0)
    for (const q of device.qaid_infos ?? []) {
      found = tryId(q.qaid_md5sum, DOUBTFUL.QAID);
      if (found >= 0) break;
    }
  const prefix = trusted.slice(0, 8).toLowerCase();
  if (found >= 0) return { ordinal: found, prefix };
  return { ordinal: sent === 0 ? -3 : trusted === '' ? -2 : -1, prefix };
}

/** Decides one decoded request at `now` (epoch ms). */
export function decide(table: DecisionTable, req: RtaRequest, now: number): Decision {
  const requestId = req.id ?? '';
  const { ordinal, prefix } = findCustomer(table, req);
  if (ordinal === -3) return { ...badRequest(requestId), devicePrefix: prefix };
  let mask = 0;
  let score = Number.NaN;
  if (ordinal >= 0) {
    mask = table.masks[ordinal] ?? 0;
    score = table.scores[ordinal] ?? Number.NaN;
  } else if (ordinal === -1) mask = table.unknownMask;
  const strategies = table.strategies;
  let live = 0;
  for (let bits = mask, i = 0; bits !== 0; bits >>>= 1, i++) {
    if ((bits & 1) === 0) continue;
    const s = strategies[i];
    if (s && now >= s.from && now < s.until) live |= 1 << i;
  }
  if (live === 0)
    return {
      response: {
        request_id: requestId,
        code: CODE.NO_MATCH,
        response_cache_time: table.defaultCacheSeconds,
      },
      matched: 0,
      error: false,
      devicePrefix: prefix,
    };
  const ids: string[] = [];
  const infos: RtaTargetInfo[] = [];
  let cache = Number.POSITIVE_INFINITY;
  for (let bits = live >>> 0, i = 0; bits !== 0; bits >>>= 1, i++) {
    if ((bits & 1) === 0) continue;
    const s = strategies[i]!;
    const { fromScore, min, max } = s.bid;
    const factor = fromScore && score === score ? min + score * (max - min) : min;
    ids.push(s.id);
    infos.push({ out_target_id: s.id, user_weight_factor: clampFactor(factor) });
    if (s.cacheSeconds < cache) cache = s.cacheSeconds;
  }
  return {
    response: {
      request_id: requestId,
      code: CODE.TAKE_PART,
      response_cache_time: cache,
      out_target_id: ids,
      target_infos: infos,
    },
    matched: live >>> 0,
    error: false,
    devicePrefix: prefix,
  };
}
