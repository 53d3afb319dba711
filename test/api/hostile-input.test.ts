import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { TagService } from '../../src/tags/service.ts';
import { POOL_AS_OF, poolAppEngines, type PoolApp } from '../support/pool-app.ts';
import { addChannel } from '../support/campaign-fixture.ts';
import { WAIT_JOURNEY } from '../support/journey-fixture.ts';
import {
  hostileRequests,
  type HostileKind,
  type HostileRequest,
  type Knowns,
  type Operation,
} from '../support/hostile.ts';

// Issue #9, item 2: any HTTP input, however hostile, gets a 4xx with a located reason — never a 5xx, never a hang.
// Every route and method of the OpenAPI document gets, one input at a time, the values test/support/hostile.ts
// derives from its schema (NUL bytes, broken encodings, impossible days, huge and negative numbers, wrong types,
// 10,000-level nesting, invalid JSON), as an administrator (whose permissions reach the code behind validation) and
// anonymously. The base request around each hostile value uses ids that exist, so the value meets real code.

/** A refusal taking longer than this is a hang. */
const SLOW_MS = 5_000;
/** Given up on after this. */
const HANG_MS = 20_000;

/** Content item 1 (approved) and campaign 1 exist: hostile values in the other inputs reach the code behind them. */
const BRAND_POST = {
  type: 'brand',
  title: 'Brand',
  variants: { sms: { text: '{{ customer.surname }}您好' } },
};
const CAMPAIGN = {
  name: 'Hostile',
  purpose: 'marketing',
  population: { rule: { tag: 'aum_tier', in: ['gold'] } },
  content: { id: 1, version: 1 },
  channels: ['outbox'],
  schedule: { kind: 'now' },
  controlPercent: 10,
};

/** Campaign 1's OGSM plan (saved in the setup, so a review has a strategy to score). */
const OGSM_PLAN = {
  objective: 'Hostile',
  goals: [{ id: 'g1', metric: 'conversions', target: 10, windowDays: 7 }],
  strategies: [{ id: 's1', text: 'SMS' }],
  measures: ['reached'],
};

/** Activity 1, open around the app's clock (2026-11-23T10:00Z), with customer C000000001 on it. */
const ACTIVITY = {
  name: 'Hostile',
  scene: { mode: 'offline', frequency: 'low', aim: 'engagement' },
  startsAt: '2026-11-23T17:00:00+08:00',
  endsAt: '2026-11-23T19:00:00+08:00',
  capacity: 10,
  staff: [{ staffId: 'AM1', role: 'host' }],
};
const ACTIVITY_INVITATION = {
  population: { rule: { tag: 'aum_tier', in: ['gold'] } },
  content: { id: 1, version: 1 },
  channels: ['outbox'],
};

