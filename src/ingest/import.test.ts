import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/support/postgres.ts';
import { fixedClock } from '../shared/clock.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { runImport, type ImportReport } from './run.ts';
import type { ImportKind } from './targets.ts';

// Operational imports (customers, holdings, staff, consent) against PGlite always and PostgreSQL when it answers.

const engines: {
  name: string;
  open: () => Promise<{ store: OperationalStore; drop?: () => Promise<void> }>;
}[] = [{ name: 'PGlite', open: async () => ({ store: await openMigratedMemoryStore() }) }];
if (await postgresAvailable()) {
  engines.push({
    name: 'PostgreSQL',
    open: async () => {
      const db: TestDatabase = await createTestDatabase('flywheel_ingest');
      const store = await openOperationalStore({ kind: 'postgres', url: db.url });
      await migrate(store);
      return { store, drop: () => db.drop() };
    },
  });
} else console.warn('[flywheel tests] ingest: PostgreSQL suite skipped (server not reachable)');

const CUSTOMER_MAPPING = {
  columns: {
    customer_no: 'cust_no',
    name: 'name',
    birth_date: { from: 'dob', convert: 'date:DD/MM/YYYY' },
    org_unit_id: 'branch',
    aum: 'aum',
    payroll: { from: 'payroll', convert: 'boolean' },
  },
  extra: 'attributes',
};
const CUSTOMERS =
  'cust_no;name;dob;branch;aum;payroll;segment\nC1;"Li, Na";01/02/1980;BR1;1000.50;yes;gold\nC2;Wang;15/06/1975;BR1;20;no;mass\nC3;Zhao;;BR2;0;;\n';

