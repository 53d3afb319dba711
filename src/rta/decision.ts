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
  /** The first trusted device id of the request as sent ('' when none): the decision log keeps its prefix only. */
  readonly device: string;
}

/** Clamps a bid multiplier into what the platform honours. */
export function clampFactor(f: number): number {
  return f < BID_FACTOR_MIN ? BID_FACTOR_MIN : f > BID_FACTOR_MAX ? BID_FACTOR_MAX : f;
}

/** A declining answer for a request that could not be read. */
export function badRequest(requestId?: string): Decision {
  const response: RtaResponse =
    requestId === undefined ? { code: CODE.BAD_REQUEST } : { request_id: requestId, code: CODE.BAD_REQUEST };
  return { response, matched: 0, error: true, device: '' };
}

// The device lookup's findings, written by findCustomer for its caller: module scratch rather than an object per
// request, since every answer passes here (decide reads them at once, synchronously).
let foundOrdinal = -3;
let foundDevice = '';
let sentAny = false;

/** A bit per Device.doubtful_ids_list value. */
function doubtfulBits(list: readonly number[] | undefined): number {
  let bits = 0;
  if (list) for (const f of list) if (f >= 0 && f < 31) bits |= 1 << f;
  return bits;
}

const IMEI_DOUBT = 1 << DOUBTFUL.IMEI_MD5;
const OAID_DOUBT = (1 << DOUBTFUL.OAID_MD5) | (1 << DOUBTFUL.OAID);
const IDFA_DOUBT = 1 << DOUBTFUL.IDFA_MD5;
const QAID_DOUBT = 1 << DOUBTFUL.QAID;

/** Looks one sent id up unless the platform doubts it; true when it is a customer's (foundOrdinal set). */
function tryDevice(devices: DeviceTable, md5: string | undefined, doubted: boolean): boolean {
  if (!md5) return false;
  sentAny = true;
  if (doubted) return false;
  if (foundDevice === '') foundDevice = md5;
  const ordinal = devices.lookup(md5);
  if (ordinal < 0) return false;
  foundOrdinal = ordinal;
  return true;
}

/**
 * Finds the customer of the request's first trusted known device id: foundOrdinal is the ordinal, -1 unknown, -2 no
 * trusted id, -3 no id at all; foundDevice the first trusted id sent ('' when none).
 */
function findCustomer(devices: DeviceTable, req: RtaRequest): void {
  foundOrdinal = -3;
  foundDevice = '';
  sentAny = false;
  const device = req.device;
  if (!device) return;
  const doubtful = doubtfulBits(device.doubtful_ids_list);
  if (tryDevice(devices, device.imei_md5sum, (doubtful & IMEI_DOUBT) !== 0)) return;
  if (tryDevice(devices, device.oaid_md5sum, (doubtful & OAID_DOUBT) !== 0)) return;
  if (tryDevice(devices, device.idfa_md5sum, (doubtful & IDFA_DOUBT) !== 0)) return;
  const qaidDoubted = (doubtful & QAID_DOUBT) !== 0;
  for (const q of device.qaid_infos ?? []) if (tryDevice(devices, q.qaid_md5sum, qaidDoubted)) return;
  foundOrdinal = !sentAny ? -3 : foundDevice === '' ? -2 : -1;
}

/** Decides one decoded request at `now` (epoch ms). */
export function decide(table: DecisionTable, req: RtaRequest, now: number): Decision {
  const requestId = req.id ?? '';
  findCustomer(table.devices, req);
  const ordinal = foundOrdinal;
  const device = foundDevice;
  if (ordinal === -3) return { ...badRequest(requestId), device };
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
      device,
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
    device,
  };
}