const KNOWNS: Knowns = {
  day: POOL_AS_OF,
  pathParams: {
    '/v1/segments/{id}': 'saved',
    '/v1/tags/{key}': 'vip',
    '/v1/customers/{customerNo}': 'C000000001',
    '/v1/staff/{id}': 'AM1',
    '/v1/analytics/experiments/{id}': 'exp',
    '/v1/ogsm/{kind}': 'campaign',
    '/v1/activities/{id}/invitees/{customerNo}': 'C000000001',
  },
  fields: {
    customerNo: 'C000000001',
    customer_no: 'C000000001',
    managerId: 'AM1',
    fromManagerId: 'AM2',
    staffId: 'AM1',
    assigneeId: 'AM1',
    orgUnitId: 'SB-A1',
    rule: { tag: 'aum_tier', in: ['gold'] },
    outcome: { attr: 'gender', op: '=', value: 'F' },
    treatment: { rule: { tag: 'aum_tier', in: ['gold'] } },
    control: { rule: { tag: 'aum_tier', in: ['mass'] } },
    event: 'app_open',
    metric: 'customers',
  },
  bodies: {
    'POST /v1/tags': manualTag('hostile'),
    'PUT /v1/tags/{key}': manualTag('vip'),
    'POST /v1/analytics/experiments': experiment('exp2'),
    'POST /v1/content': BRAND_POST,
    'PUT /v1/content/{id}': BRAND_POST,
    'POST /v1/content/preview': { draft: BRAND_POST, customerNo: 'C000000001' },
    'POST /v1/campaigns': CAMPAIGN,
    'PUT /v1/campaigns/{id}': CAMPAIGN,
    'POST /v1/campaigns/preview': CAMPAIGN,
    'PUT /v1/contact-policy': DEFAULT_CONTACT_POLICY,
    'PUT /v1/content/sensitive-words': { words: ['保本'] },
    'POST /v1/journeys': { name: 'Hostile', body: WAIT_JOURNEY },
    'PUT /v1/journeys/{id}': { body: WAIT_JOURNEY },
    'POST /v1/journeys/check': { body: WAIT_JOURNEY },
    'POST /v1/journeys/{id}/migration-preview': { fromVersionId: 1, mapping: { wait: 'wait' } },
    'POST /v1/journeys/{id}/publish': { migrate: { fromVersionId: 1, mapping: { wait: 'wait' } } },
    'PUT /v1/ogsm/{kind}/{id}': OGSM_PLAN,
    'POST /v1/ogsm/{kind}/{id}/review': { scores: [{ id: 's1', score: 3 }], lesson: 'Lesson' },
    'POST /v1/activities': ACTIVITY,
    'PUT /v1/activities/{id}': ACTIVITY,
    'POST /v1/activities/{id}/invitations': ACTIVITY_INVITATION,
    'POST /v1/activities/{id}/check-in': { token: 'x' },
    'POST /v1/activities/{id}/attendance': {
      csv: 'customer_no,checked_in_at\nC000000002,2026-11-23 18:00\n',
    },
    'POST /v1/activities/{id}/leads': { name: 'Lead', phone: '13800000000', capturedBy: 'AM1' },
    'POST /v1/activities/{id}/follow-ups': { who: ['attendees'], dueDays: 3 },
    'POST /a/{token}': { answer: 'yes' },
  },
};

/** A manual tag's definition. */
function manualTag(key: string) {
  return {
    key,
    name_en: 'VIP',
    name_zh: '贵宾',
    category: 'custom',
    kind: 'manual',
    spec: { values: [{ value: 'vip', label: { en: 'VIP', zh: '贵宾' } }] },
  };
}

/** An experiment upload (CSV text and its mapping). */
function experiment(id: string) {
  return {
    csv: 'unit,arm,converted\nu1,A,1\nu2,A,0\nu3,B,1\nu4,B,1\n',
    mapping: {
      experiment: { id, name: id, control: 'A', metrics: { converted: 'binary' } },
      columns: { unit_key: 'unit', arm: 'arm', 'metrics.converted': 'converted' },
    },
  };
}

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
}