describe.each(engines)('import into the operational store ($name)', ({ open }) => {
  let store: OperationalStore;
  let drop: (() => Promise<void>) | undefined;
  let dir: string;
  const clock = fixedClock('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    ({ store, drop } = await open());
    dir = mkdtempSync(join(tmpdir(), 'flywheel-ingest-'));
    await store.db
      .insertInto('org_units')
      .values([
        { id: 'HO', parent_id: null, name: 'Head office', kind: 'head_office' },
        { id: 'BR1', parent_id: 'HO', name: 'Branch 1', kind: 'branch' },
        { id: 'BR2', parent_id: 'HO', name: 'Branch 2', kind: 'branch' },
      ])
      .execute();
    await store.db
      .insertInto('products')
      .values([
        { id: 'TD1Y', name: '1y deposit', category: 'time_deposit' },
        { id: 'FUND1', name: 'Fund', category: 'fund' },
      ])
      .execute();
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const run = async (
    kind: ImportKind,
    path: string,
    mapping: unknown,
    options: { allowPartial?: boolean } = {},
  ) =>
    runImport(
      { kind, file: path, mapping: { value: mapping }, actor: 'test', ...options },
      { operational: store, clock },
    );
  const report = async (
    kind: ImportKind,
    path: string,
    mapping: unknown,
    options: { allowPartial?: boolean } = {},
  ): Promise<ImportReport> => {
    const r = await run(kind, path, mapping, options);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const count = async (table: 'customers' | 'holdings' | 'staff' | 'consents' | 'consent_history') =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(store.db))
        .rows[0]!.n,
    );

  it("writes the audit record in the data's transaction: an audit that cannot be written commits no row", async () => {
    // A trigger stands for any failure of the audit write (a full disk, a lost connection at that moment).
    await store.execScript(`
      create function refuse_import_audit() returns trigger language plpgsql as $$
      begin
        if new.action = 'import.staff' then raise exception 'audit refused for the test'; end if;
        return new;
      end $$;
      create trigger refuse_import_audit before insert on audit_log
        for each row execute function refuse_import_audit();`);
    try {
      const before = await count('staff');
      const path = file(
        'staff-audit.csv',
        'id,name,org_unit_id,role\nS-AUD,Audit Test,BR1,account_manager\n',
      );
      await expect(
        run('staff', path, { columns: { id: 'id', name: 'name', org_unit_id: 'org_unit_id', role: 'role' } }),
      ).rejects.toThrow(/audit refused/);
      expect(await count('staff')).toBe(before);
    } finally {
      // The refused import left its run 'running' (its process lives on): what the next start would close.
      await store.execScript(
        `drop trigger refuse_import_audit on audit_log; drop function refuse_import_audit();
         delete from import_runs where status = 'running';`,
      );
    }
  });

  it('imports customers with dense ordinals, attributes and conversions, and a re-import changes nothing', async () => {
    const path = file('customers.csv', CUSTOMERS);
    const first = await report('customers', path, CUSTOMER_MAPPING);
    expect(first).toMatchObject({
      status: 'committed',
      read: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      errorsFile: null,
    });
    const rows = await store.db.selectFrom('customers').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.customer_no])).toEqual([
      [1, 'C1'],
      [2, 'C2'],
      [3, 'C3'],
    ]);
    expect(rows[0]).toMatchObject({
      name: 'Li, Na',
      birth_date: '1980-02-01',
      org_unit_id: 'BR1',
      aum: 1000.5,
      payroll: true,
      attributes: { segment: 'gold' },
    });
    expect(rows[2]).toMatchObject({ birth_date: null, payroll: false, attributes: {} });

    const again = await report('customers', path, CUSTOMER_MAPPING);
    expect(again).toMatchObject({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });

    // One change and one new customer: the new one gets the next ordinal, nothing is renumbered or skipped.
    const changed = file(
      'customers2.csv',
      'cust_no;name;dob;branch;aum;payroll;segment\nC4;New;;BR2;5;no;\nC2;Wang;15/06/1975;BR1;25;no;mass\n',
    );
    expect(await report('customers', changed, CUSTOMER_MAPPING)).toMatchObject({
      inserted: 1,
      updated: 1,
      unchanged: 0,
    });
    const ids = await store.db
      .selectFrom('customers')
      .select(['id', 'customer_no', 'aum'])
      .orderBy('id')
      .execute();
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(ids.find((r) => r.customer_no === 'C2')?.aum).toBe(25);

    const runs = await store.db.selectFrom('import_runs').selectAll().orderBy('id').execute();
    expect(runs.map((r) => r.status)).toEqual(['committed', 'committed', 'committed']);
    expect(runs[1]!.summary).toMatchObject({ read: 3, unchanged: 3 });
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'import.customers')
      .execute();
    expect(audit).toHaveLength(3);
  });

  it('rejects a file with a bad row entirely, writing located errors', async () => {
    const before = await count('customers');
    const path = file(
      'bad.csv',
      'cust_no;name;dob;branch;aum;payroll;segment\nC10;A;01/01/1990;BR1;1;no;x\nC11;B;31/02/1990;BR1;1;no;x\nC12;C;01/01/1990;BR1;lots;no;x\nC13;D;01/01/1990;BR9;1;no;x\nC10;E;01/01/1990;BR1;1;no;x\nC14;F;01/01/1990\n',
    );
    const r = await report('customers', path, CUSTOMER_MAPPING);
    expect(r).toMatchObject({
      status: 'rejected',
      read: 6,
      rejected: 5,
      inserted: 0,
      errorsFile: `${path}.errors.csv`,
    });
    expect(await count('customers')).toBe(before);
    const errors = readFileSync(`${path}.errors.csv`, 'utf8').trim().split('\n');
    expect(errors[0]).toBe('row,line,field,reason,value');
    expect(errors).toContain('2,3,birth_date,not a valid calendar date (DD/MM/YYYY),31/02/1990');
    expect(errors).toContain('3,4,aum,not a number,lots');
    expect(errors).toContain('4,5,org_unit_id,unknown org unit (branch),BR9');
    expect(errors).toContain('5,6,customer_no,duplicate customer_no in this file (first at row 1),C10');
    expect(errors).toContain('6,7,,"expected 7 fields (as in the header), found 3",C14;F;01/01/1990');
    const run = await store.db
      .selectFrom('import_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('rejected');
  });

  it('refuses a row with a NUL character where it is', async () => {
    const path = file(
      'nul.csv',
      'cust_no;name;dob;branch;aum;payroll;segment\nC30;A\u0000B;01/01/1990;BR1;1;no;x\n',
    );
    const r = await report('customers', path, CUSTOMER_MAPPING);
    expect(r.firstErrors[0]).toMatchObject({
      row: 1,
      line: 2,
      reason: 'contains a NUL character (U+0000), which cannot be stored',
    });
  });

  it('commits the valid rows with allowPartial', async () => {
    const path = file(
      'partial.csv',
      'cust_no;name;dob;branch;aum;payroll;segment\nC20;A;01/01/1990;BR1;1;no;x\nC21;B;01/01/1990;BR1;-;no;x\n',
    );
    const r = await report('customers', path, CUSTOMER_MAPPING, { allowPartial: true });
    expect(r).toMatchObject({ status: 'committed', inserted: 1, rejected: 1 });
    expect(
      await store.db.selectFrom('customers').select('id').where('customer_no', '=', 'C20').executeTakeFirst(),
    ).toBeDefined();
  });

  it('refuses empty files, header-only files, bad mappings and invalid UTF-8 before writing anything', async () => {
    const before = await count('customers');
    const empty = await run('customers', file('empty.csv', ''), CUSTOMER_MAPPING);
    expect(!empty.ok && empty.error.message).toMatch(/file is empty/);
    const headerOnly = await run(
      'customers',
      file('header.csv', 'cust_no;name;dob;branch;aum;payroll;segment\n'),
      CUSTOMER_MAPPING,
    );
    expect(!headerOnly.ok && headerOnly.error.message).toMatch(/header but no data rows/);
    const unknownField = await run('customers', file('ok.csv', CUSTOMERS), {
      ...CUSTOMER_MAPPING,
      columns: { ...CUSTOMER_MAPPING.columns, shoe_size: 'segment' },
    });
    expect(!unknownField.ok && unknownField.error.message).toMatch(/"shoe_size" is not a customers field/);
    const lines = ['cust_no;name;dob;branch;aum;payroll;segment'];
    for (let i = 0; i < 5000; i++) lines.push(`U${i};Name;01/01/1990;BR1;1;no;x`);
    const good = Buffer.from(lines.join('\n') + '\n');
    const bad = Buffer.concat([good, Buffer.from('U9999;Bad\xff;01/01/1990;BR1;1;no;x\n', 'latin1')]);
    const utf8 = await run('customers', file('latin1.csv', bad), CUSTOMER_MAPPING);
    expect(!utf8.ok && utf8.error.message).toMatch(/line 5002: invalid UTF-8/);
    expect(await count('customers')).toBe(before);
    const run_ = await store.db
      .selectFrom('import_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(run_.status).toBe('failed');
  });

  it('imports staff, holdings and consent by natural key, refusing unknown references', async () => {
    const staffMap = { columns: { id: 'id', name: 'name', org_unit_id: 'branch', role: 'role' } };
    const staff = file(
      'staff.csv',
      'id,name,branch,role\nS1,Chen,BR1,account_manager\nS2,Liu,BR2,branch_head\n',
    );
    expect(await report('staff', staff, staffMap)).toMatchObject({ inserted: 2 });
    expect(await report('staff', staff, staffMap)).toMatchObject({ unchanged: 2 });
    const badStaff = await report(
      'staff',
      file('staff-bad.csv', 'id,name,branch,role\nS3,Chen,NOPE,account_manager\n'),
      staffMap,
    );
    expect(badStaff.firstErrors[0]).toMatchObject({
      field: 'org_unit_id',
      reason: 'unknown org unit (branch)',
    });

    const holdingMap = {
      columns: {
        customer_no: 'cust',
        account_no: 'acct',
        product_id: 'prod',
        balance: 'bal',
        opened_on: { from: 'opened', convert: 'date:YYYYMMDD' },
      },
    };
    const holdings = file(
      'holdings.tsv',
      'cust\tacct\tprod\tbal\topened\nC1\tA1\tTD1Y\t5000\t20240105\nC2\tA2\tFUND1\t10.5\t20230301\n',
    );
    expect(await report('holdings', holdings, holdingMap)).toMatchObject({ inserted: 2 });
    expect(await report('holdings', holdings, holdingMap)).toMatchObject({ unchanged: 2 });
    const changed = file('holdings2.tsv', 'cust\tacct\tprod\tbal\topened\nC1\tA1\tTD1Y\t6000\t20240105\n');
    expect(await report('holdings', changed, holdingMap)).toMatchObject({ updated: 1 });
    const refs = await report(
      'holdings',
      file(
        'holdings-bad.tsv',
        'cust\tacct\tprod\tbal\topened\nNOBODY\tA9\tTD1Y\t1\t20240105\nC1\tA9\tGOLD\t1\t20240105\nC1\tA8\tTD1Y\tabc\t20241301\n',
      ),
      holdingMap,
    );
    expect(refs.status).toBe('rejected');
    expect(refs.firstErrors.map((e) => `${e.row}:${e.field}:${e.reason}`)).toEqual(
      expect.arrayContaining([
        '1:customer_no:unknown customer',
        '2:product_id:unknown product',
        '3:balance:not a number',
        '3:opened_on:not a valid calendar date (YYYYMMDD)',
      ]),
    );
    expect(await count('holdings')).toBe(2);

    const consentMap = {
      columns: { customer_no: 'cust', channel: 'channel', status: 'status', changed_at: 'at' },
    };
    const consent = file(
      'consent.csv',
      'cust,channel,status,at\nC1,sms,granted,2026-01-01T00:00:00Z\nC2,sms,revoked,2026-01-01T00:00:00Z\n',
    );
    expect(await report('consent', consent, consentMap)).toMatchObject({ inserted: 2 });
    expect(await report('consent', consent, consentMap)).toMatchObject({ unchanged: 2 });
    expect(await count('consent_history')).toBe(2);
    const optOut = file(
      'consent2.csv',
      'cust,channel,status,at\nC1,sms,revoked,2026-02-01T00:00:00Z\nC2,sms,revoked,2026-02-01T00:00:00Z\n',
    );
    expect(await report('consent', optOut, consentMap)).toMatchObject({ updated: 2 });
    // Only C1's status changed: one history row; C2's newer timestamp alone does not add history.
    expect(await count('consent_history')).toBe(3);
    // An older extract cannot undo the opt-out.
    expect(await report('consent', consent, consentMap)).toMatchObject({ unchanged: 2 });
    const c1 = await sql<{
      status: string;
    }>`select status from consents where customer_id = 1 and channel = 'sms'`.execute(store.db);
    expect(c1.rows[0]!.status).toBe('revoked');
    expect(existsSync(`${consent}.errors.csv`)).toBe(false);

    // Consent per purpose: service consent is its own record beside marketing's; a bad purpose is a located error.
    const purposeMap = { columns: { ...consentMap.columns, purpose: 'purpose' } };
    const service = file(
      'consent-service.csv',
      'cust,channel,status,at,purpose\nC1,sms,granted,2026-03-01T00:00:00Z,service\nC2,sms,granted,2026-03-01T00:00:00Z,\n',
    );
    expect(await report('consent', service, purposeMap)).toMatchObject({ inserted: 1, updated: 1 });
    const byPurpose = await sql<{ customer_id: number; purpose: string; status: string }>`
      select customer_id, purpose, status from consents where channel = 'sms' order by 1, 2`.execute(
      store.db,
    );
    expect(byPurpose.rows).toEqual([
      { customer_id: 1, purpose: 'marketing', status: 'revoked' },
      { customer_id: 1, purpose: 'service', status: 'granted' },
      { customer_id: 2, purpose: 'marketing', status: 'granted' },
    ]);
    const history = await sql<{ purpose: string }>`
      select purpose from consent_history where customer_id = 1 order by id desc limit 1`.execute(store.db);
    expect(history.rows[0]!.purpose).toBe('service');
    const badPurpose = await report(
      'consent',
      file('consent-bad.csv', 'cust,channel,status,at,purpose\nC1,sms,granted,2026-03-01T00:00:00Z,sales\n'),
      purposeMap,
    );
    expect(badPurpose.status).toBe('rejected');
    expect(badPurpose.firstErrors[0]).toMatchObject({
      row: 1,
      field: 'purpose',
      reason: 'not one of marketing, service',
    });
    // The same customer, channel and purpose twice in one file (an empty purpose is marketing) is a duplicate key.
    const twice = await report(
      'consent',
      file(
        'consent-twice.csv',
        'cust,channel,status,at,purpose\nC2,sms,granted,2026-04-01T00:00:00Z,\nC2,sms,revoked,2026-04-01T00:00:00Z,marketing\n',
      ),
      purposeMap,
    );
    expect(twice.firstErrors[0]).toMatchObject({ row: 2, field: 'customer_no+channel+purpose' });
  });
});
