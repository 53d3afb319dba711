import { client, ok } from './client.ts';
import { every, type Answer } from './types.ts';

// A customer's 360 profile and tag portrait (src/api/routes/customers.ts, pool-customers.ts).

export type Portrait = Answer<'get', '/v1/customers/{customerNo}/portrait'>;
export type PortraitTag = Portrait['tags'][number];

/** GET /v1/customers/:customerNo: the 360 profile, personal fields masked unless listed in `revealed`. */
export type CustomerProfile = Answer<'get', '/v1/customers/{customerNo}'>;
export type PiiField = keyof CustomerProfile['pii'];
export const PII_FIELDS = every<PiiField>()(['name', 'phone', 'id_number', 'email', 'birth_date']);

export const customersApi = {
  /** `reveal` asks for fields in clear, with the reason: needs customers.reveal_pii, and the server audits it. */
  profile: (customerNo: string, signal?: AbortSignal, reveal: readonly PiiField[] = [], reason?: string) =>
    ok(
      client.GET('/v1/customers/{customerNo}', {
        params: { path: { customerNo }, query: { reveal: reveal.join(','), reason } },
        signal,
      }),
    ),
  portrait: (customerNo: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/customers/{customerNo}/portrait', { params: { path: { customerNo } }, signal })),
};
