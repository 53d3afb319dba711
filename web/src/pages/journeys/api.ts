import { client, ok } from '../../api/client.ts';
import type { Answer, Body } from '../../api/types.ts';
import type { JourneyBody, JourneyNode } from '../../../../src/journeys/model.ts';

// The Journeys area's endpoints (src/api/routes/journeys.ts, test-clock.ts), typed by the server's OpenAPI document;
// a journey's body is the server's own model (src/journeys/model.ts), imported as a type only.

export type { JourneyBody, JourneyNode };
export type NodeKind = JourneyNode['kind'];
export type Entry = JourneyBody['entry'];
export type JourneySummary = Answer<'get', '/v1/journeys'>['items'][number];
export type JourneyView = Answer<'get', '/v1/journeys/{id}'>;
export type JourneyProblem = Answer<'post', '/v1/journeys/check'>['problems'][number];
export type NodeCounts = Answer<'get', '/v1/journeys/{id}/counts'>;
export type JourneyResults = Answer<'get', '/v1/journeys/{id}/results'>;
export type MigrationPreview = Answer<'post', '/v1/journeys/{id}/migration-preview'>;
export type Migration = NonNullable<NonNullable<Body<'post', '/v1/journeys/{id}/publish'>>['migrate']>;
export type TestClock = Answer<'get', '/v1/test-clock'>;

const id = (n: number) => ({ path: { id: n } });
// The body as the server's model types it; the generated document types it structurally, which is the same JSON.
const asBody = (body: JourneyBody) => body as unknown as Body<'post', '/v1/journeys'>['body'];

export const journeysApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/journeys', { signal })).then((r) => r.items),
  get: (n: number, signal?: AbortSignal) => ok(client.GET('/v1/journeys/{id}', { params: id(n), signal })),
  check: (body: JourneyBody, signal?: AbortSignal) =>
    ok(client.POST('/v1/journeys/check', { body: { body: asBody(body) }, signal })).then((r) => r.problems),
  create: (name: string, body: JourneyBody) =>
    ok(client.POST('/v1/journeys', { body: { name, body: asBody(body) } })),
  revise: (n: number, name: string, body: JourneyBody) =>
    ok(client.PUT('/v1/journeys/{id}', { params: id(n), body: { name, body: asBody(body) } })),
  publish: (n: number, migrate?: Migration) =>
    ok(client.POST('/v1/journeys/{id}/publish', { params: id(n), body: migrate ? { migrate } : {} })),
  previewMigration: (n: number, migration: Migration) =>
    ok(client.POST('/v1/journeys/{id}/migration-preview', { params: id(n), body: migration })),
  pause: (n: number) => ok(client.POST('/v1/journeys/{id}/pause', { params: id(n) })),
  resume: (n: number) => ok(client.POST('/v1/journeys/{id}/resume', { params: id(n) })),
  stop: (n: number) => ok(client.POST('/v1/journeys/{id}/stop', { params: id(n) })),
  counts: (n: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/journeys/{id}/counts', { params: id(n), signal })),
  results: (n: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/journeys/{id}/results', { params: id(n), signal })),
};
