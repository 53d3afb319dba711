import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_AS_OF,
  openSegmentFixture,
  type SegmentFixture,
} from '../../test/support/segments-fixture.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { exportSegment } from './export.ts';
import { listLists, uploadList } from './lists.ts';
import { materializeAll, materializeSegment } from './materialize.ts';
import {
  archiveSegment,
  createSegment,
  getSegment,
  listSegments,
  segmentVersions,
  updateSegment,
} from './segment-store.ts';
import type { SegmentService } from './service.ts';

let store: OperationalStore;
let events: EventStore;
let service: SegmentService;
let fixture: SegmentFixture | undefined;

beforeAll(async () => {
  fixture = await openSegmentFixture();
  ({ store, events, service } = fixture);
  await events.insert('events', [
    {
      event_id: 'e1',
      customer_id: 6,
      distinct_id: 'd6',
      event: 'app_open',
      time: Date.parse(`${FIXTURE_AS_OF}T08:00:00Z`),
      properties: { channel: 'app' },
    },
  ]);
});
afterAll(async () => {
  await fixture?.close();
});

const audits = (action: string) =>
  store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
const counts = async () => ({
  segments: (await store.db.selectFrom('segments').select('id').execute()).length,
  versions: (await store.db.selectFrom('segment_versions').select('version').execute()).length,
  audits: (await store.db.selectFrom('audit_log').select('id').execute()).length,
});

