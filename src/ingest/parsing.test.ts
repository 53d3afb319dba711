import { describe, expect, it } from 'vitest';
import { IDENTITY_EVENT_MAPPING } from '../../test/support/event-mapping.ts';
import { CsvSplitter } from '../shared/csv.ts';
import { KeySet } from './keyset.ts';
import { compileMapping, parseMapping } from './mapping.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDelimiter, firstInvalidUtf8, incompleteTail, openSource } from './source.ts';
import { customerFields } from './targets.ts';
import { convert, Failure, toDate, toTimestamp } from './values.ts';

const split = (text: string, delimiter = ',', chunk = text.length) => {
  const s = new CsvSplitter(delimiter);
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...s.push(text.slice(i, i + chunk), false));
  out.push(...s.push('', true));
  return out;
};

describe('CSV splitting', () => {
  const text = '\uFEFFid;name;note\r\n1;"Li, ""Na""";x\r\n\r\n2;"multi\nline";y\r\n3;plain;\r\n';
  it('splits quoted fields, doubled quotes, CRLF, blank lines and quoted line breaks, with start lines', () => {
    for (const chunk of [1, 3, 7, 1000]) {
      expect(split(text, ';', chunk)).toEqual([
        { kind: 'record', row: 1, line: 2, values: ['1', 'Li, "Na"', 'x'] },
        { kind: 'record', row: 2, line: 4, values: ['2', 'multi\nline', 'y'] },
        { kind: 'record', row: 3, line: 6, values: ['3', 'plain', ''] },
      ]);
    }
  });
  it('rejects garbage after a closing quote and resumes on the next line', () => {
    const items = split('a,b\n"x"y,1\n2,3\n');
    expect(items[0]).toMatchObject({ kind: 'problem', row: 1, line: 2 });
    expect(items[0]?.kind === 'problem' && items[0].reason).toContain('after a closing quote');
    expect(items[1]).toEqual({ kind: 'record', row: 2, line: 3, values: ['2', '3'] });
  });
  it('reports a quote never closed', () => {
    const items = split('a,b\n1,2\n"open,3\n4,5\n');
    expect(items[1]).toMatchObject({ kind: 'problem', row: 2, line: 3 });
  });
  it('detects the delimiter from the header line', () => {
    expect(detectDelimiter('"a";"b";"c"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a|b|c,d')).toBe('|');
    expect(detectDelimiter('"x;y",b')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('UTF-8 validation', () => {
  it('finds the first invalid byte, waiting on a sequence cut at the chunk end', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo 你好'), true)).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xff, 0x62]), true)).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]), false)).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]), true)).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]), true)).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]), true)).toBe(0); // surrogate
  });
});

describe('reading files', () => {
  it('locates invalid UTF-8 past the first chunk, and multi-byte characters cut by chunk boundaries are fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flywheel-src-'));
    try {
      const lines = ['id,name'];
      // 3-byte characters, so chunk boundaries (1 MiB) fall inside them.
      for (let i = 1; i <= 60_000; i++) lines.push(`${i},名字${i}`);
      const good = Buffer.from(lines.join('\n') + '\n');
      const path = join(dir, 'big.csv');
      writeFileSync(path, Buffer.concat([good, Buffer.from('60001,bad\xe9name\n', 'latin1')]));
      const source = await openSource(path, {});
      if (!source.ok) throw new Error(source.error.message);
      let rows = 0;
      await expect(
        (async () => {
          for await (const items of source.value.items()) rows += items.length;
        })(),
      ).rejects.toThrow(/line 60002: invalid UTF-8/);
      writeFileSync(path, good);
      const clean = await openSource(path, {});
      if (!clean.ok) throw new Error(clean.error.message);
      rows = 0;
      let last: unknown;
      for await (const items of clean.value.items()) {
        rows += items.length;
        last = items.at(-1);
      }
      expect(rows).toBe(60_000);
      expect(last).toEqual({ kind: 'record', row: 60_000, line: 60_001, values: ['60000', '名字60000'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('finds where a cut multi-byte sequence starts', () => {
    expect(incompleteTail(Buffer.from('ab'))).toBe(2);
    expect(incompleteTail(Buffer.from([0x61, 0xe5, 0x90]))).toBe(1);
    expect(incompleteTail(Buffer.from('名'))).toBe(3);
  });
});

describe('values', () => {
  it('parses dates strictly in each layout', () => {
    expect(toDate('2024-02-29')).toBe('2024-02-29');
    expect(toDate('2023-02-29')).toBeInstanceOf(Failure);
    expect(toDate('31/12/2024', 'DD/MM/YYYY')).toBe('2024-12-31');
    expect(toDate('20240131', 'YYYYMMDD')).toBe('2024-01-31');
    expect(toDate('2024-1-31')).toBeInstanceOf(Failure);
    expect(convert('13/31/2024', 'date:DD/MM/YYYY')).toBeInstanceOf(Failure);
  });
  it('parses instants from ms epochs and ISO text, refusing seconds-as-ms', () => {
    expect(toTimestamp(1763900000000)).toBe(1763900000000);
    expect(toTimestamp('2025-11-23T12:13:20Z')).toBe(Date.UTC(2025, 10, 23, 12, 13, 20));
    expect(toTimestamp('2025-11-23 20:13:20+08:00')).toBe(Date.UTC(2025, 10, 23, 12, 13, 20));
    expect(toTimestamp(1763900000)).toBeInstanceOf(Failure);
    expect(toTimestamp('yesterday')).toBeInstanceOf(Failure);
  });
  it('converts numbers, booleans, case and hashes', () => {
    expect(convert(' 12.50 ', 'number')).toBe(12.5);
    expect(convert('1,200', 'number')).toBeInstanceOf(Failure);
    expect(convert('Yes', 'boolean')).toBe(true);
    expect(convert('abc', 'upper')).toBe('ABC');
    expect(convert('ABC', 'md5')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(customerFields.shape.aum.safeParse('1e17').success).toBe(false);
    expect(customerFields.shape.aum.safeParse('-12.5').data).toBe(-12.5);
  });
});

describe('KeySet', () => {
  it('remembers keys and where they were first seen, across growth', () => {
    const keys = new KeySet();
    let fresh = 0;
    for (let i = 1; i <= 200_000; i++) if (keys.add(`C${i}`, i) === 0) fresh++;
    expect(fresh).toBe(200_000);
    expect(keys.add('C77', 200_001)).toBe(77);
    expect(keys.size).toBe(200_000);
  });
});

describe('mapping', () => {
  const header = ['cust', 'nm', 'dob', 'seg'];
  const compile = (m: unknown, h: string[] | null = header) => {
    const parsed = parseMapping(m);
    if (!parsed.ok) return parsed;
    return compileMapping('customers', parsed.value, h);
  };
  it('names unknown mapping keys', () => {
    const r = compile({ columns: { customer_no: { fron: 'cust' } }, extras: 'ignore' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/unknown mapping key\(s\) "extras"/);
  });
  it('names unknown target fields and source columns missing from the header', () => {
    const r = compile({
      columns: { customer_no: 'cust', nickname: 'nm', birth_date: 'birthday' },
      extra: 'ignore',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('"nickname" is not a customers field');
      expect(r.error.message).toContain('source column "birthday" is not in the header');
    }
  });
  it('refuses unmapped columns unless extra says what to do with them', () => {
    const r = compile({ columns: { customer_no: 'cust' } });
    expect(!r.ok && r.error.message).toContain('source column(s) not mapped: nm, dob, seg');
  });
  it('requires the natural key', () => {
    const r = compile({ columns: { name: 'nm' }, extra: 'ignore' });
    expect(!r.ok && r.error.message).toContain('required customers field(s) not mapped: customer_no');
  });
  it('maps, converts, pads and collects extra columns into attributes', () => {
    const r = compile({
      columns: {
        customer_no: { from: '$row', pad: 6, prefix: 'UCI-' },
        name: 'nm',
        birth_date: { from: 'dob', convert: 'date:DD/MM/YYYY' },
        'attributes.source': { from: 'cust', map: { a: 'alpha' } },
      },
      extra: 'attributes',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map(['a', 'Li', '01/02/1990', 'gold'], 7, 8)).toEqual({
      kind: 'row',
      row: {
        customer_no: 'UCI-000007',
        name: 'Li',
        birth_date: '1990-02-01',
        attributes: { source: 'alpha', seg: 'gold' },
      },
    });
    const bad = r.value.map(['a', 'Li', '30/02/1990', 'gold'], 1, 2);
    expect(bad).toEqual({
      kind: 'invalid',
      problems: [
        { field: 'birth_date', reason: 'not a valid calendar date (DD/MM/YYYY)', value: '30/02/1990' },
      ],
    });
  });
  it('rejects unknown NDJSON event fields by name', () => {
    const parsed = parseMapping(IDENTITY_EVENT_MAPPING);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const c = compileMapping('events', parsed.value, null);
    if (!c.ok) throw new Error(c.error.message);
    const row = {
      event_id: 'e1',
      distinct_id: 'd',
      event: 'view',
      time: 1763900000000,
      properties: {},
      lib: 'js',
    };
    expect(c.value.map(row, 1, 1)).toEqual({
      kind: 'invalid',
      problems: [{ field: 'lib', reason: 'unknown field (not in the mapping)', value: 'js' }],
    });
  });
  it('skips rows the filter leaves out', () => {
    const r = compile({
      columns: { customer_no: 'cust' },
      filter: { seg: ['gold', 'diamond'] },
      extra: 'ignore',
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map(['1', '', '', 'mass'], 1, 2)).toEqual({ kind: 'skip' });
    expect(r.value.map(['1', '', '', 'gold'], 1, 2).kind).toBe('row');
  });
});
