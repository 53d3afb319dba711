import type { Dispatcher, Pool } from 'undici';

// One POST through an undici pool at the dispatcher level: the status, one header and the body text, with no
// response stream and no per-request abort listener. At thousands of messages a second, undici's `request()` (a
// Readable per response, an AbortSignal listener per request) cost a third of a worker's CPU per message more.

/** A provider's answer as read off the wire. */
export interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly text: string;
}

/** A request in flight under a stop signal: undici's abort once it is on a connection, and how it is failed. */
interface Flight {
  abort?: (error?: Error) => void;
  cut(error: Error): void;
}

// One abort listener per stop signal (a worker's batch shares one), cutting every request in flight under it.
const flights = new WeakMap<AbortSignal, Set<Flight>>();

function track(signal: AbortSignal, flight: Flight): () => void {
  let set = flights.get(signal);
  if (!set) {
    const inFlight = new Set<Flight>();
    set = inFlight;
    flights.set(signal, inFlight);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...inFlight]) f.cut(abortError(signal));
      },
      { once: true },
    );
  }
  set.add(flight);
  return () => set.delete(flight);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('request aborted');
}

/** The first value of header `name` (lower case) in undici's raw header list. */
function rawHeader(raw: readonly Buffer[] | string[] | null, name: string): string | undefined {
  if (!raw) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
  return undefined;
}

/**
 * POSTs `body` to `path` on `pool` and reads the whole answer. Rejects when `signal` aborts (the request is cut) or
 * the transport fails (undici's error, with its code, e.g. a timeout).
 */
export function post(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const chunks: Buffer[] = [];
    let status = 0;
    let retryAfter: string | undefined;
    let settled = false;
    const end = (settle: () => void) => {
      if (settled) return;
      settled = true;
      forget();
      settle();
    };
    const flight: Flight = {
      cut(error) {
        end(() => reject(error));
        flight.abort?.(error);
      },
    };
    const forget = track(signal, flight);
    const handler: Dispatcher.DispatchHandlers = {
      onConnect(abort) {
        // Cut while it waited for a connection: it never goes out.
        if (settled) abort(abortError(signal));
        else flight.abort = abort;
      },
      onHeaders(statusCode, raw) {
        status = statusCode;
        if (statusCode < 200 || statusCode >= 300) retryAfter = rawHeader(raw, 'retry-after');
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        end(() => resolve({ status, retryAfter, text: Buffer.concat(chunks).toString('utf8') }));
      },
      onError(error) {
        end(() => reject(error));
      },
    };
    pool.dispatch({ path, method: 'POST', headers, body }, handler);
  });
}
