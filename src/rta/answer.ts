import { decodeRequest, encodeResponse } from './codec.ts';
import { CODE, badRequest, decide, type Decision, type DecisionTable } from './decision.ts';

// One request body in, one answer body out, whatever the body is: the HTTP layer always answers 200 with these bytes.

/** Largest request body read; a longer one is declined unread. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An answered request. */
export interface Answer {
  readonly body: Uint8Array;
  readonly decision: Decision;
  readonly ping: boolean;
  readonly test: boolean;
  /** Nanoseconds from decode to encoded answer. */
  readonly nanos: number;
}

const NOT_READY: Decision = {
  response: { code: CODE.NOT_READY },
  matched: 0,
  error: false,
  device: '',
};

/** Answers a request body with the table of the moment (undefined while the first one builds). */
export function answer(body: Uint8Array | undefined, table: DecisionTable | undefined, now: number): Answer {
  const t0 = performance.now();
  let decision: Decision;
  let ping = false;
  let test = false;
  if (body === undefined) decision = badRequest();
  else {
    const decoded = decodeRequest(body);
    if (!decoded.ok) decision = badRequest();
    else {
      const req = decoded.value;
      ping = req.is_ping === true;
      test = req.is_test === true;
      if (ping)
        decision = {
          response: { request_id: req.id ?? '', code: CODE.TAKE_PART },
          matched: 0,
          error: false,
          device: '',
        };
      else if (!table)
        decision = { ...NOT_READY, response: { request_id: req.id ?? '', code: CODE.NOT_READY } };
      else decision = decide(table, req, now);
    }
  }
  const out = encodeResponse(decision.response);
  return { body: out, decision, ping, test, nanos: Math.round((performance.now() - t0) * 1e6) };
}
