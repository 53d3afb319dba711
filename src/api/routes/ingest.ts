import { z } from 'zod';
import { EventNameRegistry } from '../../dictionary/registry.ts';
import { IdentityCache, ingestEvents, upsertProfiles } from '../../ingest/api.ts';
import { EventWriter } from '../../ingest/event-writer.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, requirePermission, type RouteContext, type ZodApi } from '../http.ts';

const itemResult = z.object({
  index: z.number().int(),
  status: z.enum(['accepted', 'rejected', 'duplicate']),
  reason: z.string().optional(),
});
const batchResult = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  duplicate: z.number().int(),
  results: z.array(itemResult),
});

// Items are validated one by one in the domain (eventItemSchema, profileItemSchema), so that a bad item is rejected
// alone; the body schema fixes only the envelope, and its description documents the items.
const eventItems = z
  .array(z.unknown())
  .describe(
    'each item: { event_id, distinct_id, event, time (ms epoch or ISO 8601), properties? (object) }; other fields reject the item',
  );
const profileItems = z
  .array(z.unknown())
  .describe(
    'each item: { customer_no, set: { <customer field>: value } }; attributes (object) merge into the stored ones',
  );

/** Refuses a batch above the configured size with 413, before any item is looked at. */
function checkBatchSize(count: number, max: number, what: string): void {
  if (count > max) {
    throw new AppError(
      'payload_too_large',
      `batch of ${count} ${what} exceeds the limit of ${max} per request (FLYWHEEL_EVENTS_MAX_BATCH); split it`,
      {
        count,
        max,
      },
    );
  }
}

/** POST /v1/events and POST /v1/profiles: partner and app SDK ingestion, item by item, idempotent by id. */
export function registerIngestRoutes(api: ZodApi, ctx: RouteContext): void {
  // Per app: a cache lifetime is operational time, not the domain clock.
  const identities = new IdentityCache();
  const writer = new EventWriter(ctx.stores.events);
  const eventNames = new EventNameRegistry(ctx.stores.operational.db);
  api.post(
    '/v1/events',
    {
      schema: {
        tags: ['ingest'],
        summary:
          'Send behaviour events (a JSON array, or { events: [...] }); an event_id counts once, and a re-send within the last million ids is answered duplicate',
        body: z.union([eventItems, z.object({ events: eventItems })]),
        response: { 200: batchResult, 400: errorBody, 401: errorBody, 403: errorBody, 413: errorBody },
      },
      // The domain builds the answer to the schema already; re-validating 1,000 verdicts per batch with zod cost a
      // measurable share of the ingest path's CPU, so this route only serialises (the schema still documents it).
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (req) => {
      requirePermission(req, 'ingest.write');
      const items = Array.isArray(req.body) ? req.body : req.body.events;
      checkBatchSize(items.length, ctx.config.eventsMaxBatch, 'events');
      return ingestEvents(items, {
        db: ctx.stores.operational.db,
        identities,
        writer,
        calendar: ctx.clock,
        eventNames,
      });
    },
  );

  api.post(
    '/v1/profiles',
    {
      schema: {
        tags: ['ingest'],
        summary:
          'Create or update customer profiles by customer_no: { profiles: [{ customer_no, set: { field: value } }] }',
        body: z.object({ profiles: profileItems }),
        response: {
          200: batchResult.extend({
            created: z.number().int(),
            updated: z.number().int(),
            unchanged: z.number().int(),
          }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
          413: errorBody,
        },
      },
    },
    async (req) => {
      const principal = requirePermission(req, 'ingest.write');
      checkBatchSize(req.body.profiles.length, ctx.config.eventsMaxBatch, 'profiles');
      return upsertProfiles(req.body.profiles, { db: ctx.stores.operational.db }, principal.actor);
    },
  );
}