describe('preview', () => {
  it('counts members of a valid rule and reports every invalid node by path', async () => {
    const ok = await service.preview({
      all: [
        { tag: 'aum_tier', in: ['gold'] },
        { attr: 'wecom_friend', op: '=', value: false },
      ],
    });
    expect(ok.ok && ok.value.count).toBe(6);
    expect(ok.ok && ok.value.elapsed_ms).toBeGreaterThanOrEqual(0);
    const withEvent = await service.preview({ event: 'app_open', within_days: 1 });
    expect(withEvent.ok && withEvent.value.count).toBe(1);

    const bad = await service.preview({
      all: [
        { tag: 'no_such_tag', in: ['x'] },
        {
          any: [
            { attr: 'aum', op: '=', value: 'rich' },
            { tag: 'aum_tier', in: ['vip'] },
          ],
        },
        { event: 'never_seen' },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok || bad.error.code !== 'invalid_rule') throw new Error('expected invalid_rule');
    expect(bad.error.issues.map((i) => [i.path, i.code])).toEqual([
      ['$.all[0]', 'unknown_tag'],
      ['$.all[1].any[0]', 'wrong_type'],
      ['$.all[1].any[1]', 'unknown_tag_value'],
      ['$.all[2]', 'unknown_event'],
    ]);
  });
});

describe('saved segments', () => {
  it('creates, updates and archives with a version row and an audit record per change', async () => {
    const created = await createSegment(
      service,
      { id: 'gold', name: 'Gold customers', rule: { tag: 'aum_tier', in: ['gold'] } },
      'user:ana',
    );
    expect(created).toMatchObject({
      ok: true,
      value: { id: 'gold', version: 1, status: 'active', members: null, asOf: null, updated_by: 'user:ana' },
    });
    const dup = await createSegment(service, { id: 'gold', name: 'again', rule: { all: [] } }, 'user:ana');
    expect(dup.ok || dup.error.code).toBe('conflict');

    const updated = await updateSegment(
      service,
      'gold',
      { name: 'Gold & reachable', description: 'WeCom', rule: { all: [{ segment: 'gold_base' }] } },
      'user:bob',
    );
    expect(updated.ok || updated.error.code).toBe('invalid_rule'); // unknown segment
    const renamed = await updateSegment(
      service,
      'gold',
      {
        name: 'Gold & reachable',
        description: 'WeCom',
        rule: {
          all: [
            { tag: 'aum_tier', in: ['gold'] },
            { attr: 'wecom_friend', op: '=', value: true },
          ],
        },
      },
      'user:bob',
    );
    expect(renamed).toMatchObject({
      ok: true,
      value: { version: 2, name: 'Gold & reachable', updated_by: 'user:bob' },
    });

    const parent = await createSegment(
      service,
      { id: 'parent', name: 'Uses gold', rule: { not: { segment: 'gold' } } },
      'user:ana',
    );
    expect(parent.ok).toBe(true);
    const blocked = await archiveSegment(service, 'gold', 'user:ana');
    expect(blocked.ok || blocked.error).toMatchObject({ code: 'conflict', details: { usedBy: ['parent'] } });
    expect((await archiveSegment(service, 'parent', 'user:ana')).ok).toBe(true);
    const archived = await archiveSegment(service, 'gold', 'user:ana');
    expect(archived).toMatchObject({ ok: true, value: { status: 'archived', version: 3 } });

    const versions = await segmentVersions(store.db, 'gold');
    expect(versions?.map((v) => [v.version, v.change, v.status, v.name, v.changed_by])).toEqual([
      [3, 'archive', 'archived', 'Gold & reachable', 'user:ana'],
      [2, 'update', 'active', 'Gold & reachable', 'user:bob'],
      [1, 'create', 'active', 'Gold customers', 'user:ana'],
    ]);
    expect(versions?.[2]?.rule).toEqual({ tag: 'aum_tier', in: ['gold'] });
    expect((await audits('segment.create')).map((a) => a.entity_id)).toEqual(['gold', 'parent']);
    expect((await audits('segment.update')).map((a) => [a.entity_id, a.actor])).toEqual([
      ['gold', 'user:bob'],
    ]);
    expect((await audits('segment.archive')).map((a) => a.entity_id)).toEqual(['parent', 'gold']);
    expect((await listSegments(store.db)).map((s) => s.id)).not.toContain('gold');
    expect((await listSegments(store.db, { includeArchived: true })).map((s) => s.id)).toContain('gold');
    expect((await updateSegment(service, 'gold', { name: 'x', rule: { all: [] } }, 'a')).ok).toBe(false);
  });

  it('refuses cycles and unknown tags with node paths, changing nothing', async () => {
    expect(
      (await createSegment(service, { id: 'a', name: 'A', rule: { tag: 'aum_tier', in: ['mass'] } }, 'u')).ok,
    ).toBe(true);
    expect(
      (await createSegment(service, { id: 'b', name: 'B', rule: { any: [{ segment: 'a' }] } }, 'u')).ok,
    ).toBe(true);
    const before = await counts();

    const cycle = await updateSegment(
      service,
      'a',
      { name: 'A', rule: { all: [{ tag: 'aum_tier', in: ['mass'] }, { not: { segment: 'b' } }] } },
      'u',
    );
    if (cycle.ok || cycle.error.code !== 'invalid_rule') throw new Error('expected invalid_rule');
    expect(cycle.error.issues).toEqual([
      expect.objectContaining({
        path: '$.all[1].not',
        code: 'segment_cycle',
        message: 'segment cycle: a → b → a',
      }),
    ]);
    const self = await createSegment(service, { id: 'c', name: 'C', rule: { any: [{ segment: 'c' }] } }, 'u');
    expect(self.ok || self.error).toMatchObject({
      code: 'invalid_rule',
      issues: [{ path: '$.any[0]', code: 'segment_cycle' }],
    });
    const unknownTag = await createSegment(
      service,
      { id: 'd', name: 'D', rule: { all: [{ segment: 'a' }, { tag: 'vip_level', in: ['1'] }] } },
      'u',
    );
    expect(unknownTag.ok || unknownTag.error).toMatchObject({
      code: 'invalid_rule',
      issues: [{ path: '$.all[1]', code: 'unknown_tag' }],
    });
    expect(await counts()).toEqual(before);
    expect((await getSegment(store.db, 'a'))?.version).toBe(1);
  });
});

describe('lists', () => {
  it('refuses an upload with unknown numbers unless allowed, and then stores the known ones', async () => {
    const before = await counts();
    const refused = await uploadList(
      service,
      { id: 'vip', name: 'VIP', customerNos: ['C001', 'C002', 'X9', 'C002', 'Y8'] },
      'u',
    );
    expect(refused.ok || refused.error).toMatchObject({
      code: 'unknown_customers',
      unknownCustomerNos: ['X9', 'Y8'],
      unknownCount: 2,
    });
    expect(await listLists(store.db)).toEqual([]);
    expect(await counts()).toEqual(before);

    const stored = await uploadList(
      service,
      { id: 'vip', name: 'VIP', customerNos: ['C001', 'C002', 'X9', 'C002', 'C010'], allowUnknown: true },
      'user:ana',
    );
    expect(stored).toMatchObject({
      ok: true,
      value: { id: 'vip', members: 3, unknownCount: 1, unknownCustomerNos: ['X9'] },
    });
    expect((await listLists(store.db)).map((l) => [l.id, l.members, l.unknownCount])).toEqual([
      ['vip', 3, 1],
    ]);
    const preview = await service.preview({ all: [{ list: 'vip' }, { tag: 'aum_tier', in: ['mass'] }] });
    expect(preview.ok && preview.value.count).toBe(2);
    expect((await audits('list.create')).map((a) => a.details)).toEqual([
      { name: 'VIP', members: 3, unknown: 1, uploaded: 4 },
    ]);
  });
});

describe('materialisation and export', () => {
  it('stores one snapshot per segment and day, idempotently, and the daily job reports each segment', async () => {
    const first = await materializeSegment(service, 'a', { actor: 'user:ana' });
    expect(first).toMatchObject({
      ok: true,
      value: { segmentId: 'a', asOf: FIXTURE_AS_OF, members: 4, aum: 100_000 },
    });
    const again = await materializeSegment(service, 'a', { actor: 'user:ana' });
    expect(again.ok && again.value.members).toBe(4);
    const rows = await store.db
      .selectFrom('segment_snapshots')
      .selectAll()
      .where('segment_id', '=', 'a')
      .execute();
    expect(rows).toHaveLength(1);
    expect(RoaringBitmap32.deserialize(Buffer.from(rows[0]!.bitmap), 'portable').toArray()).toEqual([
      1, 2, 3, 4,
    ]);
    expect(Number(rows[0]!.aum)).toBe(100_000);
    expect(await getSegment(store.db, 'a')).toMatchObject({ members: 4, asOf: FIXTURE_AS_OF });

    // b = any(segment a): now answered from a's snapshot of the day
    const all = await materializeAll(service, FIXTURE_AS_OF);
    expect(all.results.map((r) => [r.segmentId, r.ok, r.ok && r.members])).toEqual([
      ['a', true, 4],
      ['b', true, 4],
    ]);
    // a broken rule (its tag deleted since) is reported, and the others still run
    await store.db.deleteFrom('tag_snapshots').where('tag_key', '=', 'aum_tier').execute();
    await store.db.deleteFrom('tag_definitions').where('key', '=', 'aum_tier').execute();
    const broken = await materializeAll(service, FIXTURE_AS_OF);
    expect(broken.results.map((r) => [r.segmentId, r.ok])).toEqual([
      ['a', false],
      ['b', true], // a's snapshot of the day still stands in for it
    ]);
    expect(broken.results[0]).toMatchObject({ error: { code: 'invalid_rule' } });
  });

  it('exports members as CSV and audits who exported what', async () => {
    const exported = await exportSegment(service, 'a', { asOf: FIXTURE_AS_OF, actor: 'user:ana' });
    if (!exported.ok) throw new Error(exported.error.message);
    let text = '';
    for await (const chunk of exported.value.csv) text += chunk;
    expect(text).toBe('customer_no\nC001\nC002\nC003\nC004\n');
    expect(exported.value).toMatchObject({ members: 4, source: 'snapshot' });
    const missing = await exportSegment(service, 'a', { asOf: '2020-01-01', actor: 'user:ana' });
    expect(missing.ok || missing.error.code).toBe('not_found');
    const log = await audits('segment.export');
    expect(log.map((a) => [a.actor, a.entity_id, a.details])).toEqual([
      ['user:ana', 'a', { asOf: FIXTURE_AS_OF, source: 'snapshot', members: 4, format: 'csv' }],
    ]);
  });
});
