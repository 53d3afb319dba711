import { z } from 'zod';
import { CONTENT_TYPES, contentDraftSchema, VARIANT_KINDS } from '../../campaigns/content/model.ts';
import { ProductRole } from '../../contracts/product.ts';
import { text } from '../../shared/text.ts';
import { rowId } from '../http.ts';

// Request and response shapes of the content library routes (content.ts). A draft is the domain's own schema
// (src/campaigns/content/model.ts); what the domain checks beyond it (templates, variables, sensitive words) comes
// back as 400 validation_failed whose `details` list each problem (`ValidationIssue`, src/contracts/common.ts):
// `{ path, message, line, column, code }`, path a JSON pointer such as "/variants/sms/text".

export const contentId = z.object({ id: rowId });
export const contentVersionId = z.object({ id: rowId, version: rowId });

export const contentDraft = contentDraftSchema;

const status = z.enum(['draft', 'pending', 'approved', 'rejected']);

export const contentItem = z.object({
  id: z.number().int(),
  type: z.enum(CONTENT_TYPES),
  title: z.string(),
  productId: z.string().nullable(),
  latestVersion: z.number().int(),
  approvedVersion: z.number().int().nullable(),
  archived: z.boolean(),
  createdBy: z.string(),
  updatedAt: z.string(),
});

export const contentVersion = z.object({
  contentId: z.number().int(),
  version: z.number().int(),
  status,
  draft: contentDraftSchema,
  author: z.string(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});

export const contentList = z.object({
  type: z.enum(CONTENT_TYPES).optional(),
  includeArchived: z.enum(['true', 'false']).optional(),
});

export const contentDetail = z.object({ item: contentItem, versions: z.array(contentVersion) });

export const decision = z.object({ note: text().max(1000).optional() }).nullish();

const customerNo = text()
  .min(1)
  .max(64)
  .describe("a customer's number; the bank's first customer when left out");

export const previewInput = z.object({ draft: contentDraftSchema, customerNo: customerNo.optional() });

export const previewAnswer = z.object({
  customer: z.object({ customerNo: z.string(), name: z.string().nullable(), tier: z.string().nullable() }),
  variants: z.array(
    z.object({
      variant: z.enum(VARIANT_KINDS),
      fields: z.record(z.string(), z.string()),
      to: z.string().nullable().describe('the address on that touchpoint, masked'),
    }),
  ),
});

export const sensitiveWords = z.object({
  words: z.array(z.string()),
  isDefault: z.boolean().describe('the shipped defaults: the bank has not edited its list yet'),
});

export const sensitiveWordsInput = z.object({
  words: z
    .array(text().min(1).max(64))
    .min(1, 'keep at least one word: an empty list would switch the check off')
    .max(2000),
});

export const variables = z.object({
  fields: z.record(z.string(), z.array(z.string())).describe('root → fields, e.g. customer → name, tier'),
  tags: z.array(z.object({ key: z.string(), name: z.object({ en: z.string(), zh: z.string() }) })),
});

export const product = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  role: ProductRole.nullable().describe('the product role; null when not classified'),
});

export const products = z.object({ products: z.array(product) });

export const productId = z.object({ id: text().min(1).max(64).describe("a product's id") });

export const productRoleInput = z.object({
  role: ProductRole.nullable().describe('the new role; null clears it'),
});
