import { createServer, type Server } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_BODY_BYTES } from '../rta/answer.ts';

// The RTA endpoint over HTTP/1.1 keep-alive. Whatever arrives — any path, any method, a body too large, one cut off —
// gets HTTP 200 with a protobuf answer (a declining code when the body could not be read): the platform counts any
// other status as a timeout. Two servers with the same behaviour: node:http (the default: see
// docs/adr/0007-rta-http-and-protobuf.md for the measured comparison) and Fastify.

/** Answers a body (undefined: too large or unreadable). */
export type RtaHandler = (body: Uint8Array | undefined) => Uint8Array;

/** Keep-alive well beyond the platform's connection reuse; a request must arrive whole within 10 s. */
const KEEP_ALIVE_MS = 65_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** A node:http server answering every request with `handle`. */
export function nodeRtaServer(handle: RtaHandler): Server {
  const server = createServer(
    {
      keepAliveTimeout: KEEP_ALIVE_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
    },
    (req, res) => {
      let first: Buffer | undefined;
      let chunks: Buffer[] | undefined;
      let size = 0;
      let over = false;
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          over = true;
          first = undefined;
          chunks = undefined;
        } else if (first === undefined) first = chunk;
        else (chunks ??= [first]).push(chunk);
      });
      req.on('end', () => {
        const body = over ? undefined : chunks ? Buffer.concat(chunks) : (first ?? Buffer.alloc(0));
        const out = handle(body);
        // Raw header pairs: node writes them as given, with no per-request header object to walk.
        res.writeHead(200, ['content-type', 'application/x-protobuf', 'content-length', String(out.length)]);
        res.end(out);
      });
      req.on('error', () => res.destroy());
    },
  );
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

/** A Fastify server answering every request with `handle` (no logging, no schema, a raw buffer body). */
export async function fastifyRtaServer(handle: RtaHandler): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    keepAliveTimeout: KEEP_ALIVE_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const reply200 = (body: Uint8Array | undefined) => handle(body);
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '*',
    handler: async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply
        .code(200)
        .header('content-type', 'application/x-protobuf')
        .send(Buffer.from(reply200(body)));
    },
  });
  // A body over the limit, a broken one, anything Fastify refuses: still 200, declining.
  app.setErrorHandler((_error, _req, reply) =>
    reply
      .code(200)
      .header('content-type', 'application/x-protobuf')
      .send(Buffer.from(reply200(undefined))),
  );
  await app.ready();
  return app;
}
