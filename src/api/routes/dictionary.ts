import { z } from 'zod';
import {
  DictionaryEntry,
  DictionaryEntryInput,
  DictionaryImportInput,
  DictionaryImportReport,
  DictionaryKey,
  DictionaryKind,
  DictionaryView,
} from '../../contracts/dictionary.ts';
import { dictionaryCsv, importDictionary } from '../../dictionary/csv.ts';
import { dictionaryVersion, listDictionary, saveEntry } from '../../dictionary/service.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, requirePermission, unwrap, type RouteContext, type ZodApi } from '../http.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/dictionary: the data dictionary — display names (zh-CN, en-US), descriptions and units of events, event
 * properties, customer attributes and tags. Every signed-in user reads it (the dashboard loads it once after sign-in
 * and revalidates by ETag); editing and importing need dictionary.write (admins), audited.
 */
export function registerDictionaryRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };
  const signedIn = (principal: unknown) => {
    if (!principal) throw new AppError('unauthenticated', 'sign in or send an API key');
  };

  api.get(
    '/v1/dictionary',
    {
      schema: {
        tags: ['dictionary'],
        summary:
          'Every dictionary entry with the version; answers 304 when If-None-Match carries the current ETag',
        response: { 200: DictionaryView, ...errors },
      },
    },
    async (req, reply) => {
      signedIn(req.principal);
      const etag = `"${await dictionaryVersion(db)}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send(undefined as never);
      return listDictionary(db);
    },
  );

  api.get(
    '/v1/dictionary/export',
    {
      schema: {
        tags: ['dictionary'],
        summary:
          'The dictionary as CSV (kind,key,name_zh,name_en,description_zh,description_en,unit), the import format',
        response: { 200: z.string().describe('text/csv'), ...errors },
      },
    },
    async (req, reply) => {
      signedIn(req.principal);
      const view = await listDictionary(db);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="data-dictionary.csv"')
        .send(`\uFEFF${dictionaryCsv(view.entries)}`);
    },
  );

  api.put(
    '/v1/dictionary/:kind/:key',
    {
      schema: {
        tags: ['dictionary'],
        summary:
          "Set an entry's display names, description and unit (clears needs-naming); audited before and after",
        params: z.object({ kind: DictionaryKind, key: DictionaryKey }),
        body: DictionaryEntryInput,
        response: { 200: DictionaryEntry, ...errors },
      },
    },
    async (req) => {
      const who = requirePermission(req, 'dictionary.write');
      return unwrap(await saveEntry(deps, who.actor, req.params.kind, req.params.key, req.body));
    },
  );

  api.post(
    '/v1/dictionary/import',
    {
      schema: {
        tags: ['dictionary'],
        summary:
          'Import entries from CSV: every row or none; bad rows answered (validation_failed) with row, line and field',
        body: DictionaryImportInput,
        response: { 200: DictionaryImportReport, ...errors },
      },
    },
    async (req) => {
      const who = requirePermission(req, 'dictionary.write');
      return unwrap(await importDictionary(deps, who.actor, req.body.csv, 'api'));
    },
  );
}
