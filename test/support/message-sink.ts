import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// Local stand-ins for the bank's providers: an HTTP sink (webhook, SMS gateway, push service) and an SMTP sink. Like a
// real provider they deduplicate on the idempotency key: a request seen before is answered as before and not
// received twice. Tests script failures (500, 400, garbage, silence) for the next requests.

/** What the HTTP sink does with the next request. */
export type SinkBehaviour = 'ok' | 'error500' | 'error400' | 'garbage' | 'silent' | 'retry429';

/** A received message: its key, body and whether its signature verified. */
export interface Received {
  readonly key: string;
  readonly body: Record<string, unknown>;
  readonly signed: boolean;
}

export interface HttpSink {
  readonly url: string;
  /** Distinct messages received, by idempotency key. */
  readonly received: Map<string, Received>;
  /** Requests, duplicates included. */
  requests: number;
  /** Behaviours for the next requests, in order; then 'ok'. */
  script: SinkBehaviour[];
  close(): Promise<void>;
}

function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts an HTTP sink on a free port that checks signatures made with `secret`. */
export async function startHttpSink(secret: string): Promise<HttpSink> {
  const sockets = new Set<import('node:net').Socket>();
  const sink: HttpSink = {
    url: '',
    received: new Map(),
    requests: 0,
    script: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    sink.requests++;
    const behaviour = sink.script.shift() ?? 'ok';
    if (behaviour === 'silent') return; // never answers: the client's timeout must fire
    if (behaviour === 'error500') return void res.writeHead(500).end('provider down');
    if (behaviour === 'retry429') return void res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    if (behaviour === 'error400') return void res.writeHead(400).end('{"error":"bad number"}');
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!sink.received.has(key))
      sink.received.set(key, {
        key,
        body: JSON.parse(text) as Record<string, unknown>,
        signed: verify(secret, req.headers['x-flywheel-signature'] as string | undefined, text),
      });
    if (behaviour === 'garbage') return void res.writeHead(200).end('<html>ok?</html>');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `p-${key}` }));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (sink as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`;
  return sink;
}

export interface SmtpSink {
  readonly port: number;
  /** Distinct mails received, by Message-ID. */
  readonly received: Map<string, { to: string; raw: string }>;
  /** SMTP reply code for the next mails (e.g. 451 transient, 550 permanent); then accepted. */
  script: number[];
  close(): Promise<void>;
}

/** Starts an SMTP sink on a free port (no TLS, no auth), deduplicating on Message-ID. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, received: new Map(), script: [], close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = sink.script.shift();
        if (code !== undefined) {
          const error = new Error(code >= 500 ? 'mailbox unavailable' : 'try again later') as Error & {
            responseCode: number;
          };
          error.responseCode = code;
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = /^Message-ID:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? '';
        if (!sink.received.has(id))
          sink.received.set(id, { to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (sink as { port: number }).port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
