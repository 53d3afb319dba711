import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { err, ok, type Result } from '../shared/errors.ts';

// The RTA wire format through protobufjs reflection over our own restatement of the public field table (rta.proto).
// Reflection compiles a decoder and an encoder per message type once, at load; unknown fields are skipped by wire
// type, a truncated body or a bad wire type throws (answered as a refusal by the caller, never as an HTTP error).

const root = protobuf.parse(readFileSync(new URL('./rta.proto', import.meta.url), 'utf8'), {
  keepCase: true,
}).root;
const RequestType = root.lookupType('tencent.ad.rta.RtaRequest');
const ResponseType = root.lookupType('tencent.ad.rta.RtaResponse');

/** Which device ids the platform distrusts (Device.doubtful_ids_list values). */
export const DOUBTFUL = {
  IDFA_MD5: 0,
  IMEI_MD5: 1,
  ANDROIDID_MD5: 2,
  MAC_MD5: 3,
  OAID_MD5: 4,
  OAID: 5,
  QAID: 6,
} as const;

/** The device of a request: only what the decision reads. */
export interface RtaDevice {
  readonly os?: number;
  readonly idfa_md5sum?: string;
  readonly imei_md5sum?: string;
  readonly oaid_md5sum?: string;
  readonly doubtful_ids_list?: readonly number[];
  readonly qaid_infos?: readonly { readonly qaid_md5sum?: string }[];
}

/** A decoded request: only what the decision reads (the rest of the message is decoded and ignored). */
export interface RtaRequest {
  readonly id?: string;
  readonly is_ping?: boolean;
  readonly is_test?: boolean;
  readonly device?: RtaDevice;
}

/** One matched strategy in an answer. */
export interface RtaTargetInfo {
  readonly out_target_id: string;
  readonly user_weight_factor?: number;
}

/** An answer: `code` 0 takes part with the listed strategies, anything else declines everything. */
export interface RtaResponse {
  readonly request_id?: string;
  readonly code: number;
  readonly processing_time_ms?: number;
  readonly response_cache_time?: number;
  readonly out_target_id?: readonly string[];
  readonly target_infos?: readonly RtaTargetInfo[];
}

/** Decodes a request body; a body that is not an RtaRequest (truncated, bad wire types) is an error message. */
export function decodeRequest(body: Uint8Array): Result<RtaRequest, string> {
  try {
    return ok(RequestType.decode(body) as unknown as RtaRequest);
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

/** Encodes an answer (fields left undefined are not written). */
export function encodeResponse(response: RtaResponse): Uint8Array {
  return ResponseType.encode(response as unknown as protobuf.Message).finish();
}

/** Encodes a request: for tests and the benchmark's load generator (the service never sends one). */
export function encodeRequest(request: RtaRequest & Record<string, unknown>): Uint8Array {
  return RequestType.encode(request as unknown as protobuf.Message).finish();
}

/** Decodes an answer: for tests and tools (the service never reads one). */
export function decodeResponse(body: Uint8Array): RtaResponse {
  return ResponseType.toObject(ResponseType.decode(body), { defaults: false }) as unknown as RtaResponse;
}
