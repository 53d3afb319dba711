import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_EVENT_MAPPING } from '../../test/support/event-mapping.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import type { DictionaryEntry, DictionaryView } from '../contracts/dictionary.ts';
import { runImport } from '../ingest/run.ts';
import { EventNameRegistry } from './registry.ts';

// The data dictionary over a real app on embedded stores (PGlite + chDB): reading with an ETag, edits and CSV imports
// (admins only, audited, all rows or none), and events first seen through ingestion registered "needs naming".

let t: TestApp;
let admin: string;
let analyst: string;
let dir: string;
const T = Date.UTC(2026, 10, 22, 8, 0, 0);

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.auth.createApiKey({ name: 'ops', role: 'admin' }, 'test')).key;
  analyst = (await t.auth.createApiKey({ name: 'bi', role: 'analyst' }, 'test')).key;
  const db = t.stores.operational.db;
  await db
    .insertInto('org_units')
    .values({ id: 'HO', name: 'Head office', kind: 'head_office', parent_id: null })
    .execute();
  await db.insertInto('customers').values({ id: 1, customer_no: 'C1' }).execute();
  dir = mkdtempSync(join(tmpdir(), 'flywheel-dictionary-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, key = admin, headers = {}) =>
  t.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
const dictionary = async () => (await call('GET', '/v1/dictionary')).json() as DictionaryView;
const entry = async (kind: string, key: string) =>
  (await dictionary()).entries.find((e) => e.kind === kind && e.key === key);
const audits = (action: string) =>
  t.stores.operational.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

describe('GET /v1/dictionary', () => {
  it('ships the demo bank and examples, with an ETag that answers 304 until something changes', async () => {
    const res = await call('GET', '/v1/dictionary');
    expect(res.statusCode).toBe(200);
    const view = res.json() as DictionaryView;
    const find = (kind: string, key: string) => view.entries.find((e) => e.kind === kind && e.key === key);
    expect(find('event', 'app_open')?.name).toEqual({ zh: '打开 App', en: 'App opened' });
    expect(find('event_property', 'channel')?.name.zh).toBe('渠道');
    expect(find('attribute', 'monthly_income')).toMatchObject({ unit: 'CNY', origin: 'default' });
    expect(find('attribute', 'loan')?.name.en).toBe('Has personal loan'); // UCI example
    const etag = res.headers.etag as string;
    expect(etag).toBe(`"${view.version}"`);
    const again = await call('GET', '/v1/dictionary', undefined, admin, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('PUT /v1/dictionary/:kind/:key', () => {
  it('renames an entry, audited before and after, and moves the version', async () => {
    const before = await dictionary();
    const res = await call('PUT', '/v1/dictionary/event/app_open', {
      name: { zh: '启动手机银行', en: 'Mobile banking opened' },
      description: { zh: '冷启动或从后台唤起', en: 'Cold start or resumed' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      kind: 'event',
      key: 'app_open',
      name: { zh: '启动手机银行', en: 'Mobile banking opened' },
      origin: 'edit',
      updatedBy: 'apikey:1:ops',
    });
    const after = await dictionary();
    expect(after.version).not.toBe(before.version);
    const [audit] = await audits('dictionary.edit');
    expect(audit).toMatchObject({ entity_type: 'dictionary_entry', entity_id: 'event:app_open' });
    expect(audit?.details).toMatchObject({
      from: { name: { zh: '打开 App', en: 'App opened' } },
      to: { name: { zh: '启动手机银行', en: 'Mobile banking opened' } },
    });
  });

  it('is refused to an analyst (403) and to a missing name (400 located)', async () => {
    const refused = await call(
      'PUT',
      '/v1/dictionary/event/app_open',
      { name: { zh: 'x', en: 'x' } },
      analyst,
    );
    expect(refused.statusCode).toBe(403);
    const blank = await call('PUT', '/v1/dictionary/event/app_open', { name: { zh: '', en: 'x' } });
    expect(blank.statusCode).toBe(400);
    expect(JSON.stringify(blank.json())).toContain('/name/zh');
    const kind = await call('PUT', '/v1/dictionary/customer/app_open', { name: { zh: 'x', en: 'x' } });
    expect(kind.statusCode).toBe(400);
    expect((await entry('event', 'app_open'))?.name.en).toBe('Mobile banking opened');
  });
});

describe('POST /v1/dictionary/import', () => {
  it('answers every bad row with its row, line and field, and applies none of the good ones', async () => {
    const csv = [
      'kind,key,name_zh,name_en,unit',
      'attribute,tier,客户层级,Customer level,',
      'customer,age,年龄,Age,岁',
      'event,purchase,,Purchase,',
      'attribute,tier,层级,Level,',
    ].join('\n');
    const res = await call('POST', '/v1/dictionary/import', { csv });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { path: string; line: number }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual([
      expect.objectContaining({ path: '/rows/2/kind', line: 3 }),
      expect.objectContaining({ path: '/rows/3/name_zh', line: 4 }),
      expect.objectContaining({ path: '/rows/4/key', line: 5 }),
    ]);
    expect((await entry('attribute', 'tier'))?.name.en).toBe('Tier');
    const header = await call('POST', '/v1/dictionary/import', { csv: 'kind,key,title\nevent,x,y\n' });
    expect(JSON.stringify(header.json())).toContain('unknown column \\"title\\"');
  });

  it('imports every row in one go, audited with its counts; a re-import changes nothing', async () => {
    const csv = [
      'kind,key,name_zh,name_en,description_zh,description_en,unit',
      'attribute,tier,客户层级,Customer level,,,',
      'event,loan_repaid,"贷款还款, 按期",Loan repaid,,,',
      'event,purchase,购买理财,Investment bought,,,',
    ].join('\r\n');
    const res = await call('POST', '/v1/dictionary/import', { csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, created: 1, updated: 2, unchanged: 0 });
    expect((await entry('event', 'loan_repaid'))?.name.zh).toBe('贷款还款, 按期');
    expect((await entry('attribute', 'tier'))?.origin).toBe('import');
    const again = await call('POST', '/v1/dictionary/import', { csv });
    expect(again.json()).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3 });
    const logged = await audits('dictionary.import');
    expect(logged.map((a) => a.details)).toContainEqual(
      expect.objectContaining({ source: 'api', rows: 3, created: 1, updated: 2 }),
    );
    expect((await call('POST', '/v1/dictionary/import', { csv }, analyst)).statusCode).toBe(403);
  });

  it('exports the CSV it imports', async () => {
    const res = await call('GET', '/v1/dictionary/export');
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('kind,key,name_zh,name_en,description_zh,description_en,unit');
    expect(lines).toContain('event,loan_repaid,"贷款还款, 按期",Loan repaid,,,');
  });
});

describe('events first seen through ingestion', () => {
  it('registers new event names from POST /v1/events as "needs naming", never over a named entry', async () => {
    const res = await call('POST', '/v1/events', [
      { event_id: 'n1', distinct_id: 'C1', event: 'fx_quote', time: T },
      { event_id: 'n2', distinct_id: 'C1', event: 'fx_quote', time: T },
      { event_id: 'n3', distinct_id: 'C1', event: 'app_open', time: T },
      { event_id: 'n4', distinct_id: 'C1', event: 'loan_repaid', time: T },
    ]);
    expect(res.json()).toMatchObject({ accepted: 4 });
    const fx = (await entry('event', 'fx_quote')) as DictionaryEntry;
    expect(fx).toMatchObject({ needsNaming: true, origin: 'ingest', name: { zh: '', en: '' } });
    expect((await entry('event', 'loan_repaid'))?.needsNaming).toBe(false);
    expect((await entry('event', 'app_open'))?.name.en).toBe('Mobile banking opened');
    const named = await call('PUT', '/v1/dictionary/event/fx_quote', {
      name: { zh: '外汇询价', en: 'FX quote' },
    });
    expect(named.json()).toMatchObject({ needsNaming: false, origin: 'edit' });
  });

  it('registers the names of an imported events file, on the engine path and the row path alike', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [
        { event_id: 'f1', distinct_id: 'C1', event: 'branch_visit', time: T, properties: {} },
        { event_id: 'f2', distinct_id: 'C1', event: 'atm_withdrawal', time: T, properties: {} },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const imported = await runImport(
      { kind: 'events', file, mapping: { value: IDENTITY_EVENT_MAPPING }, actor: 'test' },
      { operational: t.stores.operational, events: t.stores.events, clock: t.clock },
    );
    expect(imported.ok && imported.value.inserted).toBe(2);
    const csvFile = join(dir, 'events.csv');
    writeFileSync(csvFile, `event_id,distinct_id,event,time\nf3,C1,card_swipe,${T}\n`);
    const rowPath = await runImport(
      {
        kind: 'events',
        file: csvFile,
        mapping: {
          value: {
            format: 'csv',
            columns: { event_id: 'event_id', distinct_id: 'distinct_id', event: 'event', time: 'time' },
          },
        },
        actor: 'test',
      },
      { operational: t.stores.operational, events: t.stores.events, clock: t.clock },
    );
    expect(rowPath.ok && rowPath.value.inserted).toBe(1);
    const view = await dictionary();
    const needs = view.entries.filter((e) => e.needsNaming).map((e) => e.key);
    expect(needs).toEqual(expect.arrayContaining(['branch_visit', 'atm_withdrawal', 'card_swipe']));
  });

  it('asks the store only about names the process has not seen', async () => {
    const registry = new EventNameRegistry(t.stores.operational.db);
    expect(await registry.seen(['app_open', 'view_product'])).toBe(0);
    expect(await registry.seen(['wire_sent', 'wire_sent', 'app_open'])).toBe(1);
    expect(await registry.seen(['wire_sent'])).toBe(0);
    expect((await entry('event', 'wire_sent'))?.needsNaming).toBe(true);
  });
});
