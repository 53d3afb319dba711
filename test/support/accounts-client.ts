import type { FastifyInstance, InjectOptions } from 'fastify';

/** What a call answered: status, parsed JSON (when it was JSON), raw text, headers and the session cookie set. */
export interface CallResult {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
  readonly body: any;
  readonly text: string;
  readonly headers: Record<string, string | string[] | number | undefined>;
  /** The fw_session cookie the response set, if any. */
  readonly cookie: string | undefined;
  readonly setCookie: string;
}

/** Who calls: a session cookie, an API key, or nobody. */
export type Caller = string | { key: string } | undefined;

/** Calls to the app by injection, as a client at a given address would make them. */
export interface AccountsClient {
  login(username: string, password: string, address: string): Promise<CallResult>;
  call(
    who: Caller,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<CallResult>;
}

/** A client of the account routes over `app.inject`. */
export function accountsClient(app: FastifyInstance): AccountsClient {
  const send = async (options: InjectOptions): Promise<CallResult> => {
    const res = await app.inject(options);
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    const setCookie = res.headers['set-cookie'];
    return {
      status: res.statusCode,
      body,
      text: res.body,
      headers: res.headers,
      cookie: res.cookies.find((c) => c.name === 'fw_session')?.value,
      setCookie: Array.isArray(setCookie) ? setCookie.join('\n') : (setCookie ?? ''),
    };
  };
  return {
    login: (username, password, address) =>
      send({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username, password },
        remoteAddress: address,
      }),
    call: (who, method, url, body, headers = {}) =>
      send({
        method,
        url,
        headers: { ...(typeof who === 'object' ? { authorization: `Bearer ${who.key}` } : {}), ...headers },
        ...(typeof who === 'string' ? { cookies: { fw_session: who } } : {}),
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
}
