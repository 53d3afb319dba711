import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, gzip, inflate } from 'node:zlib';
import { Session, drainPending } from 'chdb';

// A test stand-in for a ClickHouse server: chDB behind the subset of ClickHouse's HTTP interface that
// @clickhouse/client uses (node_base_connection.ts / client-common url.ts): query in the body or `query` URL
// parameter, insert data in the body after a URL query, `param_*` bound by the engine, every other URL parameter a
// setting, `default_format`, `database`, gzip request/response bodies, multipart params, `/ping`, and errors as
// ClickHouse formats them. Not covered: sessions (`session_id`), progress headers, auth, compression of the native
// protocol, and anything cluster-related.

/** A running shim. */
export interface ChdbHttpServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  close(): Promise<void>;
}

// URL parameters that are part of the HTTP protocol rather than settings (ClickHouse's HTTPHandler reserved list),
// plus settings that only mean something to the HTTP layer and that the embedded engine would reject.
const RESERVED = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'compress',
  'decompress',
  'buffer_size',
  'role',
  'stacktrace',
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'http_send_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_native_compression_disable_checksumming_on_decompress',
  'http_response_compression_method',
]);
const RAW_INSERT_FORMATS = new Set([
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
]);
const CONTENT_TYPES: Record<string, string> = {
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRow: 'application/x-ndjson; charset=UTF-8',
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TRAILING_FORMAT = /\bFORMAT\s+([A-Za-z][A-Za-z0-9]*)\s*;?\s*$/i;
const SIMPLE_INSERT =
  /^\s*INSERT\s+INTO\s+([A-Za-z0-9_.]+)\s*(?:\(([^)]*)\))?\s*(?:SETTINGS\s+(.+?)\s+)?FORMAT\s+([A-Za-z][A-Za-z0-9]*)\s*$/is;

/** A request-level failure reported the way ClickHouse does (status, code header, `Code: N. DB::Exception:` body). */
class ShimError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the shim on 127.0.0.1 with an ephemeral port, serving chDB on `dataDir`. */
export async function startChdbHttpServer(options: { dataDir: string }): Promise<ChdbHttpServer> {
  // Keeps the engine up between requests; each request gets its own connection so settings and params set for one
  // request never leak into the next (a connection keeps its SETs).
  const anchor = new Session(options.dataDir);
  const version = anchor.query('SELECT version()', 'TabSeparated').trim();
  const scratch = await mkdtemp(join(tmpdir(), 'chdb-http-'));
  // One request at a time: the engine's bound-parameter state is not isolated between concurrent connections.
  let queue: Promise<unknown> = Promise.resolve();

  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    const turn = queue.then(() => handle(req, res, { dataDir: options.dataDir, version, scratch }));
    queue = turn.catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      anchor.close();
      await drainPending();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

interface Context {
  readonly dataDir: string;
  readonly version: string;
  readonly scratch: string;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const queryId = url.searchParams.get('query_id') || randomUUID();
  try {
    const body = await readBody(req);
    if (
      url.pathname === '/ping' ||
      (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))
    ) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') throw new ShimError(0, 'NOT_FOUND', `There is no handle ${url.pathname}`, 404);
    const request = parseRequest(url.searchParams, body, req.headers['content-type']);
    const result = await execute(request, ctx);
    const compress =
      url.searchParams.get('enable_http_compression') === '1' &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const payload = compress ? await promisify(gzip)(result.body) : result.body;
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[result.format] ?? 'text/plain; charset=UTF-8',
      'X-ClickHouse-Format': result.format,
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Server-Display-Name': 'chdb-http-shim',
      'X-ClickHouse-Summary': JSON.stringify(result.summary),
      ...(compress ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(payload);
  } catch (error) {
    const { code, type, message, status } = asShimError(error);
    const text = `Code: ${code}. DB::Exception: ${message}. (${type}) (version ${ctx.version})\n`;
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(code),
      'X-ClickHouse-Query-Id': queryId,
    });
    res.end(text);
  }
}

interface ParsedRequest {
  readonly sql: string;
  /** Insert data that followed a URL query in the body. */
  readonly data: Buffer | undefined;
  readonly params: Map<string, string>;
  readonly settings: Map<string, string>;
  readonly database: string | undefined;
  readonly defaultFormat: string;
}

function parseRequest(search: URLSearchParams, body: Buffer, contentType: string | undefined): ParsedRequest {
  const entries = [...search.entries()];
  let sql = search.get('query');
  let data: Buffer | undefined;
  if (contentType?.startsWith('multipart/form-data')) {
    // clickhouse-js moves long params (and then the query) into a multipart body.
    for (const [name, value] of parseMultipart(body, contentType)) {
      if (name === 'query') sql = value;
      else entries.push([name, value]);
    }
  } else if (sql === null) {
    sql = body.toString('utf8');
  } else if (body.length > 0) {
    data = body;
  }
  if (!sql || !sql.trim()) throw new ShimError(62, 'SYNTAX_ERROR', 'Empty query');
  const params = new Map<string, string>();
  const settings = new Map<string, string>();
  for (const [key, value] of entries) {
    if (key.startsWith('param_')) params.set(key.slice('param_'.length), value);
    else if (!RESERVED.has(key)) settings.set(key, value);
  }
  for (const name of [...params.keys(), ...settings.keys()]) {
    if (!NAME.test(name))
      throw new ShimError(115, 'UNKNOWN_SETTING', `Invalid parameter or setting name '${name}'`);
  }
  const database = search.get('database') ?? undefined;
  if (database !== undefined && !NAME.test(database))
    throw new ShimError(81, 'UNKNOWN_DATABASE', `Database ${database} does not exist`);
  return {
    sql,
    data,
    params,
    settings,
    database,
    defaultFormat: search.get('default_format') || 'TabSeparated',
  };
}

