import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/stores.ts';
import { fixedClock } from '../../shared/clock.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import {
  contentVersions,
  createContent,
  listContent,
  reviewContent,
  saveContentVersion,
  type LibraryDeps,
} from './library.ts';

// The content library on both operational engines: located refusals, versions, maker-checker, frozen approvals,
// every change audited in its transaction.

const clock = fixedClock('2026-12-07T02:00:00Z');
const post = (text: string) => ({
  type: 'product',
  title: '90-day wealth',
  productId: 'WM-90',
  variants: { sms: { text }, app_push: { title: '{{ product.name }}', body: text } },
});

for (const engine of await engines()) {
  describe(`content library on ${engine.name}`, () => {
    let store: OperationalStore;
    let dispose: () => Promise<void>;
    let deps: LibraryDeps;
    beforeAll(async () => {
      ({ store, dispose } = await engine.open());
      deps = { db: store.db, clock };
      await store.db
        .insertInto('products')
        .values({ id: 'WM-90', name: '稳健90天', category: 'wealth', role: 'profit' })
        .execute();
    });
    afterAll(() => dispose());

    it('refuses unknown variables, sensitive words and unknown products, located, writing nothing', async () => {
      const bad = await createContent(deps, 'user:author', post('{{ customer.phone }} 稳赚'));
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.error.code).toBe('validation_failed');
      expect(bad.error.details!.map((i) => [i.code, i.path, i.line, i.column])).toEqual([
        ['unknown_variable', '/variants/sms/text', 1, 4],
        ['unknown_variable', '/variants/app_push/body', 1, 4],
        ['sensitive_word', '/variants/sms/text', 1, 22],
        ['sensitive_word', '/variants/app_push/body', 1, 22],
      ]);
      const noProduct = await createContent(deps, 'user:author', { ...post('hi'), productId: 'NOPE' });
      expect(!noProduct.ok && noProduct.error.details).toEqual([
        { path: '/productId', message: 'unknown product' },
      ]);
      expect(await listContent(store.db)).toEqual([]);
    });

    it('versions, submission and maker-checker approval; an approved version is frozen', async () => {
      const created = await createContent(
        deps,
        'user:author',
        post('{{ customer.surname }}{{ customer.salutation }}，新品上线'),
      );
      if (!created.ok) throw new Error(created.error.message);
      const id = created.value.contentId;
      expect(created.value).toMatchObject({ version: 1, status: 'draft', author: 'user:author' });

      expect(await reviewContent(deps, 'user:checker', id, 1, { action: 'approve' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect((await reviewContent(deps, 'user:author', id, 1, { action: 'submit' })).ok).toBe(true);
      expect(await reviewContent(deps, 'user:author', id, 1, { action: 'approve' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const approved = await reviewContent(deps, 'user:checker', id, 1, { action: 'approve', note: 'ok' });
      expect(approved).toMatchObject({ ok: true, value: { status: 'approved', decidedBy: 'user:checker' } });

      // An edit is a new draft; version 1 stays approved and unchanged.
      const edited = await saveContentVersion(
        deps,
        'user:author',
        id,
        post('{{ customer.surname }}，限时活动'),
      );
      expect(edited).toMatchObject({ ok: true, value: { version: 2, status: 'draft' } });
      expect(await reviewContent(deps, 'user:author', id, 1, { action: 'submit' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      const versions = await contentVersions(store.db, id);
      expect(versions!.map((v) => [v.version, v.status])).toEqual([
        [2, 'draft'],
        [1, 'approved'],
      ]);
      expect(versions![1]!.draft.variants.sms!.text).toBe(
        '{{ customer.surname }}{{ customer.salutation }}，新品上线',
      );
      expect((await listContent(store.db))[0]).toMatchObject({ id, latestVersion: 2, approvedVersion: 1 });

      const audit = await store.db
        .selectFrom('audit_log')
        .select(['actor', 'action'])
        .where('entity_type', '=', 'content')
        .where('entity_id', '=', String(id))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual([
        'user:author content.create',
        'user:author content.submit',
        'user:checker content.approve',
        'user:author content.update',
      ]);
    });

    it('the store itself refuses an approval by the author', async () => {
      const created = await createContent(deps, 'user:a', post('你好'));
      if (!created.ok) throw new Error(created.error.message);
      await expect(
        store.db
          .updateTable('content_versions')
          .set({ status: 'approved', decided_by: 'user:a' })
          .where('content_id', '=', created.value.contentId)
          .execute(),
      ).rejects.toThrow(/check/);
    });
  });
}
