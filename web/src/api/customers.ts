import { request } from '../api.ts';
import type { Bilingual, TagCategory } from './tags.ts';

export interface PortraitTag {
  readonly key: string;
  readonly name: Bilingual;
  readonly category: TagCategory;
  readonly value: string;
  readonly label: Bilingual;
}

export interface Portrait {
  readonly customerNo: string;
  readonly customerId: number;
  readonly asOf: string | null;
  readonly elapsedMs: number;
  readonly tags: readonly PortraitTag[];
}

/** The profile part of GET /v1/customers/:customerNo (personal fields masked), as far as Customer 360 shows it. */
export interface CustomerProfile {
  readonly customerNo: string;
  readonly pii: {
    name: string | null;
    phone: string | null;
    email: string | null;
    birth_date: string | null;
  };
  readonly gender: 'M' | 'F' | 'U' | null;
  readonly city: string | null;
  readonly occupation: string | null;
  readonly orgUnit: { id: string; name: string } | null;
  readonly riskLevel: number | null;
  readonly customerSince: string | null;
  readonly aum: number;
  readonly tier: string | null;
  readonly owner: { managerId: string; name: string } | null;
  readonly holdings: readonly { productName: string; category: string; balance: number; status: string }[];
}

export const customersApi = {
  profile: (customerNo: string, signal?: AbortSignal) =>
    request<CustomerProfile>('GET', `/v1/customers/${encodeURIComponent(customerNo)}`, undefined, signal),
  portrait: (customerNo: string, signal?: AbortSignal) =>
    request<Portrait>('GET', `/v1/customers/${encodeURIComponent(customerNo)}/portrait`, undefined, signal),
};
