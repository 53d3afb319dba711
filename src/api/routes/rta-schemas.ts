import { z } from 'zod';
import { StrategyInput } from '../../rta/model.ts';

// Request and response shapes of the RTA routes (rta.ts): strategies, their versions, the counters and the decision log.

export const strategyBody = StrategyInput;
export const strategyEdit = StrategyInput.omit({ id: true });
export const strategyParams = z.object({ id: z.string().min(1).max(64) });

const stored = {
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAt: z.string(),
};
export const strategy = StrategyInput.extend(stored);
export const strategyList = z.object({ strategies: z.array(strategy) });
export const strategyWithVersions = strategy.extend({
  versions: z.array(
    z.object({
      version: z.number().int(),
      definition: StrategyInput,
      status: z.enum(['active', 'paused']),
      change: z.enum(['create', 'update', 'pause', 'resume']),
      changedBy: z.string(),
      changedAt: z.string(),
    }),
  ),
});

const figures = {
  requests: z.number(),
  matches: z.number(),
  matchRate: z.number().nullable(),
  errors: z.number(),
};
export const metricsQuery = z.object({ minutes: z.coerce.number().int().min(1).max(10_080).default(60) });
export const metrics = z.object({
  from: z.string(),
  until: z.string(),
  totals: z.object({
    ...figures,
    latency: z.object({
      p50: z.number().nullable(),
      p95: z.number().nullable(),
      p99: z.number().nullable(),
      boundsUs: z.array(z.number()).readonly(),
      buckets: z.array(z.number()).readonly(),
    }),
  }),
  test: z.object(figures),
  strategies: z.array(z.object({ id: z.string(), ...figures })).readonly(),
  perMinute: z
    .array(z.object({ minute: z.string(), requests: z.number(), matches: z.number(), errors: z.number() }))
    .readonly()
    .describe('real traffic per minute of the window, oldest first; minutes without traffic left out'),
});

export const decisionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const decisions = z.object({
  decisions: z.array(
    z.object({
      time: z.number().describe('epoch ms'),
      devicePrefix: z.string().describe("the device md5's first 8 hex digits"),
      strategies: z.array(z.string()).readonly(),
      latencyUs: z.number(),
      code: z.number(),
      test: z.boolean(),
    }),
  ),
});
