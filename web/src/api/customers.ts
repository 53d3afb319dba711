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

export const PII_FIELDS = ['name', 'phone', 'id_number', 'email', 'birth_date'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/** GET /v1/customers/:customerNo: the 360 profile, personal fields masked unless listed in `revealed`. */
export interface CustomerProfile {
  readonly customerNo: string;
  readonly pii: Readonly<Record<PiiField, string | null>>;
  readonly revealed: readonly string[];
  readonly gender: 'M' | 'F' | 'U' | null;
  readonly city: string | null;
  readonly occupation: string | null;
  readonly orgUnit: { id: string; name: string } | null;
  readonly riskLevel: number | null;
  readonly customerSince: string | null;
  readonly aum: number;
  readonly tier: string | null;
  readonly payroll: boolean;
  readonly appUser: boolean;
  readonly wecomFriend: boolean;
  readonly lifecycleStage: string | null;
  readonly engagement: string | null;
  readonly owner: {
    managerId: string;
    name: string;
    since: string | null;
    source: string;
    handoverStatus: string | null;
  } | null;
  readonly assistants: readonly { staffId: string; name: string }[];
  readonly holdings: readonly {
    accountNo: string;
    productId: string;
    productName: string;
    category: string;
    balance: number;
    openedOn: string;
    maturityDate: string | null;
    nextDueDate: string | null;
    status: 'active' | 'closed';
  }[];
  readonly consents: readonly { channel: string; status: 'granted' | 'revoked'; updatedAt: string | null }[];
  readonly openTasks: number;
  readonly openReminders: readonly { id: number; kind: string; dueOn: string }[];
  readonly lastContactAt: string | null;
  readonly ownershipHistory: readonly {
    kind: string;
    from: string | null;
    to: string | null;
    reason: string | null;
    jobId: number | null;
    at: string | null;
  }[];
}

export const customersApi = {
  /** `reveal` asks for fields in clear: needs customers.reveal_pii, and the server audits it. */
  profile: (customerNo: string, signal?: AbortSignal, reveal: readonly PiiField[] = []) =>
    request<CustomerProfile>(
      'GET',
      `/v1/customers/${encodeURIComponent(customerNo)}${reveal.length ? `?reveal=${reveal.join(',')}` : ''}`,
      undefined,
      signal,
    ),
  portrait: (customerNo: string, signal?: AbortSignal) =>
    request<Portrait>('GET', `/v1/customers/${encodeURIComponent(customerNo)}/portrait`, undefined, signal),
};
