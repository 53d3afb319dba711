import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.ts';

// The shim's HTTP surface, checked with plain fetch so its framing does not depend on what @clickhouse/client
// happens to send (the event store contract covers the client path).

describe('chDB HTTP shim', () => {
  let dir: string;
  let server: ChdbHttpServer;
  const call = (search: Record<string, string>, init?: RequestInit) =>
    fetch(`${server.url}/?${new URLSearchParams(search)}`, init);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flywheel-shim-'));
    server = await startChdbHttpServer({ dataDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers /ping and a bare GET like ClickHouse', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('Ok.\n');
    expect(await (await fetch(`${server.url}/`)).text()).toBe('Ok.\n');
  });

  it('runs a query from the URL or the body, in default_format or its FORMAT clause', async () => {
    const tsv = await call({ query: 'SELECT 1 AS a, 2 AS b' });
    expect(tsv.headers.get('x-clickhouse-format')).toBe('TabSeparated');
    expect(await tsv.text()).toBe('1\t2\n');
    const json = await call({ default_format: 'JSONEachRow' }, { method: 'POST', body: 'SELECT 1 AS a' });
    expect(await json.text()).toBe('{"a":1}\n');
    const clause = await call({}, { method: 'POST', body: 'SELECT 1 AS a FORMAT JSONEachRow' });
    expect(clause.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(JSON.parse(clause.headers.get('x-clickhouse-summary') ?? '{}')).toMatchObject({
      result_rows: '1',
    });
  });

  it('binds param_* values as the server does and applies settings for one request only', async () => {
    const bound = await call(
      {
        param_s: "it\\'s\\ta \\\\ test",
        param_ids: "['x','y\\'z']",
        max_threads: '1',
        default_format: 'JSONEachRow',
      },
      {
        method: 'POST',
        body: "SELECT {s:String} AS s, {ids:Array(String)} AS ids, getSetting('max_threads') AS t",
      },
    );
    expect(await bound.json()).toEqual({ s: "it's\ta \\ test", ids: ['x', "y'z"], t: 1 });
    const next = await call(
      { default_format: 'JSONEachRow' },
      { method: 'POST', body: "SELECT getSetting('max_threads') AS t" },
    );
    expect((await next.json()) as { t: number }).not.toEqual({ t: 1 });
  });

  it('inserts the body after a URL query and reports written rows', async () => {
    await call(
      {},
      { method: 'POST', body: 'CREATE TABLE t (id UInt32, name String) ENGINE = MergeTree ORDER BY id' },
    );
    const insert = await call(
      { query: 'INSERT INTO t FORMAT JSONEachRow' },
      { method: 'POST', body: '{"id":1,"name":"a"}\n{"id":2,"name":"б"}\n' },
    );
    expect(insert.status).toBe(200);
    expect(JSON.parse(insert.headers.get('x-clickhouse-summary') ?? '{}')).toMatchObject({
      written_rows: '2',
    });
    const viaInput = await call(
      {
        query:
          "INSERT INTO t SELECT id + 10, upper(name) FROM input('id UInt32, name String') FORMAT JSONEachRow",
      },
      { method: 'POST', body: '{"id":3,"name":"c"}\n' },
    );
    expect(viaInput.status).toBe(200);
    expect(await (await call({ query: 'SELECT id, name FROM t ORDER BY id' })).text()).toBe(
      '1\ta\n2\tб\n13\tC\n',
    );
  });

  it('reports errors with status 500, the exception code header and ClickHouse error text', async () => {
    const syntax = await call({}, { method: 'POST', body: 'SELEC 1' });
    expect(syntax.status).toBe(500);
    expect(syntax.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await syntax.text()).toMatch(
      /^Code: 62\. DB::Exception: Syntax error.*\(SYNTAX_ERROR\) \(version [\d.]+\)\n$/s,
    );
    const setting = await call({ no_such_setting: '1' }, { method: 'POST', body: 'SELECT 1' });
    expect(setting.headers.get('x-clickhouse-exception-code')).toBe('115');
  });
});
