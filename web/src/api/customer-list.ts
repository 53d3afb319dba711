import { client, ok, withQuery } from './client.ts';
import { type Answer, type Body, type Query } from './types.ts';

// The customers list (issue #12, src/api/routes/pool-customers.ts): one filter of query strings for the page, the
// export and the bulk actions, so the server acts on exactly the filter the user sees.

export type CustomerListQuery = Query<'get', '/v1/customers'>;
/** The filter part of the list's query (what bulk actions take as `target.filter`). */
export type CustomerFilter = Omit<CustomerListQuery, 'sort' | 'order' | 'limit' | 'offset'>;
export type CustomerSort = NonNullable<CustomerListQuery['sort']>;
export type CustomerListPage = Answer<'get', '/v1/customers'>;
export type CustomerRow = CustomerListPage['items'][number];
export type BulkBody = Body<'post', '/v1/customers/bulk'>;
export type BulkAction = BulkBody['action'];
export type BulkOutcome = Answer<'post', '/v1/customers/bulk'>;

export const customerListApi = {
  page: (query: CustomerListQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/customers', { params: { query }, signal })),
  bulk: (body: BulkBody) => ok(client.POST('/v1/customers/bulk', { body })),
  /** The export link: a plain GET the session cookie authenticates (audited by the server). */
  exportUrl: (filter: CustomerFilter, sort: CustomerSort, order: 'asc' | 'desc') =>
    withQuery('/v1/customers/export', { ...filter, sort, order }),
};
