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

export const customersApi = {
  portrait: (customerNo: string, signal?: AbortSignal) =>
    request<Portrait>('GET', `/v1/customers/${encodeURIComponent(customerNo)}/portrait`, undefined, signal),
};
