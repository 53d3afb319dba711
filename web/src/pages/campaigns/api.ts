import { client, ok } from '../../api/client.ts';
import { every, type Answer, type Body, type Query } from '../../api/types.ts';

// The Campaigns area's endpoints (src/api/routes/content.ts, contact-policy.ts, campaigns.ts, campaign-runs.ts), typed
// by the server's OpenAPI document.

export type ContentItem = Answer<'get', '/v1/content'>['items'][number];
export type ContentVersion = Answer<'get', '/v1/content/{id}'>['versions'][number];
export type ContentDraft = Body<'post', '/v1/content'>;
export type ContentType = ContentDraft['type'];
export type Variants = ContentDraft['variants'];
export type VariantKind = keyof Variants;
export type ContentPreview = Answer<'post', '/v1/content/preview'>;
export type Variables = Answer<'get', '/v1/content/variables'>;
export type Product = Answer<'get', '/v1/content/products'>['products'][number];
export type Policy = Answer<'get', '/v1/contact-policy'>['policy'];
export type DoNotContact = Answer<'get', '/v1/contact-policy/do-not-contact'>['items'][number];
export type Channel = Answer<'get', '/v1/channels'>['channels'][number];
export type Campaign = Answer<'get', '/v1/campaigns'>['campaigns'][number];
export type CampaignDraft = Body<'post', '/v1/campaigns'>;
export type CampaignVersion = Answer<'get', '/v1/campaigns/{id}'>['versions'][number];
export type Waterfall = Answer<'post', '/v1/campaigns/preview'>;
export type Run = Answer<'get', '/v1/campaigns/{id}/runs'>['runs'][number];
export type OutboxPage = Answer<'get', '/v1/campaigns/{id}/outbox'>;
export type Schedule = CampaignDraft['schedule'];
export type Results = Answer<'get', '/v1/campaigns/{id}/results'>;
export type Population = CampaignDraft['population'];
/** A service notice about holdings (src/pool/reminders.ts HOLDING_REMINDER_KINDS, checked against the API's). */
export type Reminder = NonNullable<CampaignDraft['reminder']>;
export const HOLDING_REMINDER_KINDS = every<Reminder['kind']>()([
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
]);
export type ProductRole = NonNullable<Body<'patch', '/v1/products/{id}'>['role']>;
export type ByProductRole = Answer<'get', '/v1/campaign-results/by-product-role'>;
type Review = 'submit' | 'approve' | 'reject';
const id = (n: number) => ({ path: { id: n } });
const version = (n: number, v: number) => ({ path: { id: n, version: v } });

export const contentApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/content', { signal })).then((r) => r.items),
  get: (n: number, signal?: AbortSignal) => ok(client.GET('/v1/content/{id}', { params: id(n), signal })),
  create: (draft: ContentDraft) => ok(client.POST('/v1/content', { body: draft })),
  save: (n: number, draft: ContentDraft) =>
    ok(client.PUT('/v1/content/{id}', { params: id(n), body: draft })),
  review: (n: number, v: number, action: Review, note?: string) => {
    const body = note ? { note } : {};
    const params = version(n, v);
    if (action === 'submit')
      return ok(client.POST('/v1/content/{id}/versions/{version}/submit', { params, body }));
    if (action === 'approve')
      return ok(client.POST('/v1/content/{id}/versions/{version}/approve', { params, body }));
    return ok(client.POST('/v1/content/{id}/versions/{version}/reject', { params, body }));
  },
  preview: (draft: ContentDraft, customerNo: string | undefined, signal?: AbortSignal) =>
    ok(
      client.POST('/v1/content/preview', { body: { draft, ...(customerNo ? { customerNo } : {}) }, signal }),
    ),
  variables: (signal?: AbortSignal) => ok(client.GET('/v1/content/variables', { signal })),
  products: (signal?: AbortSignal) =>
    ok(client.GET('/v1/content/products', { signal })).then((r) => r.products),
  setProductRole: (productId: string, role: ProductRole | null) =>
    ok(client.PATCH('/v1/products/{id}', { params: { path: { id: productId } }, body: { role } })),
  words: (signal?: AbortSignal) => ok(client.GET('/v1/content/sensitive-words', { signal })),
  saveWords: (words: string[]) => ok(client.PUT('/v1/content/sensitive-words', { body: { words } })),
};

export const policyApi = {
  get: (signal?: AbortSignal) => ok(client.GET('/v1/contact-policy', { signal })),
  save: (policy: Policy) => ok(client.PUT('/v1/contact-policy', { body: policy })),
  doNotContact: (query: Query<'get', '/v1/contact-policy/do-not-contact'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/contact-policy/do-not-contact', { params: { query }, signal })),
  block: (customerNo: string, reason: string) =>
    ok(client.POST('/v1/contact-policy/do-not-contact', { body: { customerNo, reason } })),
  unblock: (customerNo: string) =>
    ok(client.DELETE('/v1/contact-policy/do-not-contact/{customerNo}', { params: { path: { customerNo } } })),
  channels: (signal?: AbortSignal) => ok(client.GET('/v1/channels', { signal })).then((r) => r.channels),
};

export const campaignsApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/campaigns', { signal })).then((r) => r.campaigns),
  get: (n: number, signal?: AbortSignal) => ok(client.GET('/v1/campaigns/{id}', { params: id(n), signal })),
  create: (draft: CampaignDraft) => ok(client.POST('/v1/campaigns', { body: draft })),
  save: (n: number, draft: CampaignDraft) =>
    ok(client.PUT('/v1/campaigns/{id}', { params: id(n), body: draft })),
  preview: (draft: CampaignDraft, campaignId?: number, signal?: AbortSignal) =>
    ok(
      client.POST('/v1/campaigns/preview', {
        body: draft,
        params: { query: campaignId === undefined ? {} : { campaignId } },
        signal,
      }),
    ),
  review: (n: number, v: number, action: Review, note?: string) => {
    const body = note ? { note } : {};
    const params = version(n, v);
    if (action === 'submit')
      return ok(client.POST('/v1/campaigns/{id}/versions/{version}/submit', { params, body }));
    if (action === 'approve')
      return ok(client.POST('/v1/campaigns/{id}/versions/{version}/approve', { params, body }));
    return ok(client.POST('/v1/campaigns/{id}/versions/{version}/reject', { params, body }));
  },
  control: (n: number, action: 'pause' | 'resume' | 'cancel') => {
    if (action === 'pause') return ok(client.POST('/v1/campaigns/{id}/pause', { params: id(n) }));
    if (action === 'resume') return ok(client.POST('/v1/campaigns/{id}/resume', { params: id(n) }));
    return ok(client.POST('/v1/campaigns/{id}/cancel', { params: id(n) }));
  },
  runs: (n: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/campaigns/{id}/runs', { params: id(n), signal })).then((r) => r.runs),
  outbox: (n: number, query: Query<'get', '/v1/campaigns/{id}/outbox'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/campaigns/{id}/outbox', { params: { ...id(n), query }, signal })),
  results: (n: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/campaigns/{id}/results', { params: { ...id(n), query: {} }, signal })),
  byProductRole: (signal?: AbortSignal) =>
    ok(client.GET('/v1/campaign-results/by-product-role', { params: { query: {} }, signal })),
  /** The CSV export's address (a plain link: the session cookie authenticates it). */
  resultsCsvUrl: (n: number, run: number, lang: string) =>
    `/v1/campaigns/${n}/results.csv?run=${run}&lang=${lang === 'zh-CN' ? 'zh' : 'en'}`,
};
