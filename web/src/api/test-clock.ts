import { client, ok } from './client.ts';
import type { Body } from './types.ts';

// The trial installation's test clock (src/api/routes/test-clock.ts): read by every page that shows it.

export const testClockApi = {
  get: (signal?: AbortSignal) => ok(client.GET('/v1/test-clock', { signal })),
  advance: (by: Body<'post', '/v1/test-clock/advance'>) =>
    ok(client.POST('/v1/test-clock/advance', { body: by })),
};
