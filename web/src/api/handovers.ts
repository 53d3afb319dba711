import { request } from '../api.ts';
import { qs } from './pool.ts';

// One-click handover (src/api/routes/pool-handovers.ts): preview, run, follow, cancel.

export type Split = 'even' | 'aum' | 'mapping';
export type ItemStatus = 'pending' | 'moved' | 'refused' | 'skipped';

export interface HandoverRequest {
  fromManagerId: string;
  takerIds?: string[];
  split: Split;
  mapping?: Record<string, string>;
  reason?: string | null;
}

export interface HandoverPreview {
  readonly kind: 'departed' | 'in_service';
  readonly fromManager: { id: string; name: string; status: 'active' | 'departed' };
  readonly split: Split;
  readonly total: number;
  readonly totalAum: number;
  readonly takers: readonly {
    takerId: string;
    name: string;
    poolSize: number;
    capacity: number;
    planned: number;
    plannedAum: number;
    willMove: number;
    willMoveAum: number;
    refused: number;
  }[];
  readonly foreseen: { moved: number; refused: number; skipped: number; byReason: Record<string, number> };
  readonly refusals: readonly { customerNo: string; takerId: string; reason: string }[];
}

export interface HandoverJob {
  readonly id: number;
  readonly kind: 'departed' | 'in_service';
  readonly fromManagerId: string;
  readonly takerIds: readonly string[];
  readonly split: Split;
  readonly reason: string | null;
  readonly status: 'running' | 'done' | 'cancelled';
  readonly total: number;
  readonly moved: number;
  readonly refused: number;
  readonly skipped: number;
  readonly pending: number;
  readonly tasksMoved: number;
  readonly chunks: number;
  readonly lastError: string | null;
  readonly createdBy: string;
  readonly createdAt: string | null;
  readonly finishedAt: string | null;
}

export interface HandoverDetail {
  readonly job: HandoverJob & {
    takers: readonly {
      takerId: string;
      planned: number;
      moved: number;
      movedAum: number;
      refused: number;
      skipped: number;
    }[];
  };
  readonly items: {
    total: number;
    limit: number;
    offset: number;
    items: readonly {
      seq: number;
      customerNo: string;
      name: string | null;
      aum: number;
      takerId: string;
      status: ItemStatus;
      reason: string | null;
      processedAt: string | null;
      handoverStatus: string | null;
    }[];
  };
}

export const handoversApi = {
  preview: (body: HandoverRequest) => request<HandoverPreview>('POST', '/v1/handovers/preview', body),
  run: (body: HandoverRequest) =>
    request<{ job: HandoverJob; preview: HandoverPreview }>('POST', '/v1/handovers', body),
  list: (signal?: AbortSignal) =>
    request<{ jobs: HandoverJob[] }>('GET', '/v1/handovers?limit=100', undefined, signal).then((r) => r.jobs),
  get: (id: number, query: { status?: ItemStatus; limit: number; offset: number }, signal?: AbortSignal) =>
    request<HandoverDetail>('GET', `/v1/handovers/${id}${qs(query)}`, undefined, signal),
  cancel: (id: number) => request<HandoverJob>('POST', `/v1/handovers/${id}/cancel`),
};
