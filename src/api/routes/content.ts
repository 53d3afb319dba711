import { z } from 'zod';
import {
  checkDraft,
  contentVersions,
  createContent,
  listContent,
  reviewContent,
  saveContentVersion,
  sensitiveWords,
} from '../../campaigns/content/library.ts';
import { previewContent } from '../../campaigns/content/preview.ts';
import { productChoices, setProductRole } from '../../campaigns/content/products.ts';
import { contentItem, sensitiveWordsAreDefault, templateVariables } from '../../campaigns/content/read.ts';
import { saveSensitiveWords } from '../../campaigns/content/words.ts';
import { reviewStep, type ReviewStep } from '../../campaigns/review.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './content-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/content: the content library — items and versions, maker-checker review, the editor's variables and rendered
 * preview, the bank's sensitive words; the products content is about and their roles. Bank-wide (admins and
 * analysts); writing needs content.write, deciding content.approve (never on one's own version), the word list
 * policy.manage, a product's role products.write.
 */
export function registerContentRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };

  api.get(
    '/v1/content',
    {
      schema: {
        tags: ['content'],
        summary: 'The content library, newest first',
        querystring: s.contentList,
        response: { 200: z.object({ items: z.array(s.contentItem) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { type, includeArchived } = req.query;
      return {
        items: await listContent(db, {
          ...(type ? { type } : {}),
          includeArchived: includeArchived === 'true',
        }),
      };
    },
  );

  api.post(
    '/v1/content',
    {
      schema: {
        tags: ['content'],
        summary: 'Create a content item with its first version (a draft); template and word problems located',
        body: s.contentDraft,
        response: { 201: s.contentVersion, ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'content.write');
      return reply.code(201).send(unwrap(await createContent(deps, who.actor, req.body)));
    },
  );

  api.get(
    '/v1/content/variables',
    {
      schema: {
        tags: ['content'],
        summary: 'The variables a template may use: customer, manager, product, link, bank fields and tags',
        response: { 200: s.variables, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return templateVariables(db);
    },
  );

  api.get(
    '/v1/content/products',
    {
      schema: {
        tags: ['content'],
        summary: 'The products a product post may be about',
        response: { 200: s.products, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { products: await productChoices(db) };
    },
  );

  api.patch(
    '/v1/products/:id',
    {
      schema: {
        tags: ['content'],
        summary:
          "Set a product's role (traffic, hot-selling, main-profit; null clears it), audited old and new",
        params: s.productId,
        body: s.productRoleInput,
        response: { 200: s.product, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'products.write');
      return unwrap(await setProductRole(deps, who.actor, req.params.id, req.body.role));
    },
  );

  api.post(
    '/v1/content/preview',
    {
      schema: {
        tags: ['content'],
        summary: "A draft's variants rendered for a real customer (masked); problems located as when saving",
        body: s.previewInput,
        response: { 200: s.previewAnswer, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const draft = unwrap(await checkDraft(db, req.body.draft));
      let customerId: number | undefined;
      if (req.body.customerNo !== undefined) {
        const row = await db
          .selectFrom('customers')
          .select('id')
          .where('customer_no', '=', req.body.customerNo)
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `no customer ${req.body.customerNo}`);
        customerId = row.id;
      }
      const preview = await previewContent(db, draft, customerId);
      if (!preview) throw new AppError('not_found', 'the bank has no customer to preview with');
      return preview;
    },
  );

  api.get(
    '/v1/content/sensitive-words',
    {
      schema: {
        tags: ['content'],
        summary: 'Words financial marketing may not use (checked when content is saved)',
        response: { 200: s.sensitiveWords, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const [words, isDefault] = await Promise.all([sensitiveWords(db), sensitiveWordsAreDefault(db)]);
      return { words, isDefault };
    },
  );

  api.put(
    '/v1/content/sensitive-words',
    {
      schema: {
        tags: ['content'],
        summary: "Replace the bank's sensitive words (audited: what was added and removed)",
        body: s.sensitiveWordsInput,
        response: { 200: s.sensitiveWords, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'policy.manage');
      return { words: await saveSensitiveWords(deps, who.actor, req.body.words), isDefault: false };
    },
  );

  api.get(
    '/v1/content/:id',
    {
      schema: {
        tags: ['content'],
        summary: 'A content item with every version, newest first',
        params: s.contentId,
        response: { 200: s.contentDetail, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const item = await contentItem(db, req.params.id);
      if (!item) throw new AppError('not_found', `no content ${req.params.id}`);
      return { item, versions: (await contentVersions(db, req.params.id)) ?? [] };
    },
  );

  api.put(
    '/v1/content/:id',
    {
      schema: {
        tags: ['content'],
        summary: 'Save a new version (approved versions stay frozen); the type of an item stays',
        params: s.contentId,
        body: s.contentDraft,
        response: { 200: s.contentVersion, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'content.write');
      return unwrap(await saveContentVersion(deps, who.actor, req.params.id, req.body));
    },
  );

  const review = (
    action: ReviewStep['action'],
    permission: 'content.write' | 'content.approve',
    summary: string,
  ) =>
    api.post(
      `/v1/content/:id/versions/:version/${action}`,
      {
        schema: {
          tags: ['content'],
          summary,
          params: s.contentVersionId,
          body: s.decision,
          response: { 200: s.contentVersion, ...errors },
        },
      },
      async (req) => {
        const who = await wholeBank(req, ctx, permission);
        const step = reviewStep(action, req.body?.note);
        return unwrap(await reviewContent(deps, who.actor, req.params.id, req.params.version, step));
      },
    );
  review('submit', 'content.write', 'Submit a draft (or rejected) version for approval');
  review(
    'approve',
    'content.approve',
    'Approve a submitted version (not your own): it is frozen and may be sent',
  );
  review('reject', 'content.approve', 'Reject a submitted version (not your own), with a note');
}
