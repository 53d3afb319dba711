import { z } from 'zod';
import { text } from '../../shared/text.ts';

// The content library's vocabulary: five content types (product, event, media, category, brand), one variant of a
// content item per way of reaching the customer, each a Liquid template over the variables in variables.ts.

export const CONTENT_TYPES = ['product', 'event', 'media', 'category', 'brand'] as const;
/** What a content item is about: a product, an event or activity, a media piece, a product category, the brand. */
export type ContentType = (typeof CONTENT_TYPES)[number];

export const MEDIA_KINDS = ['article', 'video', 'poster'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** The variants a content item carries, one per way a message reaches a customer. */
export const VARIANT_KINDS = ['sms', 'email', 'app_push', 'wecom', 'manager_script'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

const template = (max: number) => text().min(1).max(max);
const url = text()
  .max(2000)
  .regex(/^https:\/\/[^\s]+$/, 'an https:// address');

export const variantsSchema = z
  .object({
    sms: z.object({ text: template(500) }).strict(),
    email: z.object({ subject: template(200), html: template(100_000) }).strict(),
    app_push: z.object({ title: template(100), body: template(500) }).strict(),
    wecom: z
      .object({
        text: template(2000),
        card: z
          .object({
            title: template(128),
            description: template(512).optional(),
            url,
            picUrl: url.optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    manager_script: z.object({ text: template(2000) }).strict(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one channel variant');
/** The per-channel templates of one content version. */
export type Variants = z.infer<typeof variantsSchema>;

export const contentDraftSchema = z
  .object({
    type: z.enum(CONTENT_TYPES),
    mediaKind: z.enum(MEDIA_KINDS).optional(),
    title: text().min(1).max(200),
    productId: text().min(1).max(64).optional(),
    variants: variantsSchema,
  })
  .strict()
  .superRefine((draft, ctx) => {
    if (draft.type === 'media' && draft.mediaKind === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['mediaKind'],
        message: 'media content is an article, video or poster',
      });
    if (draft.type !== 'media' && draft.mediaKind !== undefined)
      ctx.addIssue({ code: 'custom', path: ['mediaKind'], message: 'only media content has a media kind' });
    if (draft.type === 'product' && draft.productId === undefined)
      ctx.addIssue({ code: 'custom', path: ['productId'], message: 'product content names its product' });
  });
/** A content item's editable body: what an author saves as a new version. */
export type ContentDraft = z.infer<typeof contentDraftSchema>;

/** Every template text of a draft with its path, e.g. ['variants', 'email', 'html']. */
export function templateTexts(variants: Variants): { path: (string | number)[]; text: string }[] {
  const out: { path: (string | number)[]; text: string }[] = [];
  for (const [kind, variant] of Object.entries(variants)) {
    for (const [field, value] of Object.entries(variant ?? {})) {
      if (typeof value === 'string') out.push({ path: ['variants', kind, field], text: value });
      else if (value && typeof value === 'object')
        for (const [inner, innerValue] of Object.entries(value))
          if (typeof innerValue === 'string')
            out.push({ path: ['variants', kind, field, inner], text: innerValue });
    }
  }
  return out;
}
