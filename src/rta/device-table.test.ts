import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceTableBuilder, isMd5 } from './device-table.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('device table', () => {
  it('finds every id added and none that was not, at load 0.5', () => {
    const n = 5_000;
    const b = new DeviceTableBuilder(n);
    for (let i = 0; i < n; i++) expect(b.add(md5(`imei-${i}`), i + 1)).toBe(true);
    const t = b.finish();
    expect(t.size).toBe(n);
    expect(t.capacity).toBeGreaterThanOrEqual(2 * n);
    for (let i = 0; i < n; i++) expect(t.lookup(md5(`imei-${i}`))).toBe(i + 1);
    for (let i = 0; i < 500; i++) expect(t.lookup(md5(`other-${i}`))).toBe(-1);
    expect(t.lookup(md5('imei-7').toUpperCase())).toBe(8); // case ignored
  });

  it('keeps keys apart that fall on the same slot (linear probing) and across the table end', () => {
    const b = new DeviceTableBuilder(8); // 16 slots
    // Same low bits (slot 15), different high words: probing wraps to slots 0, 1, ...
    const keys = [0, 1, 2, 3, 4].map((k) => [k * 16 + 0x10000, 15 ^ (k * 16 + 0x10000)] as const);
    keys.forEach(([hi, lo], i) => b.addKey(hi, lo, 100 + i));
    const t = b.finish();
    keys.forEach(([hi, lo], i) => expect(t.lookupKey(hi, lo)).toBe(100 + i));
    expect(t.lookupKey(5 * 16 + 0x10000, 15 ^ (5 * 16 + 0x10000))).toBe(-1);
  });

  it('keeps the first customer of a repeated id, holds ordinal 0, refuses non-md5 and overfilling', () => {
    const b = new DeviceTableBuilder(2);
    const id = md5('x');
    b.add(id, 0);
    b.add(id, 9);
    expect(b.add('not-an-md5', 3)).toBe(false);
    expect(b.add('z'.repeat(32), 3)).toBe(false);
    expect(b.rejected).toBe(2);
    for (let i = 0; i < 7; i++) b.add(md5(`fill-${i}`), i);
    expect(() => b.add(md5('one-too-many'), 1)).toThrow(/full/);
    const t = b.finish();
    expect(t.lookup(id)).toBe(0);
    expect(t.lookup('short')).toBe(-1);
    expect(t.lookup('g'.repeat(32))).toBe(-1);
    expect(isMd5(id)).toBe(true);
  });
});