for (const engine of await poolAppEngines()) {
  describe(`hostile input on every route (${engine.name})`, () => {
    let app: PoolApp;
    let doc: { paths: Record<string, Record<string, Operation>> };
    let adminKey: string;

    // The engines differ only in how their drivers take values, so PostgreSQL gets the text and day values; the
    // numbers, types, nesting and JSON syntax are refused before any store, identically.
    const kinds = new Set<HostileKind>(
      engine.name === 'PGlite' ? ['text', 'day', 'number', 'type', 'nesting', 'json'] : ['text', 'day'],
    );

    /** Sends one request; one that never answers is reported (it goes on in the background), not waited for. */
    const send = async (who: 'admin' | 'anonymous', r: HostileRequest): Promise<Answer> => {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<Answer>((resolve) => {
        timer = setTimeout(() => resolve({ status: 0, ms: HANG_MS, text: 'no answer' }), HANG_MS);
      });
      try {
        return await Promise.race([inject(who, r), hang]);
      } finally {
        clearTimeout(timer);
      }
    };
    const inject = async (who: 'admin' | 'anonymous', r: HostileRequest): Promise<Answer> => {
      const started = performance.now();
      const raw = r.contentType !== undefined;
      const res = await app.t.app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: {
          ...(who === 'admin' ? { authorization: `Bearer ${adminKey}` } : {}),
          ...(r.body === undefined ? {} : { 'content-type': r.contentType ?? 'application/json' }),
        },
        ...(r.body === undefined ? {} : { payload: raw ? (r.body as string) : jsonText(r.body) }),
      });
      return { status: res.statusCode, ms: performance.now() - started, text: res.body };
    };

    beforeAll(async () => {
      app = await engine.open();
      adminKey = (await app.t.auth.createApiKey({ name: 'hostile', role: 'admin' }, 'test')).key;
      const admin = async (method: 'POST', url: string, body: unknown) => {
        const res = await app.call('admin', method, url, body);
        if (res.status >= 300) throw new Error(`setup ${method} ${url}: ${res.status} ${res.text}`);
      };
      // A tag snapshot, a manual tag, a saved and materialised segment, an experiment, reminders: the ids the base
      // requests name exist, so hostile values in the other inputs reach the code behind them.
      await new TagService({
        db: app.t.stores.operational.db,
        events: app.t.stores.events,
        clock: app.t.clock,
      }).ensureCatalogue('test');
      await admin('POST', '/v1/tags/compute', { asOf: POOL_AS_OF });
      await admin('POST', '/v1/tags', manualTag('vip'));
      await admin('POST', '/v1/segments', { id: 'saved', name: 'Saved', rule: KNOWNS.fields['rule'] });
      await admin('POST', '/v1/segments/saved/materialize', { asOf: POOL_AS_OF });
      await admin('POST', '/v1/analytics/experiments', experiment('exp'));
      await admin('POST', '/v1/reminders/generate', { asOf: POOL_AS_OF });
      await admin('POST', '/v1/events', [
        { event_id: 'e1', distinct_id: 'C000000001', event: 'app_open', time: `${POOL_AS_OF}T08:00:00Z` },
      ]);
      const db = app.t.stores.operational.db;
      const library = { db, clock: app.t.clock };
      await addChannel(db, app.t.clock, { key: 'outbox', kind: 'outbox' });
      await createContent(library, 'user:author', BRAND_POST);
      await reviewContent(library, 'user:author', 1, 1, { action: 'submit' });
      await reviewContent(library, 'user:checker', 1, 1, { action: 'approve' });
      await admin('POST', '/v1/campaigns', CAMPAIGN);
      // Journey 1, published, with a second version saved (a migration from version 1 has somewhere to go).
      await admin('POST', '/v1/journeys', { name: 'Hostile', body: WAIT_JOURNEY });
      await admin('POST', '/v1/journeys/1/publish', {});
      const revised = await app.t.app.inject({
        method: 'PUT',
        url: '/v1/journeys/1',
        headers: { authorization: `Bearer ${adminKey}` },
        payload: { body: WAIT_JOURNEY },
      });
      if (revised.statusCode !== 200) throw new Error(`setup PUT /v1/journeys/1: ${revised.body}`);
      const plan = await app.t.app.inject({
        method: 'PUT',
        url: '/v1/ogsm/campaign/1',
        headers: { authorization: `Bearer ${adminKey}` },
        payload: OGSM_PLAN,
      });
      if (plan.statusCode !== 200) throw new Error(`setup PUT /v1/ogsm/campaign/1: ${plan.body}`);
      // Activity 1: invited, customer C000000001 on it (a walk-in by the sheet), so its routes reach the domain.
      await admin('POST', '/v1/activities', ACTIVITY);
      await admin('POST', '/v1/activities/1/invitations', ACTIVITY_INVITATION);
      await admin('POST', '/v1/activities/1/attendance', {
        csv: 'customer_no,checked_in_at\nC000000001,2026-11-23 18:00\n',
      });
      doc = (await app.t.app.inject('/docs/json')).json();
    }, 120_000);
    afterAll(async () => app?.close());

    it('answers the cases of issue #9 with 400 naming the field and the reason', async () => {
      const expectRefused = async (
        method: 'GET' | 'POST',
        url: string,
        body: unknown,
        path: string,
        message: RegExp,
      ) => {
        const res = await send('admin', { kind: 'text', what: url, method, url, body });
        expect(res.status, `${method} ${url}`).toBe(400);
        const error = JSON.parse(res.text).error;
        expect(error.code, `${method} ${url}`).toBe('validation_failed');
        expect(error.details, `${method} ${url}`).toContainEqual({
          path,
          message: expect.stringMatching(message),
        });
      };
      const nul = /NUL character/;
      await expectRefused('GET', '/v1/customers?q=C0%00', undefined, '/q', nul);
      await expectRefused('GET', '/v1/customers/C000000001%00', undefined, '/customerNo', nul);
      await expectRefused('POST', '/v1/tasks', { customerNo: 'C000000001', title: 'a\u0000' }, '/title', nul);
      const interaction = { customerNo: 'C000000001', channel: 'call', direction: 'out', summary: 'b\u0000' };
      await expectRefused('POST', '/v1/interactions', interaction, '/summary', nul);
      await expectRefused(
        'POST',
        '/v1/staff',
        { id: 'S1', name: 'c\u0000', orgUnitId: 'HO', role: 'other' },
        '/name',
        nul,
      );
      await expectRefused(
        'GET',
        '/v1/overview?asOf=2026-02-30',
        undefined,
        '/asOf',
        /2026-02-30 is not a calendar day/,
      );
      await expectRefused('GET', '/v1/overview?asOf=0000-00-00', undefined, '/asOf', /not a calendar day/);
      await expectRefused(
        'GET',
        '/v1/overview?asOf=9999-12-31',
        undefined,
        '/asOf',
        /outside .* 1970-01-01 to 2149-06-06/,
      );
      await expectRefused(
        'POST',
        '/v1/users',
        { username: 'u-9', role: 'analyst', orgUnitId: 'NOPE' },
        '/orgUnitId',
        /no org unit NOPE/,
      );
      await expectRefused(
        'POST',
        '/v1/users',
        { username: 'u-9', role: 'analyst', staffId: 'NOPE' },
        '/staffId',
        /no staff member NOPE/,
      );
      await expectRefused(
        'POST',
        '/v1/api-keys',
        { name: 'k', role: 'analyst', orgUnitId: 'NOPE' },
        '/orgUnitId',
        /no org unit NOPE/,
      );
    });

    it('answers every hostile value on every route with a located 4xx (or a 2xx), never a 5xx or a hang', async () => {
      const failures: string[] = [];
      const counts = { sent: 0, routes: 0, passed: 0 };
      for (const [template, ops] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(ops)) {
          counts.routes++;
          const requests = hostileRequests(template, method, op, KNOWNS).filter((r) => kinds.has(r.kind));
          // Anonymous callers are refused before validation on most routes; the first few of each show it.
          const plan = [
            ...requests.map((r) => ['admin', r] as const),
            ...requests.slice(0, 3).map((r) => ['anonymous', r] as const),
          ];
          for (const [who, r] of plan) {
            counts.sent++;
            const answer = await send(who, r);
            const what = `${method.toUpperCase()} ${template} as ${who}, ${r.what}`;
            const seen = `${answer.status} in ${Math.round(answer.ms)} ms (${r.url.slice(0, 120)}) ${answer.text.slice(0, 160)}`;
            // A refusal must be quick; a value the schema accepts may do the route's real work (computing every
            // tag of the bank, say), which a loaded host stretches past SLOW_MS: only no answer at all is a hang then.
            const slow = answer.status >= 300 && answer.ms > SLOW_MS;
            if (answer.status >= 500 || answer.status === 0 || slow) failures.push(`${what}: ${seen}`);
            else if (answer.status >= 400 && !locatedError(answer.text))
              failures.push(`${what}: not the error shape: ${seen}`);
            else if (answer.status < 300) counts.passed++;
          }
        }
      console.info(`hostile input (${engine.name}): ${counts.sent} requests over ${counts.routes} routes`);
      expect(counts.routes).toBeGreaterThan(80);
      // The base requests are valid enough for a value the schema accepts to reach the domain and the stores.
      expect(counts.passed).toBeGreaterThan(engine.name === 'PGlite' ? 200 : 50);
      expect(failures).toEqual([]);
    }, 600_000);
  });
}

/** Whether a 4xx body is the API's error: `{ error: { code, message } }` with a message saying what is wrong. */
function locatedError(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return (
      typeof body.error?.code === 'string' &&
      typeof body.error.message === 'string' &&
      body.error.message !== ''
    );
  } catch {
    return false;
  }
}

/** JSON text of a body, built without recursion so that 10,000-level nesting can be sent. */
function jsonText(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'symbol') parts.push(v.description!);
    else if (Array.isArray(v)) {
      parts.push('[');
      stack.push(Symbol(']'));
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i]);
        if (i > 0) stack.push(Symbol(','));
      }
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      parts.push('{');
      stack.push(Symbol('}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i]![1], Symbol(`${JSON.stringify(entries[i]![0])}:`));
        if (i > 0) stack.push(Symbol(','));
      }
    } else parts.push(v === undefined ? 'null' : JSON.stringify(v));
  }
  return parts.join('');
}