interface Executed {
  readonly body: Buffer;
  readonly format: string;
  readonly summary: Record<string, string>;
}

async function execute(request: ParsedRequest, ctx: Context): Promise<Executed> {
  const session = new Session(ctx.dataDir);
  const cleanup: string[] = [];
  try {
    // SET on this request's own connection: `SET param_x = '<raw text>'` hands the engine exactly the text the
    // HTTP server would get in param_x, and it parses it for the declared type itself.
    const sets = [
      ...[...request.settings].map(([k, v]) => `${k} = ${/^-?\d+(\.\d+)?$/.test(v) ? v : sqlString(v)}`),
      ...[...request.params].map(([k, v]) => `param_${k} = ${sqlString(v)}`),
    ];
    if (sets.length > 0) await session.queryAsync(`SET ${sets.join(', ')}`);
    if (request.database) await session.queryAsync(`USE ${request.database}`);
    const started = process.hrtime.bigint();
    const elapsed = () => String(process.hrtime.bigint() - started);

    const insert = request.data ? SIMPLE_INSERT.exec(request.sql) : null;
    if (request.data && insert && RAW_INSERT_FORMATS.has(insert[4]!)) {
      // An INSERT's SETTINGS clause has the syntax of SET, and this connection is the request's own.
      if (insert[3]) await session.queryAsync(`SET ${insert[3]}`);
      const columns = insert[2]
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const written = await session.insert({
        table: insert[1]!,
        values: request.data,
        format: insert[4] as 'JSONEachRow',
        ...(columns && columns.length > 0 ? { columns } : {}),
      });
      return {
        body: Buffer.alloc(0),
        format: insert[4]!,
        summary: summary({
          written: written.rowsWritten,
          writtenBytes: written.bytesWritten,
          elapsed: elapsed(),
        }),
      };
    }
    let sql = request.sql;
    if (request.data && /\binput\s*\(/i.test(sql)) {
      // chDB has no request body for input() to read: spool the body to a file and read it with file() instead.
      const format = TRAILING_FORMAT.exec(sql)?.[1] ?? 'TabSeparated';
      const spool = join(ctx.scratch, `${randomUUID()}.data`);
      await writeFile(spool, request.data);
      cleanup.push(spool);
      sql = sql
        .replace(TRAILING_FORMAT, '')
        .replace(/\binput\s*\(/i, `file(${sqlString(spool)}, ${sqlString(format)}, `);
    } else if (request.data) {
      sql = `${sql}\n${request.data.toString('utf8')}`;
    }
    // With insert data, a trailing FORMAT names the input, not the output.
    const format = request.data
      ? request.defaultFormat
      : (TRAILING_FORMAT.exec(sql)?.[1] ?? request.defaultFormat);
    const result = await session.queryAsync(sql, { format: request.defaultFormat });
    const bytes = Buffer.from(result.bytes());
    const resultRows = bytes.length === 0 ? 0 : bytes.toString('utf8').split('\n').length - 1;
    return {
      body: bytes,
      format,
      summary: summary({
        read: result.rowsRead,
        readBytes: result.bytesRead,
        resultRows,
        resultBytes: bytes.length,
        elapsed: elapsed(),
      }),
    };
  } finally {
    session.close();
    await Promise.all(cleanup.map((path) => rm(path, { force: true })));
  }
}

function summary(v: {
  read?: number;
  readBytes?: number;
  written?: number;
  writtenBytes?: number;
  resultRows?: number;
  resultBytes?: number;
  elapsed: string;
}) {
  return {
    read_rows: String(v.read ?? 0),
    read_bytes: String(v.readBytes ?? 0),
    written_rows: String(v.written ?? 0),
    written_bytes: String(v.writtenBytes ?? 0),
    total_rows_to_read: String(v.read ?? 0),
    result_rows: String(v.resultRows ?? 0),
    result_bytes: String(v.resultBytes ?? 0),
    elapsed_ns: v.elapsed,
  };
}

/** A ClickHouse single-quoted string literal. */
function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  switch (req.headers['content-encoding']) {
    case undefined:
    case 'identity':
      return raw;
    case 'gzip':
      return promisify(gunzip)(raw);
    case 'deflate':
      return promisify(inflate)(raw);
    case 'br':
      return promisify(brotliDecompress)(raw);
    default:
      throw new ShimError(
        0,
        'UNKNOWN_COMPRESSION_METHOD',
        `Unknown HTTP compression ${req.headers['content-encoding']}`,
      );
  }
}

function parseMultipart(body: Buffer, contentType: string): [string, string][] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new ShimError(0, 'BAD_REQUEST', 'multipart body without boundary');
  const parts: [string, string][] = [];
  for (const chunk of body.toString('utf8').split(`--${marker}`)) {
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /name="([^"]+)"/.exec(chunk.slice(0, split))?.[1];
    if (name) parts.push([name, chunk.slice(split + 4).replace(/\r\n$/, '')]);
  }
  return parts;
}

function asShimError(error: unknown): { code: number; type: string; message: string; status: number } {
  if (error instanceof ShimError)
    return { code: error.code, type: error.type, message: error.message, status: error.status };
  const text = error instanceof Error ? error.message : String(error);
  // chDB already reports `Code: N. DB::Exception: <message> (TYPE)`; keep code, name and message.
  const m = /Code: (\d+)\. DB::Exception: ([\s\S]*?)\.? \(([A-Z0-9_]{3,})\)(?: \(version [^)]*\))?\s*$/.exec(
    text.trim(),
  );
  if (m) return { code: Number(m[1]), type: m[3]!, message: m[2]!, status: 500 };
  return { code: 1001, type: 'STD_EXCEPTION', message: text, status: 500 };
}
