import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WECOM_ERRCODES } from '../port.ts';
import { failAnswer, type Answer, type SimRequest } from './answers.ts';
import { CallbackPusher, type CallbackTarget } from './callbacks.ts';
import { batchGetByUser, getUnassignedList, listContacts } from './contacts.ts';
import { control, pushTransferFailures, summary, type SimulatorParts } from './control.ts';
import { Gate } from './gate.ts';
import { addMsgTemplate, getGroupMsgSendResult } from './messages.ts';
import { addCorpTag, delCorpTag, editCorpTag, getCorpTagList, markTag } from './tags.ts';
import { settleTransfers, transferCustomer, transferResult } from './transfers.ts';
import { SimClock, World, WECOM_LIMITS, type SimulatorLimits, type WorldSeed } from './world.ts';

// The WeCom simulator's HTTP server (node:http): WeCom's endpoints under /cgi-bin/ with their shapes and errcodes,
// the control endpoints under /simulator/. Used by `flywheel wecom simulator`, the contract tests and the benches.

type Handler = (world: World, request: SimRequest) => Answer;

const HANDLERS: Readonly<Record<string, Handler>> = {
  'externalcontact/list': listContacts,
  'externalcontact/batch/get_by_user': batchGetByUser,
  'externalcontact/get_corp_tag_list': getCorpTagList,
  'externalcontact/add_corp_tag': addCorpTag,
  'externalcontact/edit_corp_tag': editCorpTag,
  'externalcontact/del_corp_tag': delCorpTag,
  'externalcontact/mark_tag': markTag,
  'externalcontact/get_unassigned_list': getUnassignedList,
  'externalcontact/transfer_customer': (w, r) => transferCustomer(w, 'employed', r),
  'externalcontact/resigned/transfer_customer': (w, r) => transferCustomer(w, 'resigned', r),
  'externalcontact/transfer_result': (w, r) => transferResult(w, 'employed', r),
  'externalcontact/resigned/transfer_result': (w, r) => transferResult(w, 'resigned', r),
  'externalcontact/add_msg_template': addMsgTemplate,
  'externalcontact/get_groupmsg_send_result': getGroupMsgSendResult,
};

const MAX_BODY = 8 * 1024 * 1024;

/** How to start a simulator. */
export interface SimulatorOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly corpId: string;
  readonly secret: string;
  readonly callback?: CallbackTarget | undefined;
  readonly world: WorldSeed;
  readonly clock?: SimClock;
  readonly limits?: Partial<SimulatorLimits>;
}

/** A running simulator. */
export interface RunningSimulator extends SimulatorParts {
  readonly url: string;
  readonly clock: SimClock;
  /** What GET /simulator/state answers: counts, never secrets. */
  state(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts a simulator on `host:port` with the world seeded. */
export async function startWecomSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const clock = options.clock ?? new SimClock();
  const world = new World(options.corpId, clock, { ...WECOM_LIMITS, ...options.limits }, options.world);
  const parts: SimulatorParts = {
    world,
    gate: new Gate(world, options.secret),
    callbacks: new CallbackPusher(options.callback, options.corpId, () => Math.floor(clock.wall() / 1000)),
  };
  const server = createServer((req, res) => {
    serve(parts, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...parts,
    clock,
    state: () => summary(parts),
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging (fault-injected) requests would hold close() open for ever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function serve(parts: SimulatorParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const body = parseObject(await readBody(req));
  if (url.pathname.startsWith('/simulator/')) {
    if (!body) return json(res, 400, { error: 'the body must be a JSON object' });
    const answer = await control(parts, req.method ?? 'GET', url.pathname.slice('/simulator/'.length), body);
    return json(res, answer.status, answer.body);
  }
  if (!url.pathname.startsWith('/cgi-bin/')) return json(res, 404, { error: 'not a WeCom path' });
  const api = url.pathname.slice('/cgi-bin/'.length);
  const fault = parts.gate.arrive(api);
  if (fault?.kind === 'hang') return; // never answered: the client's timeout must end it
  if (fault?.kind === 'garbage') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
    return;
  }
  if (fault?.kind === 'http_500') return json(res, 500, { error: 'internal' });
  if (fault?.kind === 'errcode')
    return json(res, 200, failAnswer(fault.errcode, 'injected by the simulator'));
  // Time may have passed since the last request: transfers due by now complete first.
  void pushTransferFailures(parts, settleTransfers(parts.world));
  if (!parts.gate.admit(api))
    return json(res, 200, failAnswer(WECOM_ERRCODES.apiFreqOutOfLimit, 'api freq out of limit'));
  if (api === 'gettoken') return json(res, 200, parts.gate.issueToken(url.searchParams));
  const handler = HANDLERS[api];
  if (!handler) return json(res, 404, failAnswer(48001, `api ${api} is not simulated`));
  const refused = parts.gate.tokenProblem(url.searchParams);
  if (refused) return json(res, 200, refused);
  if (!body) return json(res, 200, failAnswer(WECOM_ERRCODES.invalidJson, 'invalid json request'));
  return json(res, 200, handler(parts.world, { query: url.searchParams, body }));
}
