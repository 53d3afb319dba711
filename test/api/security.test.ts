import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/service.ts';
import { campaignDeps } from '../../src/api/routes/campaigns.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { loadConfig } from '../../src/config/load.ts';
import { addChannel } from '../support/campaign-fixture.ts';
import { WAIT_JOURNEY } from '../support/journey-fixture.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { createApp } from '../../src/server/app.ts';
import type { Stores } from '../../src/store/stores.ts';
import { closeStores } from '../../src/server/stores.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import { migrate } from '../../src/store/operational/migrate.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import { TagService } from '../../src/tags/service.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { envelope, WECOM_TEST_ENV } from '../support/wecom-callbacks.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from '../support/password-cost.ts';

// Issue #4, security: every route of the OpenAPI document, called by every role (and anonymously), inside and
// outside the caller's scope. Out of scope answers 404 (existence never leaks), a forbidden action 403, no
// credentials 401; lists, counts, search and exports stay within the scope; and no response (JSON or CSV) carries a
// customer's raw personal data unless a role holding customers.reveal_pii asked for it explicitly (?reveal=).
//
// The expectation table below must name every route: a route added without an entry fails the suite, so each new
// route is classified here (and in src/pool/README.md, "Scope by route").

const AS_OF = '2026-11-23';
const PASSWORD = 'security-test-pw';

/** Who calls: nobody, or a signed-in user of each role (the branch head of branch A, account manager AM1). */
type Who = 'anonymous' | 'admin' | 'analyst' | 'bhA' | 'am1';
const WHO: readonly Who[] = ['anonymous', 'admin', 'analyst', 'bhA', 'am1'];
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The bank: head office, branch A (sub-branches A1, A2), branch B (B1). AM1 owns C1–C20 (A1), AM2 C21–C35 (A2),
 * AM3 C36–C45 (B1); C46–C50 (A1) have no owner; AM4 (A2) owns C51 and AM5 (B1) C52 (their handovers run for real).
 * Every third customer has an open task for its owner. So AM1 sees 20 customers, the branch head of A 41, the
 * analyst and the admin 52.
 */
const STAFF = [
  { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 100 },
  { id: 'AM2', orgUnitId: 'SB-A2', role: 'account_manager', capacity: 100 },
  { id: 'AM3', orgUnitId: 'SB-B1', role: 'account_manager', capacity: 100 },
  { id: 'AM4', orgUnitId: 'SB-A2', role: 'account_manager', capacity: 100 },
  { id: 'AM5', orgUnitId: 'SB-B1', role: 'account_manager', capacity: 100 },
  { id: 'BH-A', orgUnitId: 'BR-A', role: 'branch_head' },
  { id: 'TMP-DEL', orgUnitId: 'SB-A1', role: 'account_manager' },
] as const;
const POOLS = [
  { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 20 },
  { managerId: 'AM2', orgUnitId: 'SB-A2', customers: 15 },
  { managerId: 'AM3', orgUnitId: 'SB-B1', customers: 10 },
  { managerId: null, orgUnitId: 'SB-A1', customers: 5 },
  { managerId: 'AM4', orgUnitId: 'SB-A2', customers: 1 },
  { managerId: 'AM5', orgUnitId: 'SB-B1', customers: 1 },
] as const;
const SCOPE_SIZE: Record<Exclude<Who, 'anonymous'>, number> = { admin: 52, analyst: 52, bhA: 41, am1: 20 };

const no = (n: number) => `C${String(n).padStart(9, '0')}`;
/** C1: AM1's; C21: AM2's, in branch A (the branch head's, not AM1's); C36: AM3's, in branch B; C46: nobody's (A1). */
const MINE = no(1);
const BRANCH = no(21);
const OTHER_BRANCH = no(36);
const UNASSIGNED = no(46);

/** Known raw personal values, distinctive so that a leak cannot be a coincidence. */
const KNOWN_PII: Record<string, { name: string; phone: string; id_number: string; email: string }> = {
  [MINE]: {
    name: '欧阳明华',
    phone: '13911112222',
    id_number: '11010119800101123X',
    email: 'ouyang.minghua@example.cn',
  },
  [BRANCH]: {
    name: 'Jonathan Appleseed',
    phone: '13933334444',
    id_number: '310101199002023456',
    email: 'jonathan.appleseed@example.com',
  },
  [OTHER_BRANCH]: {
    name: '司马光辉',
    phone: '13955556666',
    id_number: '440301197503034567',
    email: 'sima.guanghui@example.org',
  },
  [UNASSIGNED]: {
    name: '诸葛明亮',
    phone: '13977778888',
    id_number: '510104198807076789',
    email: 'zhuge.mingliang@example.net',
  },
};

/** Ids the cases need, found after seeding. */
interface Fixture {
  task: (customerNo: string) => number;
  /** The `nth` reminder of customers numbered `from`–`to` (each role closes its own). */
  reminder: (from: number, to: number, nth?: number) => number;
  jobs: { branchA: number; branchB: number; branchBAdmin: number };
  rules: { a2: number; b1: number; b1Gold: number };
  /** A throwaway user the admin changes, and API keys: one the admin revokes, one the others may not. */
  accounts: { user: number; keyRevoked: number; keyKept: number };
  /** Content items and campaigns in the state each case needs (authored by the analyst, decided by the admin). */
  content: { approved: number; drafts: [number, number]; pending: [number, number] };
  campaigns: {
    approved: number;
    drafts: [number, number];
    pending: [number, number];
    toPause: [number, number];
    toResume: [number, number];
  };
  /** Journeys (created by the analyst): one live with a second version saved, and one each to pause, resume, stop. */
  journeys: {
    live: number;
    v1: number;
    toPause: [number, number];
    toResume: [number, number];
    toStop: [number, number];
  };
  /** Activities (created by the analyst): one open with invitees, one finished, one each to finish. */
  activities: { open: number; invitee: string; finished: number; toFinish: [number, number] };
  /** RTA strategies (created by the analyst): one to read and edit, and one each to pause and to resume. */
  rta: { strategy: string; toPause: [string, string]; toResume: [string, string] };
  /**
   * Saved reports and dashboards of the analyst: `shared` with branch heads, `private` to the analyst, and two each
   * to delete (the admin's and the analyst's own).
   */
  saved: Record<'reports' | 'dashboards', { shared: number; private: number; deletes: [number, number] }>;
}

/** One request of the table and what it must answer. */
interface Case {
  readonly as: Who;
  readonly url: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly status: number;
  /** The customer whose personal data this (permitted, explicit) reveal may show. */
  readonly reveals?: string;
  /** Sign in again for this request (logout ends the session it is sent with). */
  readonly freshSession?: boolean;
  readonly check?: (res: Res) => void;
}
interface Res {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
  body: any;
  contentType: string;
}

type Statuses = Record<Exclude<Who, 'anonymous'>, number> & { anonymous?: number };

/** The same request by every role: anonymous answers 401 unless given. */
function everyone(
  url: string,
  statuses: Statuses,
  body?: unknown | ((who: Who) => unknown),
  check?: Partial<Record<Who, (res: Res) => void>>,
): Case[] {
  return WHO.map((as) => {
    const b = typeof body === 'function' ? (body as (who: Who) => unknown)(as) : body;
    const c = check?.[as];
    return {
      as,
      url,
      status: as === 'anonymous' ? (statuses.anonymous ?? 401) : statuses[as],
      ...(b === undefined ? {} : { body: b }),
      ...(c ? { check: c } : {}),
    };
  });
}

/** A single-customer route: each role on a customer inside its scope, then on customers outside it (404). */
function perCustomer(path: (customerNo: string) => string, ok = 200, analyst = ok): Case[] {
  return [
    { as: 'anonymous', url: path(MINE), status: 401 },
    { as: 'admin', url: path(OTHER_BRANCH), status: ok },
    { as: 'analyst', url: path(OTHER_BRANCH), status: analyst },
    { as: 'bhA', url: path(BRANCH), status: ok },
    { as: 'bhA', url: path(OTHER_BRANCH), status: 404 },
    { as: 'am1', url: path(MINE), status: ok },
    { as: 'am1', url: path(BRANCH), status: 404 },
    { as: 'am1', url: path(UNASSIGNED), status: 404 },
    { as: 'am1', url: path('C999999999'), status: 404 },
  ];
}

/** Whole-bank figures: admin and analyst only; a branch head or account manager would see others' customers. */
const wholeBank = (url: string, body?: unknown | ((who: Who) => unknown), ok = 200) =>
  everyone(url, { admin: ok, analyst: ok, bhA: 403, am1: 403 }, body);
const adminOnly = (url: string, body?: unknown | ((who: Who) => unknown), ok = 200) =>
  everyone(url, { admin: ok, analyst: 403, bhA: 403, am1: 403 }, body);

const total = (n: number) => (res: Res) => expect(res.body.total).toBe(n);
const csvCustomerNumbersOnly = (res: Res) => {
  const lines = res.text.trim().split('\n');
  expect(lines[0]).toBe('customer_no');
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toMatch(/^C\d{9}$/);
};

const taskBody = (customerNo: string) => ({ customerNo, title: 'security check' });
// Acknowledged: some customers of this bank are on the do-not-contact list (the consent warning is tested elsewhere).
const interaction = (customerNo: string) => ({
  customerNo,
  channel: 'call',
  direction: 'out',
  summary: 'x',
  acknowledgedConsentWarning: true,
});
/** A retry of customer `n`'s refused WeCom transfer with another taker. */
const retryTo = (n: number, takerId: string) => ({ customerNo: no(n), takerId });
const TAKER: Record<string, string> = { AM1: 'AM2', AM2: 'AM1', AM3: 'AM5', AM4: 'AM2', AM5: 'AM3' };
const handover = (fromManagerId: string) => ({
  fromManagerId,
  takerIds: [TAKER[fromManagerId]!],
  split: 'even',
  reason: 'security test',
});
const segmentRule = { tag: 'aum_tier', in: ['gold', 'platinum', 'diamond'] };
const halfSample = { sample: { percent: 50, seed: 'security' } };
const reveal = 'reveal=name,phone,id_number,email,birth_date&reason=security%20check';
/** An experiment upload (JSON body: CSV text and mapping) creating experiment `id`. */
const experimentUpload = (id: string) => ({
  csv: 'unit,arm,converted\nu1,A,1\nu2,A,0\nu3,B,1\nu4,B,1\n',
  mapping: {
    experiment: { id, name: id, control: 'A', metrics: { converted: 'binary' } },
    columns: { unit_key: 'unit', arm: 'arm', 'metrics.converted': 'converted' },
  },
});

/** Every route of the API: `METHOD /path` as in the OpenAPI document → the requests to make and their answers. */
const ROUTES: Record<string, (f: Fixture) => Case[]> = {
  // Probes and sign-in: public.
  'GET /healthz': () =>
    everyone('/healthz', { anonymous: 200, admin: 200, analyst: 200, bhA: 200, am1: 200 }),
  'GET /readyz': () => everyone('/readyz', { anonymous: 200, admin: 200, analyst: 200, bhA: 200, am1: 200 }),
  'POST /v1/auth/login': () => [
    { as: 'anonymous', url: '/v1/auth/login', body: { username: 'am1', password: 'wrong-pw' }, status: 401 },
    ...(['admin', 'analyst', 'bhA', 'am1'] as const).map((as) => ({
      as,
      url: '/v1/auth/login',
      body: { username: as, password: PASSWORD },
      status: 200,
    })),
  ],
  'POST /v1/auth/logout': () =>
    WHO.map((as) => ({ as, url: '/v1/auth/logout', status: 204, freshSession: as !== 'anonymous' })),
  'GET /v1/auth/me': () => everyone('/v1/auth/me', { admin: 200, analyst: 200, bhA: 200, am1: 200 }),
  'POST /v1/users': () =>
    adminOnly(
      '/v1/users',
      (who: Who) => ({ username: `new-${who}`, role: 'analyst', password: PASSWORD }),
      201,
    ),
  'POST /v1/api-keys': () => adminOnly('/v1/api-keys', { name: 'k', role: 'analyst' }, 201),
  // Account administration and the audit log: admin only (users.manage, apikeys.manage, audit.read).
  'GET /v1/users': () => adminOnly('/v1/users'),
  'PATCH /v1/users/{id}': (f) => adminOnly(`/v1/users/${f.accounts.user}`, { displayName: 'Changed' }),
  'GET /v1/api-keys': () => adminOnly('/v1/api-keys'),
  'DELETE /v1/api-keys/{id}': (f) => [
    ...adminOnly(`/v1/api-keys/${f.accounts.keyKept}`).filter((c) => c.as !== 'admin'),
    { as: 'admin', url: `/v1/api-keys/${f.accounts.keyRevoked}`, status: 204 },
  ],
  'GET /v1/audit': () => adminOnly('/v1/audit?action=customer.'),
  'GET /v1/audit/export': () =>
    everyone('/v1/audit/export', { admin: 200, analyst: 403, bhA: 403, am1: 403 }, undefined, {
      admin: (res) =>
        expect(res.text.split('\n')[0]).toBe('id,at,actor,action,entity_type,entity_id,details'),
    }),
  // Every signed-in user may change their own password; a wrong current password is refused (400) after that.
  'POST /v1/auth/password': () =>
    everyone(
      '/v1/auth/password',
      { admin: 400, analyst: 400, bhA: 400, am1: 400 },
      { currentPassword: 'not-the-password', newPassword: 'a-new-password' },
    ),

  // Ingest: admin only (ingest.write).
  'POST /v1/events': () => adminOnly('/v1/events', []),

  // Provider callbacks: public (a session or API key counts for nothing) but signed with the channel's secret, so an
  // unsigned call is 401 whoever sends it; an unknown channel is 404 (test/campaigns/callbacks.test.ts signs them).
  'POST /v1/channels/{key}/callbacks': () => [
    ...everyone(
      '/v1/channels/sec_sms/callbacks',
      { anonymous: 401, admin: 401, analyst: 401, bhA: 401, am1: 401 },
      { idempotencyKey: 'k', status: 'delivered', at: `${AS_OF}T10:00:00Z` },
    ),
    { as: 'anonymous', url: '/v1/channels/nope/callbacks', body: [], status: 404 },
  ],
  // WeCom callbacks: public (a session counts for nothing) but signed with the callback token, so a call whose
  // signature does not verify is 401 whoever sends it (test/api/wecom-callbacks.test.ts signs them).
  'GET /v1/wecom/callback': () =>
    everyone(
      `/v1/wecom/callback?msg_signature=bad&timestamp=${Date.parse(`${AS_OF}T10:00:00Z`) / 1000}&nonce=n&echostr=abcd`,
      { anonymous: 401, admin: 401, analyst: 401, bhA: 401, am1: 401 },
    ),
  'POST /v1/wecom/callback': () =>
    everyone(
      `/v1/wecom/callback?msg_signature=bad&timestamp=${Date.parse(`${AS_OF}T10:00:00Z`) / 1000}&nonce=n`,
      { anonymous: 401, admin: 401, analyst: 401, bhA: 401, am1: 401 },
      envelope('abcd'),
    ).map((c) => ({ ...c, contentType: 'text/xml' })),
  // Tracked links: public; a token that does not verify is a 400 page for everyone (never a redirect).
  'GET /r/{token}': () =>
    everyone('/r/not-a-token', { anonymous: 400, admin: 400, analyst: 400, bhA: 400, am1: 400 }),
  'POST /v1/profiles': () => adminOnly('/v1/profiles', { profiles: [] }),

  // The installation's clock: everyone reads it; moving a test clock is an admin's (clock.advance), and this
  // installation runs on PostgreSQL-like settings with the test clock off, so the admin is told why (409).
  'GET /v1/test-clock': () => everyone('/v1/test-clock', { admin: 200, analyst: 200, bhA: 200, am1: 200 }),
  'POST /v1/test-clock/advance': () => adminOnly('/v1/test-clock/advance', { days: 1 }, 409),

  // Whole-bank figures: admin and analyst (whose rows stay masked); 403 for roles with a narrower scope.
  'GET /v1/overview': () => wholeBank('/v1/overview'),
  'GET /v1/segments/catalogue': () => wholeBank('/v1/segments/catalogue'),
  'POST /v1/segments/preview': () => wholeBank('/v1/segments/preview', { rule: segmentRule }),
  'GET /v1/segments': () => wholeBank('/v1/segments'),
  'POST /v1/segments': () =>
    wholeBank('/v1/segments', (who: Who) => ({ id: `new_${who}`, name: 'New', rule: segmentRule }), 201),
  'GET /v1/segments/{id}': () => wholeBank('/v1/segments/saved'),
  'PUT /v1/segments/{id}': () => wholeBank('/v1/segments/edit', { name: 'Edited', rule: segmentRule }),
  'DELETE /v1/segments/{id}': () => [
    ...wholeBank('/v1/segments/del_admin').filter((c) => c.as !== 'analyst'),
    { as: 'analyst', url: '/v1/segments/del_analyst', status: 200 },
  ],
  'GET /v1/segments/{id}/versions': () => wholeBank('/v1/segments/saved/versions'),
  'POST /v1/segments/{id}/materialize': () => wholeBank('/v1/segments/saved/materialize', {}),
  'POST /v1/segments/materialize': () => wholeBank('/v1/segments/materialize', {}),
  'GET /v1/segments/{id}/export': () =>
    everyone('/v1/segments/saved/export', { admin: 200, analyst: 200, bhA: 403, am1: 403 }, undefined, {
      admin: csvCustomerNumbersOnly,
      analyst: csvCustomerNumbersOnly,
    }),
  'GET /v1/segments/{id}/analysis': () => wholeBank('/v1/segments/saved/analysis'),
  // Experiments and lift: whole-bank reads; uploads and deletes change imported data (ingest.write: admin only).
  'GET /v1/analytics/experiments': () => wholeBank('/v1/analytics/experiments'),
  'GET /v1/analytics/experiments/{id}': () => wholeBank('/v1/analytics/experiments/sec_exp'),
  'GET /v1/analytics/experiments/{id}/lift': () => wholeBank('/v1/analytics/experiments/sec_exp/lift'),
  'POST /v1/analytics/experiments': () =>
    adminOnly('/v1/analytics/experiments', (who: Who) => experimentUpload(`up_${who}`), 201),
  'DELETE /v1/analytics/experiments/{id}': () =>
    adminOnly('/v1/analytics/experiments/sec_del', undefined, 204),
  'POST /v1/analytics/lift/groups': () =>
    wholeBank('/v1/analytics/lift/groups', {
      treatment: { rule: segmentRule },
      control: { rule: { not: segmentRule } },
      outcome: { attribute: 'aum' },
    }),
  'POST /v1/segments/analysis': () =>
    wholeBank('/v1/segments/analysis', { population: { rule: segmentRule } }),
  // Drivers (key factors): whole-bank figures; a 50% sample as the outcome varies in any group.
  'POST /v1/analytics/drivers': () => wholeBank('/v1/analytics/drivers', { outcome: halfSample }),
  // Lifecycle, concentration and trends: whole-bank figures; one snapshot day here, so a matrix is not enough data.
  'POST /v1/analytics/lifecycle/distribution': () => wholeBank('/v1/analytics/lifecycle/distribution', {}),
  'POST /v1/analytics/lifecycle/transitions': () => wholeBank('/v1/analytics/lifecycle/transitions', {}, 422),
  'POST /v1/analytics/lifecycle/time-in-stage': () =>
    wholeBank('/v1/analytics/lifecycle/time-in-stage', {}, 422),
  'POST /v1/analytics/lifecycle/aarrr': () => wholeBank('/v1/analytics/lifecycle/aarrr', {}),
  'POST /v1/analytics/concentration': () => wholeBank('/v1/analytics/concentration', {}),
  'POST /v1/analytics/trend': () =>
    wholeBank('/v1/analytics/trend', { metric: 'aum', breakdown: { by: 'tag', tag: 'aum_tier' } }),
  // Funnels, retention, churn: whole-bank figures. This bank has no events, so a funnel's step is refused (400) once
  // the permission check has passed; retention and churn answer "not enough data".
  'GET /v1/analytics/events': () => wholeBank('/v1/analytics/events'),
  'POST /v1/analytics/funnel': () =>
    wholeBank(
      '/v1/analytics/funnel',
      { steps: [{ event: 'a' }, { event: 'b' }], window: { days: 7 }, from: AS_OF, to: AS_OF },
      400,
    ),
  'POST /v1/analytics/retention': () =>
    wholeBank('/v1/analytics/retention', {
      start: { kind: 'any_event' },
      return: { kind: 'any_event' },
      period: 'week',
      periods: 4,
      from: AS_OF,
      to: AS_OF,
    }),
  'POST /v1/analytics/churn': () =>
    wholeBank('/v1/analytics/churn', {
      activity: { kind: 'transaction' },
      days: 30,
      period: 'month',
      from: AS_OF,
      to: AS_OF,
    }),
  'POST /v1/lists': () =>
    wholeBank(
      '/v1/lists',
      (who: Who) => ({ id: `list_${who}`, name: 'L', customerNos: [MINE, BRANCH] }),
      201,
    ),
  'GET /v1/lists': () => wholeBank('/v1/lists'),
  'GET /v1/tags': () => wholeBank('/v1/tags'),
  'GET /v1/tags/runs': () => wholeBank('/v1/tags/runs'),
  'GET /v1/tags/{key}': () => wholeBank('/v1/tags/aum_tier'),
  'GET /v1/tags/{key}/trend': () => wholeBank('/v1/tags/aum_tier/trend'),
  'POST /v1/tags': () => wholeBank('/v1/tags', (who: Who) => bucketTag(`new_${who.toLowerCase()}`)),
  'PUT /v1/tags/{key}': () => {
    const { key: _key, ...body } = bucketTag('edit_tag');
    return wholeBank('/v1/tags/edit_tag', body);
  },
  'DELETE /v1/tags/{key}': () => [
    ...wholeBank('/v1/tags/tmp_admin').filter((c) => c.as !== 'analyst'),
    { as: 'analyst', url: '/v1/tags/tmp_analyst', status: 200 },
  ],
  'POST /v1/tags/compute': () => wholeBank('/v1/tags/compute', { asOf: AS_OF, keys: ['aum_tier'] }),
  'POST /v1/tags/{key}/values': () =>
    wholeBank('/v1/tags/vip_sec/values', { rows: [{ customer_no: MINE, value: 'vip' }] }),
  // One customer's portrait: the pool's scope.
  'GET /v1/customers/{customerNo}/portrait': () => perCustomer((c) => `/v1/customers/${c}/portrait`),

  // The pool: scoped lists, counts, search and exports.
  'GET /v1/customers': () =>
    everyone('/v1/customers?limit=500', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      admin: total(SCOPE_SIZE.admin),
      analyst: total(SCOPE_SIZE.analyst),
      bhA: total(SCOPE_SIZE.bhA),
      am1: total(SCOPE_SIZE.am1),
    }),
  'GET /v1/customers/export': () =>
    [
      ...everyone('/v1/customers/export?sort=customer_no', { admin: 200, analyst: 403, bhA: 200, am1: 403 }),
    ].map((c) =>
      c.status === 200
        ? {
            ...c,
            check: (res: Res) =>
              expect(res.text.trim().split('\n')).toHaveLength(1 + SCOPE_SIZE[c.as as 'admin']),
          }
        : c,
    ),
  'GET /v1/customers/{customerNo}': () => [
    ...perCustomer((c) => `/v1/customers/${c}`),
    // Reveal: only with customers.reveal_pii, and still only inside the scope.
    { as: 'admin', url: `/v1/customers/${OTHER_BRANCH}?${reveal}`, status: 200, reveals: OTHER_BRANCH },
    { as: 'analyst', url: `/v1/customers/${OTHER_BRANCH}?reveal=phone&reason=check`, status: 403 },
    { as: 'analyst', url: `/v1/customers/${MINE}?reveal=name&reason=check`, status: 403 },
    { as: 'bhA', url: `/v1/customers/${BRANCH}?${reveal}`, status: 200, reveals: BRANCH },
    { as: 'bhA', url: `/v1/customers/${OTHER_BRANCH}?reveal=phone&reason=check`, status: 404 },
    { as: 'am1', url: `/v1/customers/${MINE}?${reveal}`, status: 200, reveals: MINE },
    { as: 'am1', url: `/v1/customers/${BRANCH}?reveal=phone&reason=check`, status: 404 },
    { as: 'anonymous', url: `/v1/customers/${MINE}?reveal=phone&reason=check`, status: 401 },
  ],
  'GET /v1/customers/{customerNo}/timeline': () => perCustomer((c) => `/v1/customers/${c}/timeline`),
  'POST /v1/customers/assign': () => [
    ...everyone(
      '/v1/customers/assign',
      { admin: 200, analyst: 403, bhA: 200, am1: 403 },
      { items: [{ customerNo: UNASSIGNED, managerId: null }] },
    ),
    {
      as: 'bhA',
      url: '/v1/customers/assign',
      body: { items: [{ customerNo: OTHER_BRANCH, managerId: 'AM1' }] },
      status: 200,
      check: (res) =>
        expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['not_found']),
    },
  ],
  'POST /v1/customers/bulk': () => [
    // Each action needs its single form's permission: assign pool.assign, task customers.write, list segments.manage.
    ...everyone(
      '/v1/customers/bulk',
      { admin: 200, analyst: 403, bhA: 200, am1: 403 },
      { target: { customerNos: [UNASSIGNED] }, action: { kind: 'assign', managerId: null } },
    ),
    ...everyone(
      '/v1/customers/bulk',
      { admin: 200, analyst: 403, bhA: 200, am1: 200 },
      { target: { customerNos: [MINE] }, action: { kind: 'task', title: 'security check' } },
    ),
    ...everyone(
      '/v1/customers/bulk',
      { admin: 200, analyst: 200, bhA: 403, am1: 403 },
      { target: { customerNos: [MINE] }, action: { kind: 'list', name: 'security check' } },
    ),
    {
      as: 'bhA',
      url: '/v1/customers/bulk',
      body: { target: { filter: { q: OTHER_BRANCH } }, action: { kind: 'assign', managerId: 'AM1' } },
      status: 200,
      check: (res) => expect(res.body).toMatchObject({ matched: 0, done: 0 }),
    },
    {
      as: 'am1',
      url: '/v1/customers/bulk',
      body: { target: { customerNos: [BRANCH] }, action: { kind: 'task', title: 'x' } },
      status: 200,
      check: (res) => expect(res.body.reasons).toEqual({ not_found: 1 }),
    },
  ],
  'GET /v1/pool/unassigned': () =>
    everyone('/v1/pool/unassigned', { admin: 200, analyst: 403, bhA: 200, am1: 403 }, undefined, {
      admin: total(5),
      bhA: total(5),
    }),
  'GET /v1/org/units': () =>
    everyone('/v1/org/units', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      bhA: (res) => expect(res.body.units.map((u: { id: string }) => u.id)).toEqual(['BR-A']),
      // The org structure (no figures) is not customer data: a manager sees the whole tree.
      am1: (res) => expect(res.body.units.map((u: { id: string }) => u.id)).toEqual(['HO']),
    }),
  'GET /v1/staff': () =>
    everyone('/v1/staff', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      bhA: (res) => {
        const ids = res.body.staff.map((s: { id: string }) => s.id);
        expect(ids).toEqual(expect.arrayContaining(['AM1', 'AM2', 'AM4', 'BH-A']));
        expect(ids).not.toContain('AM3');
        expect(ids).not.toContain('AM5');
      },
      am1: (res) => expect(res.body.staff.map((s: { id: string }) => s.id)).toEqual(['AM1']),
    }),
  'GET /v1/staff/{id}': () => [
    { as: 'anonymous', url: '/v1/staff/AM1', status: 401 },
    { as: 'admin', url: '/v1/staff/AM3', status: 200 },
    { as: 'analyst', url: '/v1/staff/AM3', status: 200 },
    { as: 'bhA', url: '/v1/staff/AM2', status: 200 },
    { as: 'bhA', url: '/v1/staff/AM3', status: 404 },
    { as: 'am1', url: '/v1/staff/AM1', status: 200 },
    { as: 'am1', url: '/v1/staff/AM2', status: 404 },
  ],
  'POST /v1/staff': () =>
    adminOnly(
      '/v1/staff',
      (who: Who) => ({ id: `NEW-${who}`, name: 'x', orgUnitId: 'SB-A1', role: 'account_manager' }),
      201,
    ),
  'PATCH /v1/staff/{id}': () => adminOnly('/v1/staff/AM4', { poolCapacity: 100 }),
  'DELETE /v1/staff/{id}': () => adminOnly('/v1/staff/TMP-DEL', undefined, 204),
  'GET /v1/pool/rules': () => everyone('/v1/pool/rules', { admin: 200, analyst: 403, bhA: 200, am1: 403 }),
  'POST /v1/pool/rules': () => [
    ...everyone('/v1/pool/rules', { admin: 200, analyst: 403, bhA: 200, am1: 403 }, (who: Who) => ({
      orgUnitId: 'SB-A1',
      tier: who === 'admin' ? 'platinum' : 'gold',
      managerIds: ['AM1'],
    })),
    { as: 'bhA', url: '/v1/pool/rules', body: { orgUnitId: 'SB-B1', managerIds: ['AM3'] }, status: 403 },
  ],
  'DELETE /v1/pool/rules/{id}': (f) => [
    { as: 'anonymous', url: `/v1/pool/rules/${f.rules.a2}`, status: 401 },
    { as: 'analyst', url: `/v1/pool/rules/${f.rules.a2}`, status: 403 },
    { as: 'am1', url: `/v1/pool/rules/${f.rules.a2}`, status: 403 },
    { as: 'bhA', url: `/v1/pool/rules/${f.rules.b1}`, status: 404 },
    { as: 'bhA', url: `/v1/pool/rules/${f.rules.a2}`, status: 204 },
    { as: 'admin', url: `/v1/pool/rules/${f.rules.b1Gold}`, status: 204 },
  ],

  // Handovers: admin and branch heads (handover.run), a branch head within the subtree.
  'POST /v1/handovers/preview': () => [
    { as: 'anonymous', url: '/v1/handovers/preview', body: handover('AM2'), status: 401 },
    { as: 'admin', url: '/v1/handovers/preview', body: handover('AM3'), status: 200 },
    { as: 'analyst', url: '/v1/handovers/preview', body: handover('AM2'), status: 403 },
    { as: 'bhA', url: '/v1/handovers/preview', body: handover('AM2'), status: 200 },
    { as: 'bhA', url: '/v1/handovers/preview', body: handover('AM3'), status: 403 },
    { as: 'am1', url: '/v1/handovers/preview', body: handover('AM1'), status: 403 },
  ],
  'POST /v1/handovers': () => [
    { as: 'anonymous', url: '/v1/handovers', body: handover('AM4'), status: 401 },
    { as: 'admin', url: '/v1/handovers', body: handover('AM5'), status: 201 },
    { as: 'analyst', url: '/v1/handovers', body: handover('AM4'), status: 403 },
    { as: 'bhA', url: '/v1/handovers', body: handover('AM3'), status: 403 },
    { as: 'bhA', url: '/v1/handovers', body: handover('AM4'), status: 201 },
    { as: 'am1', url: '/v1/handovers', body: handover('AM1'), status: 403 },
  ],
  'GET /v1/handovers': (f) =>
    everyone('/v1/handovers', { admin: 200, analyst: 403, bhA: 200, am1: 403 }, undefined, {
      bhA: (res) => {
        const ids = res.body.jobs.map((j: { id: number }) => j.id);
        expect(ids).toContain(f.jobs.branchA);
        expect(ids).not.toContain(f.jobs.branchB);
        expect(res.body.jobs.every((j: { fromManagerId: string }) => j.fromManagerId !== 'AM3')).toBe(true);
      },
    }),
  'GET /v1/handovers/{id}': (f) => [
    { as: 'anonymous', url: `/v1/handovers/${f.jobs.branchA}`, status: 401 },
    { as: 'admin', url: `/v1/handovers/${f.jobs.branchB}`, status: 200 },
    { as: 'analyst', url: `/v1/handovers/${f.jobs.branchA}`, status: 403 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}`, status: 200 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchB}`, status: 404 },
    { as: 'am1', url: `/v1/handovers/${f.jobs.branchA}`, status: 403 },
  ],
  'GET /v1/handovers/{id}/export': (f) => [
    { as: 'anonymous', url: `/v1/handovers/${f.jobs.branchA}/export`, status: 401 },
    { as: 'admin', url: `/v1/handovers/${f.jobs.branchB}/export`, status: 200 },
    { as: 'analyst', url: `/v1/handovers/${f.jobs.branchA}/export`, status: 403 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}/export?lang=zh-CN`, status: 200 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchB}/export`, status: 404 },
    { as: 'am1', url: `/v1/handovers/${f.jobs.branchA}/export`, status: 403 },
  ],
  // A handover's WeCom transfers: the branch head's and the admin's (handover.run), 404 outside the scope.
  // A full WeCom friend sync reads every manager: head office's admins (pool.manage, whole bank); WeCom's API is not
  // connected in this app (no secret), which the admin is told (409).
  'POST /v1/wecom/sync': () =>
    everyone('/v1/wecom/sync', { admin: 409, analyst: 403, bhA: 403, am1: 403 }, {}),
  // WeCom tags (publish, sync) act on every manager's friends: head office's admins only; not connected here (409),
  // while the state of published tags is readable (200, connected: false).
  'GET /v1/wecom/tags': () => everyone('/v1/wecom/tags', { admin: 200, analyst: 403, bhA: 403, am1: 403 }),
  'POST /v1/wecom/tags/publish': () =>
    everyone(
      '/v1/wecom/tags/publish',
      { admin: 409, analyst: 403, bhA: 403, am1: 403 },
      { tagKeys: ['gender'] },
    ),
  'POST /v1/wecom/tags/sync': () =>
    everyone('/v1/wecom/tags/sync', { admin: 409, analyst: 403, bhA: 403, am1: 403 }, {}),
  'GET /v1/handovers/{id}/wecom': (f) => [
    { as: 'anonymous', url: `/v1/handovers/${f.jobs.branchA}/wecom`, status: 401 },
    { as: 'admin', url: `/v1/handovers/${f.jobs.branchB}/wecom`, status: 200 },
    { as: 'analyst', url: `/v1/handovers/${f.jobs.branchA}/wecom`, status: 403 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}/wecom?state=refused`, status: 200 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchB}/wecom`, status: 404 },
    { as: 'am1', url: `/v1/handovers/${f.jobs.branchA}/wecom`, status: 403 },
  ],
  'POST /v1/handovers/{id}/wecom/retry': (f) => [
    {
      as: 'anonymous',
      url: `/v1/handovers/${f.jobs.branchA}/wecom/retry`,
      body: retryTo(22, 'AM4'),
      status: 401,
    },
    {
      as: 'analyst',
      url: `/v1/handovers/${f.jobs.branchA}/wecom/retry`,
      body: retryTo(22, 'AM4'),
      status: 403,
    },
    { as: 'am1', url: `/v1/handovers/${f.jobs.branchA}/wecom/retry`, body: retryTo(22, 'AM4'), status: 403 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchB}/wecom/retry`, body: retryTo(37, 'AM4'), status: 404 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}/wecom/retry`, body: retryTo(22, 'AM3'), status: 404 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}/wecom/retry`, body: retryTo(22, 'AM4'), status: 200 },
    {
      as: 'admin',
      url: `/v1/handovers/${f.jobs.branchB}/wecom/retry`,
      body: retryTo(37, 'AM1'),
      status: 200,
    },
  ],
  'POST /v1/handovers/{id}/cancel': (f) => [
    { as: 'anonymous', url: `/v1/handovers/${f.jobs.branchA}/cancel`, status: 401 },
    { as: 'analyst', url: `/v1/handovers/${f.jobs.branchA}/cancel`, status: 403 },
    { as: 'am1', url: `/v1/handovers/${f.jobs.branchA}/cancel`, status: 403 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchB}/cancel`, status: 404 },
    { as: 'bhA', url: `/v1/handovers/${f.jobs.branchA}/cancel`, status: 200 },
    { as: 'admin', url: `/v1/handovers/${f.jobs.branchBAdmin}/cancel`, status: 200 },
  ],

  // Work: interactions, coverage, workbench, tasks, reminders.
  'POST /v1/interactions': () => [
    { as: 'anonymous', url: '/v1/interactions', body: interaction(MINE), status: 401 },
    { as: 'admin', url: '/v1/interactions', body: interaction(OTHER_BRANCH), status: 201 },
    { as: 'analyst', url: '/v1/interactions', body: interaction(MINE), status: 403 },
    { as: 'bhA', url: '/v1/interactions', body: interaction(BRANCH), status: 201 },
    { as: 'bhA', url: '/v1/interactions', body: interaction(OTHER_BRANCH), status: 404 },
    { as: 'am1', url: '/v1/interactions', body: interaction(MINE), status: 201 },
    { as: 'am1', url: '/v1/interactions', body: interaction(BRANCH), status: 404 },
    {
      as: 'am1',
      url: '/v1/interactions',
      body: { items: [interaction(MINE), interaction(BRANCH)] },
      status: 200,
      check: (res) =>
        expect(
          res.body.results.map(
            (r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status,
          ),
        ).toEqual(['created', 'not_found']),
    },
  ],
  'GET /v1/pool/coverage': () =>
    everyone('/v1/pool/coverage', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      am1: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM[2-5]"/),
      bhA: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM[35]"/),
    }),
  // WeCom friendships: of the staff in the caller's scope, names masked; linking needs both ends in scope.
  'GET /v1/wecom/friends': () =>
    everyone('/v1/wecom/friends', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      admin: (res) => expect(res.body.total).toBe(3),
      am1: (res) => expect(res.body.items.map((i: { staffId: string }) => i.staffId)).toEqual(['AM1', 'AM1']),
      bhA: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM3"/),
    }),
  'POST /v1/wecom/friends/link': () => {
    const link = (staffId: string, externalUserid: string, customerNo: string) => ({
      staffId,
      externalUserid,
      customerNo,
    });
    return [
      { as: 'anonymous', url: '/v1/wecom/friends/link', body: link('AM1', 'wmMine', MINE), status: 401 },
      { as: 'analyst', url: '/v1/wecom/friends/link', body: link('AM1', 'wmMine', MINE), status: 403 },
      { as: 'am1', url: '/v1/wecom/friends/link', body: link('AM1', 'wmMine', BRANCH), status: 404 },
      { as: 'am1', url: '/v1/wecom/friends/link', body: link('AM3', 'wmOther', MINE), status: 404 },
      { as: 'am1', url: '/v1/wecom/friends/link', body: link('AM1', 'wmMine', MINE), status: 200 },
      { as: 'bhA', url: '/v1/wecom/friends/link', body: link('AM3', 'wmOther', OTHER_BRANCH), status: 404 },
      { as: 'bhA', url: '/v1/wecom/friends/link', body: link('AM1', 'wmMine2', BRANCH), status: 200 },
      { as: 'admin', url: '/v1/wecom/friends/link', body: link('AM3', 'wmOther', OTHER_BRANCH), status: 200 },
    ];
  },
  'GET /v1/wecom/coverage': () =>
    everyone('/v1/wecom/coverage', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      am1: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM[2-5]"/),
      bhA: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM[35]"/),
    }),
  'GET /v1/wecom/group-messages': () =>
    everyone('/v1/wecom/group-messages', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      admin: (res) => expect(res.body.total).toBe(2),
      am1: (res) => expect(res.body.items.map((m: { senderId: string }) => m.senderId)).toEqual(['AM1']),
      bhA: (res) => expect(JSON.stringify(res.body)).not.toMatch(/"AM[35]"/),
    }),
  'GET /v1/workbench/my-day': () => workbench('/v1/workbench/my-day'),
  'GET /v1/workbench/my-pool': () => [
    ...workbench('/v1/workbench/my-pool'),
    { as: 'am1', url: '/v1/workbench/my-pool?q=' + BRANCH, status: 200, check: total(0) },
  ],
  'GET /v1/workbench/kpis': () => [
    ...workbench('/v1/workbench/kpis'),
    // Without a staff id (the admin user has none): the KPIs of the whole scope.
    {
      as: 'admin',
      url: '/v1/workbench/kpis',
      status: 200,
      check: (res) => expect(res.body.customers).toBe(SCOPE_SIZE.admin),
    },
    // A branch head (linked to a staff id, owning no pool): the KPIs of their branch subtree.
    {
      as: 'bhA',
      url: '/v1/workbench/kpis',
      status: 200,
      check: (res) => expect(res.body.customers).toBe(SCOPE_SIZE.bhA),
    },
  ],
  'GET /v1/tasks': () =>
    everyone('/v1/tasks?limit=500', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      am1: (res) =>
        expect(res.body.items.every((t: { customerNo: string }) => t.customerNo <= no(20))).toBe(true),
      bhA: (res) =>
        expect(
          res.body.items.every(
            (t: { customerNo: string }) =>
              t.customerNo <= no(35) || (t.customerNo >= no(46) && t.customerNo <= no(51)),
          ),
        ).toBe(true),
    }),
  'GET /v1/tasks/{id}': (f) => [
    { as: 'anonymous', url: `/v1/tasks/${f.task(no(3))}`, status: 401 },
    { as: 'admin', url: `/v1/tasks/${f.task(no(36))}`, status: 200 },
    { as: 'analyst', url: `/v1/tasks/${f.task(no(36))}`, status: 200 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(21))}`, status: 200 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(36))}`, status: 404 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(3))}`, status: 200 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(21))}`, status: 404 },
  ],
  'POST /v1/tasks': () => [
    { as: 'anonymous', url: '/v1/tasks', body: taskBody(MINE), status: 401 },
    { as: 'admin', url: '/v1/tasks', body: taskBody(OTHER_BRANCH), status: 201 },
    { as: 'analyst', url: '/v1/tasks', body: taskBody(MINE), status: 403 },
    { as: 'bhA', url: '/v1/tasks', body: taskBody(BRANCH), status: 201 },
    { as: 'bhA', url: '/v1/tasks', body: taskBody(OTHER_BRANCH), status: 404 },
    { as: 'am1', url: '/v1/tasks', body: taskBody(MINE), status: 201 },
    { as: 'am1', url: '/v1/tasks', body: taskBody(BRANCH), status: 404 },
    { as: 'am1', url: '/v1/tasks', body: { ...taskBody(MINE), assigneeId: 'AM2' }, status: 403 },
  ],
  'PATCH /v1/tasks/{id}': (f) => [
    { as: 'anonymous', url: `/v1/tasks/${f.task(no(6))}`, body: { notes: 'n' }, status: 401 },
    { as: 'admin', url: `/v1/tasks/${f.task(no(39))}`, body: { notes: 'n' }, status: 200 },
    { as: 'analyst', url: `/v1/tasks/${f.task(no(6))}`, body: { notes: 'n' }, status: 403 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(24))}`, body: { notes: 'n' }, status: 200 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(39))}`, body: { notes: 'n' }, status: 404 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(6))}`, body: { notes: 'n' }, status: 200 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(24))}`, body: { notes: 'n' }, status: 404 },
  ],
  'DELETE /v1/tasks/{id}': (f) => [
    { as: 'anonymous', url: `/v1/tasks/${f.task(no(9))}`, status: 401 },
    { as: 'admin', url: `/v1/tasks/${f.task(no(42))}`, status: 200 },
    { as: 'analyst', url: `/v1/tasks/${f.task(no(9))}`, status: 403 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(45))}`, status: 404 },
    { as: 'bhA', url: `/v1/tasks/${f.task(no(27))}`, status: 200 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(30))}`, status: 404 },
    { as: 'am1', url: `/v1/tasks/${f.task(no(9))}`, status: 200 },
  ],
  'POST /v1/reminders/generate': () => adminOnly('/v1/reminders/generate', { asOf: AS_OF }),
  'PATCH /v1/reminders/{id}': (f) => [
    { as: 'anonymous', url: `/v1/reminders/${f.reminder(1, 20)}`, body: { status: 'done' }, status: 401 },
    { as: 'admin', url: `/v1/reminders/${f.reminder(36, 45)}`, body: { status: 'done' }, status: 200 },
    { as: 'analyst', url: `/v1/reminders/${f.reminder(1, 20)}`, body: { status: 'done' }, status: 403 },
    { as: 'bhA', url: `/v1/reminders/${f.reminder(36, 45, 1)}`, body: { status: 'done' }, status: 404 },
    { as: 'bhA', url: `/v1/reminders/${f.reminder(21, 35)}`, body: { status: 'done' }, status: 200 },
    { as: 'am1', url: `/v1/reminders/${f.reminder(21, 35, 1)}`, body: { status: 'done' }, status: 404 },
    {
      as: 'am1',
      url: `/v1/reminders/${f.reminder(1, 20)}`,
      body: { status: 'dismissed', reason: 'security test' },
      status: 200,
    },
  ],
  // Open reminders (nth 2 and on are never closed by the cases above): undo answers 409 once scope and permission pass.
  'POST /v1/reminders/{id}/undo': (f) => [
    { as: 'anonymous', url: `/v1/reminders/${f.reminder(1, 20, 2)}/undo`, status: 401 },
    { as: 'admin', url: `/v1/reminders/${f.reminder(36, 45, 2)}/undo`, status: 409 },
    { as: 'analyst', url: `/v1/reminders/${f.reminder(1, 20, 2)}/undo`, status: 403 },
    { as: 'bhA', url: `/v1/reminders/${f.reminder(36, 45, 2)}/undo`, status: 404 },
    { as: 'bhA', url: `/v1/reminders/${f.reminder(21, 35, 2)}/undo`, status: 409 },
    { as: 'am1', url: `/v1/reminders/${f.reminder(21, 35, 2)}/undo`, status: 404 },
    { as: 'am1', url: `/v1/reminders/${f.reminder(1, 20, 2)}/undo`, status: 409 },
  ],
  'GET /v1/reminders': () =>
    everyone('/v1/reminders', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      am1: (res) =>
        expect(res.body.items.every((r: { customerNo: string }) => r.customerNo <= no(20))).toBe(true),
      // Branch B's customers (C36–C45 and C52) are outside branch A.
      bhA: (res) =>
        expect(
          res.body.items.some(
            (r: { customerNo: string }) =>
              (r.customerNo >= no(36) && r.customerNo <= no(45)) || r.customerNo === no(52),
          ),
        ).toBe(false),
    }),

  // Content library and campaigns: bank-wide (admins and analysts); writing needs content.write / campaigns.write
  // (both), deciding content.approve / campaigns.approve (the admin, never on a version of their own), the word list
  // and policy policy.manage (admin).
  'GET /v1/content': () => wholeBank('/v1/content'),
  'POST /v1/content': () => wholeBank('/v1/content', brandPost, 201),
  'GET /v1/content/variables': () => wholeBank('/v1/content/variables'),
  'GET /v1/content/products': () => wholeBank('/v1/content/products'),
  // The data dictionary: every signed-in user reads it; editing and importing are admins' (dictionary.write).
  'GET /v1/dictionary': () =>
    everyone('/v1/dictionary', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      am1: (res) => expect(res.body.entries.length).toBeGreaterThan(10),
    }),
  'GET /v1/dictionary/export': () =>
    everyone('/v1/dictionary/export', { admin: 200, analyst: 200, bhA: 200, am1: 200 }, undefined, {
      bhA: (res) => expect(res.text).toContain('kind,key,name_zh,name_en'),
    }),
  'PUT /v1/dictionary/{kind}/{key}': () =>
    adminOnly('/v1/dictionary/event/app_open', { name: { zh: '打开应用', en: 'Opened the app' } }),
  'POST /v1/dictionary/import': () =>
    adminOnly('/v1/dictionary/import', { csv: 'kind,key,name_zh,name_en\nattribute,tier,等级,Tier\n' }),

  // Saved reports and dashboards: every role lists what is shared with it (customers.read); saving needs
  // analytics.read (not an account manager's); one not shared with the caller is 404 (an admin sees all); only the
  // owner or an admin changes or deletes one (403 to a role that sees it).
  ...savedRoutes('reports', (who) => ({
    name: `Report of ${who}`,
    kind: 'funnel',
    definition: REPORT_FUNNEL,
    sharedRoles: ['branch_head'],
  })),
  ...savedRoutes('dashboards', (who) => ({
    name: `Dashboard of ${who}`,
    sharedRoles: ['branch_head'],
    cards: [],
  })),
  // A product's role is head office's (products.write: admin).
  'PATCH /v1/products/{id}': () => adminOnly('/v1/products/TD-1Y', { role: 'traffic' }),
  'POST /v1/content/preview': () => wholeBank('/v1/content/preview', { draft: brandPost, customerNo: MINE }),
  'GET /v1/content/sensitive-words': () => wholeBank('/v1/content/sensitive-words'),
  'PUT /v1/content/sensitive-words': () =>
    adminOnly('/v1/content/sensitive-words', { words: ['保本', '稳赚'] }),
  'GET /v1/content/{id}': (f) => wholeBank(`/v1/content/${f.content.approved}`),
  'PUT /v1/content/{id}': (f) => wholeBank(`/v1/content/${f.content.approved}`, brandPost),
  'POST /v1/content/{id}/versions/{version}/submit': (f) =>
    byRole((who) => `/v1/content/${f.content.drafts[who === 'admin' ? 0 : 1]}/versions/1/submit`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/content/{id}/versions/{version}/approve': (f) =>
    adminOnly(`/v1/content/${f.content.pending[0]}/versions/1/approve`, {}),
  'POST /v1/content/{id}/versions/{version}/reject': (f) =>
    adminOnly(`/v1/content/${f.content.pending[1]}/versions/1/reject`, { note: 'no' }),
  'GET /v1/contact-policy': () => wholeBank('/v1/contact-policy'),
  'PUT /v1/contact-policy': () => adminOnly('/v1/contact-policy', DEFAULT_CONTACT_POLICY),
  'GET /v1/contact-policy/do-not-contact': () => adminOnly('/v1/contact-policy/do-not-contact'),
  'POST /v1/contact-policy/do-not-contact': () =>
    adminOnly('/v1/contact-policy/do-not-contact', { customerNo: MINE, reason: 'complaint' }, 204),
  'DELETE /v1/contact-policy/do-not-contact/{customerNo}': () =>
    adminOnly(`/v1/contact-policy/do-not-contact/${OTHER_BRANCH}`, undefined, 204),
  'GET /v1/channels': () => wholeBank('/v1/channels'),
  'GET /v1/campaigns': () => wholeBank('/v1/campaigns'),
  'POST /v1/campaigns': (f) => wholeBank('/v1/campaigns', campaignDraft(f.content.approved), 201),
  'POST /v1/campaigns/preview': (f) => wholeBank('/v1/campaigns/preview', campaignDraft(f.content.approved)),
  'GET /v1/campaigns/{id}': (f) => wholeBank(`/v1/campaigns/${f.campaigns.approved}`),
  'PUT /v1/campaigns/{id}': (f) =>
    wholeBank(`/v1/campaigns/${f.campaigns.approved}`, campaignDraft(f.content.approved)),
  'GET /v1/campaigns/{id}/runs': (f) => wholeBank(`/v1/campaigns/${f.campaigns.approved}/runs`),
  'GET /v1/campaigns/{id}/outbox': (f) => wholeBank(`/v1/campaigns/${f.campaigns.approved}/outbox`),
  'GET /v1/campaigns/{id}/results': (f) => wholeBank(`/v1/campaigns/${f.campaigns.approved}/results`),
  'GET /v1/campaigns/{id}/results.csv': (f) => wholeBank(`/v1/campaigns/${f.campaigns.approved}/results.csv`),
  'GET /v1/campaign-results/by-product-role': () => wholeBank('/v1/campaign-results/by-product-role'),
  'POST /v1/campaigns/{id}/versions/{version}/submit': (f) =>
    byRole((who) => `/v1/campaigns/${f.campaigns.drafts[who === 'admin' ? 0 : 1]}/versions/1/submit`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/campaigns/{id}/versions/{version}/approve': (f) =>
    adminOnly(`/v1/campaigns/${f.campaigns.pending[0]}/versions/1/approve`, {}),
  'POST /v1/campaigns/{id}/versions/{version}/reject': (f) =>
    adminOnly(`/v1/campaigns/${f.campaigns.pending[1]}/versions/1/reject`, {}),
  'POST /v1/campaigns/{id}/pause': (f) =>
    byRole((who) => `/v1/campaigns/${f.campaigns.toPause[who === 'admin' ? 0 : 1]}/pause`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/campaigns/{id}/resume': (f) =>
    byRole((who) => `/v1/campaigns/${f.campaigns.toResume[who === 'admin' ? 0 : 1]}/resume`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/campaigns/{id}/cancel': (f) =>
    byRole((who) => `/v1/campaigns/${f.campaigns.drafts[who === 'admin' ? 0 : 1]}/cancel`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  // Journeys: bank-wide like campaigns; editing, publishing and control need campaigns.write (admins and analysts).
  'GET /v1/journeys': () => wholeBank('/v1/journeys'),
  'POST /v1/journeys': () => wholeBank('/v1/journeys', { name: 'Security journey', body: WAIT_JOURNEY }, 201),
  'POST /v1/journeys/check': () => wholeBank('/v1/journeys/check', { body: WAIT_JOURNEY }),
  'GET /v1/journeys/{id}': (f) => wholeBank(`/v1/journeys/${f.journeys.live}`),
  'PUT /v1/journeys/{id}': (f) => wholeBank(`/v1/journeys/${f.journeys.live}`, { body: WAIT_JOURNEY }),
  'POST /v1/journeys/{id}/migration-preview': (f) =>
    wholeBank(`/v1/journeys/${f.journeys.live}/migration-preview`, {
      fromVersionId: f.journeys.v1,
      mapping: { wait: 'wait' },
    }),
  'POST /v1/journeys/{id}/publish': (f) => wholeBank(`/v1/journeys/${f.journeys.live}/publish`, {}),
  'POST /v1/journeys/{id}/pause': (f) =>
    byRole((who) => `/v1/journeys/${f.journeys.toPause[who === 'admin' ? 0 : 1]}/pause`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/journeys/{id}/resume': (f) =>
    byRole((who) => `/v1/journeys/${f.journeys.toResume[who === 'admin' ? 0 : 1]}/resume`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/journeys/{id}/stop': (f) =>
    byRole((who) => `/v1/journeys/${f.journeys.toStop[who === 'admin' ? 0 : 1]}/stop`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'GET /v1/journeys/{id}/counts': (f) => wholeBank(`/v1/journeys/${f.journeys.live}/counts`),
  'GET /v1/journeys/{id}/results': (f) => wholeBank(`/v1/journeys/${f.journeys.live}/results`),
  // Bank-wide readers list every activity; a user with a staff id lists the ones they work (bhA none, am1 its host).
  'GET /v1/activities': () => everyone('/v1/activities', { admin: 200, analyst: 200, bhA: 200, am1: 200 }),
  'POST /v1/activities': () => wholeBank('/v1/activities', ACTIVITY, 201),
  // …and reads one they work (am1 hosts it: the door's view); a branch head off its staff is refused.
  'GET /v1/activities/{id}': (f) =>
    everyone(`/v1/activities/${f.activities.open}`, { admin: 200, analyst: 200, bhA: 403, am1: 200 }),
  'PUT /v1/activities/{id}': (f) => wholeBank(`/v1/activities/${f.activities.open}`, ACTIVITY),
  // A second invitation of the same population invites nobody again (alreadyInvited), so every role may repeat it.
  'POST /v1/activities/{id}/invitations': (f) =>
    wholeBank(`/v1/activities/${f.activities.open}/invitations`, activityInvitation(f.content.approved)),
  'GET /v1/activities/{id}/invitees': (f) =>
    everyone(
      `/v1/activities/${f.activities.open}/invitees`,
      { admin: 200, analyst: 200, bhA: 403, am1: 403 },
      undefined,
      { analyst: (res) => expect(res.body.total).toBeGreaterThan(0) },
    ),
  'GET /v1/activities/{id}/invitees/{customerNo}/check-in-code': (f) =>
    wholeBank(`/v1/activities/${f.activities.open}/invitees/${f.activities.invitee}/check-in-code`),
  // The door: campaigns.write holders, or a signed-in user on the activity's staff (am1 is AM1, its host); a branch
  // head off its staff is refused. A bad code is 400 once the caller is let through.
  'POST /v1/activities/{id}/check-in': (f) =>
    everyone(
      `/v1/activities/${f.activities.open}/check-in`,
      { admin: 400, analyst: 400, bhA: 403, am1: 400 },
      { token: 'not-a-code' },
    ),
  'POST /v1/activities/{id}/attendance': (f) =>
    wholeBank(
      `/v1/activities/${f.activities.open}/attendance`,
      { csv: 'customer_no,checked_in_at\nC999999999,2026-11-23 10:00\n' },
      400,
    ),
  // A lead captured by someone not on the activity's staff: refused (400) once the caller is let through — a
  // campaigns.write holder, or am1 on the activity's staff.
  'POST /v1/activities/{id}/leads': (f) =>
    everyone(
      `/v1/activities/${f.activities.open}/leads`,
      { admin: 400, analyst: 400, bhA: 403, am1: 400 },
      { name: 'Lead', phone: '13800000000', capturedBy: 'AM2' },
    ),
  'POST /v1/activities/{id}/finish': (f) =>
    byRole((who) => `/v1/activities/${f.activities.toFinish[who === 'admin' ? 0 : 1]}/finish`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/activities/{id}/follow-ups': (f) =>
    wholeBank(`/v1/activities/${f.activities.finished}/follow-ups`, {}),
  'GET /v1/activities/{id}/results': (f) => wholeBank(`/v1/activities/${f.activities.open}/results`),
  // An invitee's own link: public; a token that does not verify is 400 for everyone.
  'GET /a/{token}': () =>
    everyone('/a/not-a-token', { anonymous: 400, admin: 400, analyst: 400, bhA: 400, am1: 400 }),
  'POST /a/{token}': () =>
    everyone(
      '/a/not-a-token',
      { anonymous: 400, admin: 400, analyst: 400, bhA: 400, am1: 400 },
      { answer: 'yes' },
    ),
  // RTA strategies: read bank-wide (analytics.read), changed by rta.manage (admins and analysts).
  'GET /v1/rta/strategies': () => wholeBank('/v1/rta/strategies'),
  'POST /v1/rta/strategies': () =>
    wholeBank('/v1/rta/strategies', (who: Who) => ({ ...RTA_STRATEGY, id: `sec-new-${who}` }), 201),
  'GET /v1/rta/strategies/{id}': (f) => wholeBank(`/v1/rta/strategies/${f.rta.strategy}`),
  'PUT /v1/rta/strategies/{id}': (f) =>
    wholeBank(`/v1/rta/strategies/${f.rta.strategy}`, { ...RTA_STRATEGY, name: 'Edited' }),
  'POST /v1/rta/strategies/{id}/pause': (f) =>
    byRole((who) => `/v1/rta/strategies/${f.rta.toPause[who === 'admin' ? 0 : 1]}/pause`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'POST /v1/rta/strategies/{id}/resume': (f) =>
    byRole((who) => `/v1/rta/strategies/${f.rta.toResume[who === 'admin' ? 0 : 1]}/resume`, {
      admin: 200,
      analyst: 200,
      bhA: 403,
      am1: 403,
    }),
  'GET /v1/rta/metrics': () => wholeBank('/v1/rta/metrics?minutes=60'),
  'GET /v1/rta/decisions': () => wholeBank('/v1/rta/decisions?limit=10'),
  // Media value: read bank-wide (analytics.read); channels, imports and the attribution run by campaigns.write. The
  // attribution is run before the comparison is read (a window never run answers 200 { attribution: null }).
  'GET /v1/media/channels': () => wholeBank('/v1/media/channels'),
  'POST /v1/media/channels': () =>
    wholeBank(
      '/v1/media/channels',
      (who: Who) => ({
        key: `sec_${who}`,
        name: '测试媒体',
        nameEn: 'Test medium',
        kind: 'other',
        aliases: [],
      }),
      201,
    ),
  'POST /v1/media/spend': () =>
    wholeBank(
      '/v1/media/spend',
      { csv: 'channel,campaign,day,impressions,clicks,cost\nbaidu,sec,2026-11-09,100,10,50\n' },
      201,
    ),
  'POST /v1/media/brand': () =>
    wholeBank('/v1/media/brand', { csv: 'channel,period,branded_search\nbaidu,2026-11-01,100\n' }, 201),
  'POST /v1/media/attribution/run': () => wholeBank('/v1/media/attribution/run', { windowDays: 30 }),
  'GET /v1/media/comparison': () => wholeBank('/v1/media/comparison?window=30'),
  'GET /v1/media/comparison.csv': () => wholeBank('/v1/media/comparison.csv?window=30'),
  'GET /v1/ogsm': () => wholeBank('/v1/ogsm?kind=campaign'),
  'GET /v1/ogsm/{kind}/{id}': (f) => wholeBank(`/v1/ogsm/campaign/${f.campaigns.approved}`),
  'PUT /v1/ogsm/{kind}/{id}': (f) => wholeBank(`/v1/ogsm/journey/${f.journeys.live}`, OGSM_PLAN),
  'POST /v1/ogsm/{kind}/{id}/review': (f) =>
    wholeBank(`/v1/ogsm/campaign/${f.campaigns.approved}/review`, { scores: [{ id: 's1', score: 4 }] }),
  'GET /v1/analytics/scenes': () => wholeBank('/v1/analytics/scenes?days=14'),
};

const REPORT_FUNNEL = {
  steps: [{ event: 'app_open' }, { event: 'purchase' }],
  window: { days: 7 },
  from: '2026-10-01',
  to: '2026-10-31',
};

/** The five routes of saved reports or dashboards, as the analyst saved them (Fixture.saved). */
function savedRoutes(
  kind: 'reports' | 'dashboards',
  input: (who: Who) => unknown,
): Record<string, (f: Fixture) => Case[]> {
  const base = `/v1/${kind}`;
  const shared = (f: Fixture) => `${base}/${f.saved[kind].shared}`;
  return {
    [`GET ${base}`]: () => everyone(base, { admin: 200, analyst: 200, bhA: 200, am1: 200 }),
    [`POST ${base}`]: () => everyone(base, { admin: 200, analyst: 200, bhA: 200, am1: 403 }, input),
    [`GET ${base}/{id}`]: (f) => [
      ...everyone(shared(f), { admin: 200, analyst: 200, bhA: 200, am1: 404 }),
      { as: 'bhA', url: `${base}/${f.saved[kind].private}`, status: 404 },
      { as: 'admin', url: `${base}/${f.saved[kind].private}`, status: 200 },
      { as: 'analyst', url: `${base}/2147483647`, status: 404 },
    ],
    [`PUT ${base}/{id}`]: (f) => [
      ...everyone(shared(f), { admin: 200, analyst: 200, bhA: 403, am1: 403 }, input),
      { as: 'bhA', url: `${base}/${f.saved[kind].private}`, body: input('bhA'), status: 404 },
    ],
    [`DELETE ${base}/{id}`]: (f) => [
      ...byRole(
        (who) =>
          who === 'admin' || who === 'analyst'
            ? `${base}/${f.saved[kind].deletes[who === 'admin' ? 0 : 1]}`
            : shared(f),
        {
          admin: 200,
          analyst: 200,
          bhA: 403,
          am1: 403,
        },
      ),
    ],
  };
}

/** The same request by every role, each on its own target (a state change one role's call would use up). */
function byRole(url: (who: Who) => string, statuses: Statuses): Case[] {
  return WHO.map((as) => ({ as, url: url(as), status: as === 'anonymous' ? 401 : statuses[as] }));
}

/** A brand post whose template reads the customer's name (the preview must mask it). */
const brandPost = {
  type: 'brand',
  title: 'Brand day',
  variants: { sms: { text: '{{ customer.name }}，{{ bank.name }}感谢您的信任' } },
};

/** An RTA strategy over a sample of the bank's customers (ids vary per test). */
const RTA_STRATEGY = {
  name: 'Security strategy',
  target: { population: { rule: { sample: { percent: 10, seed: 'sec' } } } },
  bidFactor: 1.5,
};

/** An activity with no products (the security bank has none) hosted by AM1. */
const ACTIVITY = {
  name: 'Security salon',
  scene: { mode: 'offline', frequency: 'low', aim: 'engagement' },
  startsAt: '2026-12-12T14:00:00+08:00',
  endsAt: '2026-12-12T16:00:00+08:00',
  capacity: 10,
  staff: [{ staffId: 'AM1', role: 'host' }],
};
/** An invitation of a tenth of the bank, sending approved content `contentId` to the outbox. */
const activityInvitation = (contentId: number) => ({
  population: { rule: { sample: { percent: 10, seed: 'security-activity' } } },
  content: { id: contentId, version: 1 },
  channels: ['sec_sms'],
});

/** A small OGSM plan: one conversion goal, one strategy. */
const OGSM_PLAN = {
  objective: 'Security objective',
  goals: [{ id: 'g1', metric: 'conversions', target: 10, windowDays: 7 }],
  strategies: [{ id: 's1', text: 'SMS' }],
  measures: ['reached'],
};

/** A campaign over gold-and-up customers, sending approved content `contentId` to the outbox now. */
const campaignDraft = (contentId: number) => ({
  name: 'Security campaign',
  purpose: 'marketing',
  population: { rule: segmentRule },
  content: { id: contentId, version: 1 },
  channels: ['outbox'],
  schedule: { kind: 'now' },
  controlPercent: 10,
});

/** A workbench view: the caller's own (a manager), or a manager in the caller's scope (404 outside it). */
function workbench(path: string): Case[] {
  return [
    { as: 'anonymous', url: path, status: 401 },
    { as: 'admin', url: `${path}?staffId=AM3`, status: 200 },
    { as: 'analyst', url: `${path}?staffId=AM1`, status: 200 },
    { as: 'bhA', url: `${path}?staffId=AM2`, status: 200 },
    { as: 'bhA', url: `${path}?staffId=AM3`, status: 404 },
    { as: 'am1', url: path, status: 200 },
    { as: 'am1', url: `${path}?staffId=AM2`, status: 404 },
  ];
}

function bucketTag(key: string) {
  return {
    key,
    name_en: 'Rich',
    name_zh: '富',
    category: 'custom',
    kind: 'bucket',
    spec: {
      field: 'aum',
      buckets: [
        { value: 'yes', label: { en: 'Yes', zh: '是' }, min: 500_000 },
        { value: 'no', label: { en: 'No', zh: '否' }, max: 500_000 },
      ],
    },
  };
}

/** The app under test, with what the setup reaches past the API for. */
interface SecurityApp {
  readonly app: FastifyInstance;
  readonly stores: Stores;
  readonly auth: AuthService;
  close(): Promise<void>;
}

/**
 * The real app over real stores, as test/support/app.ts builds it, but on the migrated PGlite template
 * (test/support/pglite.ts: ~1.5 s instead of an initdb of 5–12 s) or on a fresh PostgreSQL database.
 */
async function openApp(engine: 'PGlite' | 'PostgreSQL'): Promise<SecurityApp> {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-security-'));
  const parsed = loadConfig({
    FLYWHEEL_DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    FLYWHEEL_SEED_DEMO: 'never',
    ...TEST_PASSWORD_ENV,
    FLYWHEEL_TAGS_DAILY_AT: 'off',
    // Invitee links (/a/<token>) and check-in codes are signed: the check-in code route needs a secret.
    FLYWHEEL_LINK_SECRET: 'security-test-link-secret',
    ...WECOM_TEST_ENV,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const database = engine === 'PostgreSQL' ? await createTestDatabase('flywheel_security') : undefined;
  const [operational, events] = await Promise.all([
    database
      ? openOperationalStore({ kind: 'postgres', url: database.url }).then(async (store) => {
          await migrate(store);
          return store;
        })
      : openMigratedMemoryStore(),
    openEventStore({ kind: 'chdb', dataDir: dir }),
  ]);
  const stores = { operational, events };
  const clock = fixedClock(`${AS_OF}T10:00:00Z`);
  const app = await createApp({ config: parsed.value, stores, clock, logger: createLogger('warn') });
  await app.ready();
  return {
    app,
    stores,
    auth: new AuthService({
      db: operational.db,
      clock,
      sessionTtlHours: 12,
      passwordCost: TEST_PASSWORD_COST,
    }),
    async close() {
      await app.close();
      await closeStores(stores);
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const engines: ('PGlite' | 'PostgreSQL')[] = ['PGlite'];
if (await postgresAvailable()) engines.push('PostgreSQL');

for (const engine of engines) {
  describe(`security of every route on ${engine}`, () => {
    let t: SecurityApp;
    let fixture: Fixture;
    const sessions: Partial<Record<Who, string>> = {};
    /** Every response, to scan for personal data: who asked, what, and whose data an explicit reveal may show. */
    const seen: { who: Who; what: string; text: string; reveals?: string }[] = [];

    const login = async (who: Exclude<Who, 'anonymous'>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: who, password: PASSWORD },
      });
      const cookie = res.cookies.find((c) => c.name === 'fw_session')?.value;
      if (!cookie) throw new Error(`${who} cannot sign in: ${res.body}`);
      return cookie;
    };

    const call = async (
      who: Who,
      method: Method,
      url: string,
      options: { body?: unknown; reveals?: string; freshSession?: boolean; contentType?: string } = {},
    ): Promise<Res> => {
      const cookie =
        who === 'anonymous' ? undefined : options.freshSession ? await login(who) : sessions[who];
      const res = await t.app.inject({
        method,
        url,
        ...(cookie ? { cookies: { fw_session: cookie } } : {}),
        ...(options.contentType ? { headers: { 'content-type': options.contentType } } : {}),
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      });
      let body: unknown;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
      seen.push({
        who,
        what: `${method} ${url}`,
        text: res.body,
        ...(options.reveals ? { reveals: options.reveals } : {}),
      });
      return {
        status: res.statusCode,
        text: res.body,
        body,
        contentType: String(res.headers['content-type'] ?? ''),
      };
    };
    const admin = async (method: Method, url: string, body?: unknown) => {
      const res = await call('admin', method, url, { body });
      if (res.status >= 300) throw new Error(`setup ${method} ${url}: ${res.status} ${res.text}`);
      return res;
    };

    beforeAll(async () => {
      t = await openApp(engine);
      const db = t.stores.operational.db;
      await seedSyntheticBank(db, { staff: STAFF, pools: POOLS, asOf: AS_OF, taskEvery: 3 });
      for (const [customerNo, pii] of Object.entries(KNOWN_PII))
        await db.updateTable('customers').set(pii).where('customer_no', '=', customerNo).execute();
      const users = [
        { username: 'admin', role: 'admin' },
        { username: 'analyst', role: 'analyst' },
        { username: 'bhA', role: 'branch_head', staffId: 'BH-A', orgUnitId: 'BR-A' },
        { username: 'am1', role: 'account_manager', staffId: 'AM1', orgUnitId: 'SB-A1' },
      ] as const;
      for (const u of users) {
        await t.auth.createUser({ ...u, password: PASSWORD }, 'test');
        sessions[u.username] = await login(u.username);
      }

      // A channel providers call back on (its secret is not configured here: nothing verifies, nothing is accepted).
      await db
        .insertInto('channels')
        .values({
          key: 'sec_sms',
          kind: 'sms',
          reaches: 'sms',
          variant: 'sms',
          config: JSON.stringify({ url: 'http://127.0.0.1:9/sms', secret: 'sec_sms' }),
          updated_by: 'test',
          updated_at: new Date(),
        })
        .execute();

      // WeCom friends, none matched yet: two of AM1's (WeCom's name of one is a known customer's), one of AM3's.
      await db
        .insertInto('wecom_contacts')
        .values({ external_userid: 'wmMine', name: KNOWN_PII[MINE]!.name, type: 1 })
        .execute();
      await db
        .insertInto('wecom_friendships')
        .values(
          [
            ['AM1', 'wmMine'],
            ['AM1', 'wmMine2'],
            ['AM3', 'wmOther'],
          ].map(([staffId, externalUserid]) => ({
            staff_id: staffId!,
            external_userid: externalUserid!,
            added_at: new Date(`${AS_OF}T01:00:00Z`),
          })),
        )
        .execute();

      // A tag snapshot, a manual tag, throwaway tags; a saved and materialised segment, throwaway ones, a list.
      await new TagService({
        db,
        events: t.stores.events,
        clock: fixedClock(`${AS_OF}T10:00:00Z`),
      }).ensureCatalogue('test');
      await admin('POST', '/v1/tags/compute', { asOf: AS_OF });
      await admin('POST', '/v1/tags', {
        key: 'vip_sec',
        name_en: 'VIP',
        name_zh: '贵宾',
        category: 'custom',
        kind: 'manual',
        spec: { values: [{ value: 'vip', label: { en: 'VIP', zh: '贵宾' } }] },
      });
      for (const key of ['edit_tag', 'tmp_admin', 'tmp_analyst'])
        await admin('POST', '/v1/tags', bucketTag(key));
      for (const id of ['saved', 'edit', 'del_admin', 'del_analyst'])
        await admin('POST', '/v1/segments', { id, name: id, rule: segmentRule });
      await admin('POST', '/v1/segments/saved/materialize', { asOf: AS_OF });
      for (const id of ['sec_exp', 'sec_del'])
        await admin('POST', '/v1/analytics/experiments', experimentUpload(id));
      await admin('POST', '/v1/lists', {
        id: 'mixed',
        name: 'Mixed',
        customerNos: [MINE, BRANCH, OTHER_BRANCH],
      });

      // Interactions with customers of each branch, service reminders, assignment rules.
      await admin('POST', '/v1/interactions', {
        items: [MINE, BRANCH, OTHER_BRANCH, UNASSIGNED].map((c) => interaction(c)),
      });
      await admin('POST', '/v1/reminders/generate', { asOf: AS_OF });
      const rule = async (orgUnitId: string, tier: string | null, managerIds: string[]) =>
        (await admin('POST', '/v1/pool/rules', { orgUnitId, tier, managerIds })).body.id as number;
      const rules = {
        a2: await rule('SB-A2', null, ['AM2']),
        b1: await rule('SB-B1', null, ['AM3']),
        b1Gold: await rule('SB-B1', 'gold', ['AM3']),
      };

      // Handover jobs written directly (running, never started, so no customer moves): one in branch A, two in B.
      const job = async (from: string, taker: string, customers: number[]) => {
        const { id } = await db
          .insertInto('handover_jobs')
          .values({
            kind: 'in_service',
            from_manager: from,
            takers: JSON.stringify([taker]),
            split: 'even',
            reason: 'security test',
            status: 'running',
            total: customers.length,
            created_by: 'test',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('handover_items')
          .values(customers.map((c, seq) => ({ job_id: id, customer_id: c, seq, taker_id: taker, aum: 0 })))
          .execute();
        return id;
      };
      const jobs = {
        branchA: await job('AM2', 'AM1', [21, 22, 23]),
        branchB: await job('AM3', 'AM5', [36, 37, 38]),
        branchBAdmin: await job('AM3', 'AM5', [39]),
      };
      // A WeCom transfer of each job that the customer refused (the branch head retries it with another taker).
      await db
        .insertInto('wecom_transfers')
        .values(
          [[jobs.branchA, 22, 'AM2', 'AM1'] as const, [jobs.branchB, 37, 'AM3', 'AM5'] as const].map(
            ([job_id, customer_id, giver, taker]) => ({
              job_id,
              customer_id,
              external_userid: `wm_${customer_id}`,
              handover_userid: giver,
              takeover_userid: taker,
              kind: 'employed' as const,
              state: 'refused' as const,
              reason: 'refused',
            }),
          ),
        )
        .execute();

      const tasks = await db
        .selectFrom('tasks')
        .innerJoin('customers', 'customers.id', 'tasks.customer_id')
        .select(['tasks.id', 'customers.customer_no'])
        .where('tasks.status', '=', 'open')
        .orderBy('tasks.id')
        .execute();
      const reminders = await db
        .selectFrom('reminders')
        .innerJoin('customers', 'customers.id', 'reminders.customer_id')
        .select(['reminders.id', 'customers.customer_no'])
        .orderBy('reminders.id')
        .execute();
      const first = (rows: { id: number; customer_no: string }[], what: string) => (customerNo: string) => {
        const row = rows.find((r) => r.customer_no === customerNo);
        if (!row) throw new Error(`no ${what} for ${customerNo}`);
        return row.id;
      };
      const reminder = (from: number, to: number, nth = 0) => {
        const row = reminders.filter((r) => r.customer_no >= no(from) && r.customer_no <= no(to))[nth];
        if (!row) throw new Error(`no reminder ${nth} for ${no(from)}–${no(to)}`);
        return row.id;
      };
      const throwaway = await t.auth.createUser(
        { username: 'tmp-user', role: 'analyst', password: PASSWORD },
        'test',
      );
      if (!throwaway.ok) throw new Error(throwaway.error.message);
      const accounts = {
        user: throwaway.value.id,
        keyRevoked: (await t.auth.createApiKey({ name: 'revoked', role: 'analyst' }, 'test')).id,
        keyKept: (await t.auth.createApiKey({ name: 'kept', role: 'analyst' }, 'test')).id,
      };
      // Content and campaigns in every state a case needs: the analyst writes, the admin decides.
      await addChannel(db, fixedClock(`${AS_OF}T10:00:00Z`), { key: 'outbox', kind: 'outbox' });
      const as = async (who: Who, method: Method, url: string, body?: unknown) => {
        const res = await call(who, method, url, { body });
        if (res.status >= 300) throw new Error(`setup ${method} ${url}: ${res.status} ${res.text}`);
        return res.body;
      };
      const newContent = async (state: 'draft' | 'pending' | 'approved') => {
        const id = (await as('analyst', 'POST', '/v1/content', brandPost)).contentId as number;
        if (state !== 'draft') await as('analyst', 'POST', `/v1/content/${id}/versions/1/submit`, {});
        if (state === 'approved') await as('admin', 'POST', `/v1/content/${id}/versions/1/approve`, {});
        return id;
      };
      const approvedContent = await newContent('approved');
      const content = {
        approved: approvedContent,
        drafts: [await newContent('draft'), await newContent('draft')] as [number, number],
        pending: [await newContent('pending'), await newContent('pending')] as [number, number],
      };
      const newCampaign = async (state: 'draft' | 'pending' | 'approved' | 'paused') => {
        const id = (await as('analyst', 'POST', '/v1/campaigns', campaignDraft(approvedContent)))
          .id as number;
        if (state !== 'draft') await as('analyst', 'POST', `/v1/campaigns/${id}/versions/1/submit`, {});
        if (state === 'approved' || state === 'paused')
          await as('admin', 'POST', `/v1/campaigns/${id}/versions/1/approve`, {});
        if (state === 'paused') await as('admin', 'POST', `/v1/campaigns/${id}/pause`);
        return id;
      };
      const campaigns = {
        approved: await newCampaign('approved'),
        drafts: [await newCampaign('draft'), await newCampaign('draft')] as [number, number],
        pending: [await newCampaign('pending'), await newCampaign('pending')] as [number, number],
        toPause: [await newCampaign('approved'), await newCampaign('approved')] as [number, number],
        toResume: [await newCampaign('paused'), await newCampaign('paused')] as [number, number],
      };
      // The approved campaigns start their run (the worker's scheduler, in-process): results have a run to show.
      const segments = new SegmentService({
        db,
        events: t.stores.events,
        clock: fixedClock(`${AS_OF}T10:00:00Z`),
        tags: tagSource,
      });
      await startDueRuns(
        campaignDeps({ stores: t.stores, clock: fixedClock(`${AS_OF}T10:00:00Z`), segments }),
      );
      // WeCom group messages of that run: AM1's waiting for confirmation, AM3's (another branch) confirmed.
      const run = await db.selectFrom('campaign_runs').select('id').orderBy('id').executeTakeFirstOrThrow();
      await db
        .insertInto('wecom_group_messages')
        .values(
          (['AM1', 'AM3'] as const).map((sender) => ({
            msgid: `msg-${sender}`,
            channel: 'sec_sms',
            run_id: run.id,
            sender,
            content: 'Hello',
            state: sender === 'AM1' ? ('awaiting_confirmation' as const) : ('confirmed' as const),
            created_at: new Date(`${AS_OF}T02:00:00Z`),
            expires_at: new Date(`${AS_OF}T16:00:00Z`),
            updated_at: new Date(`${AS_OF}T02:00:00Z`),
          })),
        )
        .execute();
      // Journeys in every state a case needs, by the analyst.
      const newJourney = async (state: 'live' | 'paused') => {
        const made = await as('analyst', 'POST', '/v1/journeys', { name: 'Journey', body: WAIT_JOURNEY });
        await as('analyst', 'POST', `/v1/journeys/${made.id}/publish`, {});
        if (state === 'paused') await as('analyst', 'POST', `/v1/journeys/${made.id}/pause`);
        return made as { id: number; versionId: number };
      };
      const live = await newJourney('live');
      await as('analyst', 'PUT', `/v1/journeys/${live.id}`, { body: WAIT_JOURNEY });
      const journeys = {
        live: live.id,
        v1: live.versionId,
        toPause: [(await newJourney('live')).id, (await newJourney('live')).id] as [number, number],
        toResume: [(await newJourney('paused')).id, (await newJourney('paused')).id] as [number, number],
        toStop: [(await newJourney('live')).id, (await newJourney('live')).id] as [number, number],
      };
      await as('analyst', 'PUT', `/v1/ogsm/campaign/${campaigns.approved}`, OGSM_PLAN);
      // Activities by the analyst: one open with invitees, one finished, two to finish.
      const newActivity = async () => (await as('analyst', 'POST', '/v1/activities', ACTIVITY)).id as number;
      const openActivity = await newActivity();
      await as(
        'analyst',
        'POST',
        `/v1/activities/${openActivity}/invitations`,
        activityInvitation(approvedContent),
      );
      const invitees = await as('analyst', 'GET', `/v1/activities/${openActivity}/invitees`);
      const finishedActivity = await newActivity();
      await as('analyst', 'POST', `/v1/activities/${finishedActivity}/finish`);
      const activities = {
        open: openActivity,
        invitee: invitees.items[0].customerNo as string,
        finished: finishedActivity,
        toFinish: [await newActivity(), await newActivity()] as [number, number],
      };
      // RTA strategies by the analyst: one to read and edit, two to pause, two paused to resume.
      const newStrategy = async (id: string, status: 'active' | 'paused' = 'active') =>
        (await as('analyst', 'POST', '/v1/rta/strategies', { ...RTA_STRATEGY, id, status })).id as string;
      const rta = {
        strategy: await newStrategy('sec-read'),
        toPause: [await newStrategy('sec-pause-a'), await newStrategy('sec-pause-b')] as [string, string],
        toResume: [
          await newStrategy('sec-resume-a', 'paused'),
          await newStrategy('sec-resume-b', 'paused'),
        ] as [string, string],
      };
      await as('admin', 'POST', '/v1/contact-policy/do-not-contact', {
        customerNo: OTHER_BRANCH,
        reason: 'legal hold',
      });
      // The analyst's saved reports and dashboards (a dashboard of the shared report, to show it is whole).
      const savedReport = async (sharedRoles: string[]) =>
        (
          await as('analyst', 'POST', '/v1/reports', {
            name: 'Saved',
            kind: 'funnel',
            definition: REPORT_FUNNEL,
            sharedRoles,
          })
        ).id as number;
      const reportIds = {
        shared: await savedReport(['branch_head']),
        private: await savedReport([]),
        deletes: [await savedReport([]), await savedReport([])] as [number, number],
      };
      const savedDashboard = async (sharedRoles: string[]) =>
        (
          await as('analyst', 'POST', '/v1/dashboards', {
            name: 'Saved',
            sharedRoles,
            cards: [{ reportId: reportIds.shared, size: 'half' }],
          })
        ).id as number;
      const saved = {
        reports: reportIds,
        dashboards: {
          shared: await savedDashboard(['branch_head']),
          private: await savedDashboard([]),
          deletes: [await savedDashboard([]), await savedDashboard([])] as [number, number],
        },
      };
      fixture = {
        task: first(tasks, 'task'),
        reminder,
        jobs,
        rules,
        accounts,
        content,
        campaigns,
        journeys,
        activities,
        rta,
        saved,
      };
    }, 60_000);

    afterAll(async () => t?.close());

    it('classifies every route of the OpenAPI document', async () => {
      const doc = (await t.app.inject('/docs/json')).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(documented.length).toBeGreaterThan(60);
      const unclassified = documented.filter((r) => !(r in ROUTES));
      expect(unclassified, 'routes without an entry in the security table').toEqual([]);
      const stale = Object.keys(ROUTES).filter((r) => !documented.includes(r));
      expect(stale, 'entries for routes that no longer exist').toEqual([]);
      for (const [route, cases] of Object.entries(ROUTES)) {
        const callers = new Set(cases(fixture).map((c) => c.as));
        expect([...callers].sort(), `${route}: every role and anonymous`).toEqual([...WHO].sort());
      }
    });

    it('keeps lists, counts and search within the scope', async () => {
      for (const who of ['admin', 'analyst', 'bhA', 'am1'] as const) {
        const list = await call(who, 'GET', '/v1/customers?limit=1');
        expect(list.body.total, who).toBe(SCOPE_SIZE[who]);
      }
      // Search by the number of a customer outside the scope finds nothing; inside, it finds it.
      expect((await call('am1', 'GET', `/v1/customers?q=${BRANCH}`)).body.total).toBe(0);
      expect((await call('am1', 'GET', `/v1/customers?q=${UNASSIGNED}`)).body.total).toBe(0);
      expect((await call('am1', 'GET', `/v1/customers?q=${MINE}`)).body.total).toBe(1);
      expect((await call('bhA', 'GET', `/v1/customers?q=${OTHER_BRANCH}`)).body.total).toBe(0);
      expect((await call('bhA', 'GET', `/v1/customers?q=${BRANCH}`)).body.total).toBe(1);
      expect((await call('bhA', 'GET', '/v1/customers?q=C00000004')).body.total).toBe(4); // C46–C49; C40–C45 are B's
      expect((await call('bhA', 'GET', '/v1/customers?q=C00000005')).body.total).toBe(2); // C50, C51; C52 is B's
      // Prefix and name search stay inside too: every hit is the caller's.
      const byPrefix = await call('am1', 'GET', '/v1/customers?q=C0000000&limit=500');
      expect(byPrefix.body.items.every((c: { managerId: string }) => c.managerId === 'AM1')).toBe(true);
      const bySurname = await call('am1', 'GET', `/v1/customers?q=${encodeURIComponent('司')}`);
      expect(bySurname.body.total).toBe(0); // 司马光辉 is AM3's
      // Search never matches hidden characters: a full name or a phone number finds nothing, even for an admin.
      for (const q of [KNOWN_PII[MINE]!.name, KNOWN_PII[MINE]!.phone, KNOWN_PII[MINE]!.id_number])
        expect((await call('admin', 'GET', `/v1/customers?q=${encodeURIComponent(q)}`)).body.total, q).toBe(
          0,
        );
      // Filters cannot widen the scope: another branch's unit or manager gives nothing.
      expect((await call('bhA', 'GET', '/v1/customers?orgUnitId=SB-B1')).body.total).toBe(0);
      expect((await call('am1', 'GET', '/v1/customers?managerId=AM2')).body.total).toBe(0);
      expect((await call('bhA', 'GET', '/v1/customers?managerId=AM3')).body.total).toBe(0);
      // Counts on the workbench and the task list.
      expect((await call('am1', 'GET', '/v1/workbench/kpis')).body.customers).toBe(20);
      expect((await call('am1', 'GET', '/v1/workbench/my-pool')).body.total).toBe(20);
      // The task list counts the tasks of the scope's customers, exactly.
      const db = t.stores.operational.db;
      const tasksOf = async (filter: { managerId?: string; units?: string[] }) => {
        let q = db
          .selectFrom('tasks')
          .innerJoin('customers', 'customers.id', 'tasks.customer_id')
          .leftJoin('customer_owners', 'customer_owners.customer_id', 'tasks.customer_id')
          .select(sql<number>`count(*)::int`.as('n'));
        if (filter.managerId) q = q.where('customer_owners.manager_id', '=', filter.managerId);
        if (filter.units) q = q.where('customers.org_unit_id', 'in', filter.units);
        return (await q.executeTakeFirstOrThrow()).n;
      };
      const taskTotal = async (who: Who, query = '') =>
        (await call(who, 'GET', `/v1/tasks?limit=1${query}`)).body.total as number;
      expect(await taskTotal('admin')).toBe(await tasksOf({}));
      expect(await taskTotal('am1')).toBe(await tasksOf({ managerId: 'AM1' }));
      expect(await taskTotal('bhA')).toBe(await tasksOf({ units: ['BR-A', 'SB-A1', 'SB-A2'] }));
      expect(await taskTotal('am1')).toBeGreaterThan(0);
      expect(await taskTotal('am1', `&customerNo=${no(21)}`)).toBe(0);
      expect(await taskTotal('bhA', `&customerNo=${no(36)}`)).toBe(0);
      expect(await taskTotal('bhA', `&assigneeId=AM3`)).toBe(0);
    });

    it('answers every route for every role: 2xx inside the scope, 404 outside, 403 forbidden, 401 anonymous', async () => {
      const failures: string[] = [];
      const doc = (await t.app.inject('/docs/json')).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [path, ops] of Object.entries(doc.paths))
        for (const method of Object.keys(ops).filter((m) => m !== 'parameters')) {
          const route = `${method.toUpperCase()} ${path}`;
          for (const c of ROUTES[route]?.(fixture) ?? []) {
            const res = await call(c.as, method.toUpperCase() as Method, c.url, {
              body: c.body,
              ...(c.reveals ? { reveals: c.reveals } : {}),
              ...(c.freshSession ? { freshSession: true } : {}),
              ...(c.contentType ? { contentType: c.contentType } : {}),
            });
            const what = `${route} as ${c.as}: ${method.toUpperCase()} ${c.url}`;
            if (res.status !== c.status)
              failures.push(`${what} → ${res.status} (expected ${c.status}) ${res.text.slice(0, 200)}`);
            else if (c.check)
              try {
                c.check(res);
              } catch (error) {
                failures.push(`${what}: ${String(error).slice(0, 300)}`);
              }
          }
        }
      expect(failures).toEqual([]);
    }, 120_000); // over 130 routes, each by every role

    it('never answers a personal field unmasked without an explicit, permitted reveal', async () => {
      const customers = await t.stores.operational.db
        .selectFrom('customers')
        .select(['customer_no', 'name', 'phone', 'id_number', 'email', 'birth_date'])
        .execute();
      const secrets = customers.flatMap((c) =>
        [c.name, c.phone, c.id_number, c.email, c.birth_date]
          .filter((v): v is string => !!v)
          .map((value) => ({ customerNo: c.customer_no, value })),
      );
      expect(secrets.length).toBeGreaterThan(200);
      // Staff contact details are shown in full to pool administrators only.
      const staffSecrets = ['13900000000', 'am1@bank.example', 'am2@bank.example', 'am3@bank.example'];
      const leaks: string[] = [];
      for (const r of seen) {
        for (const s of secrets)
          if (r.text.includes(s.value) && r.reveals !== s.customerNo)
            leaks.push(`${r.who} ${r.what}: ${s.customerNo} ${s.value}`);
        if (r.who !== 'admin')
          for (const s of staffSecrets) if (r.text.includes(s)) leaks.push(`${r.who} ${r.what}: staff ${s}`);
      }
      expect(leaks).toEqual([]);
      // The scan sees what it looks for: the explicit reveals did show the raw values, and many responses were read,
      // exports among them.
      const revealed = seen.filter((r) => r.reveals);
      expect(revealed.length).toBe(3);
      for (const r of revealed) {
        const pii = KNOWN_PII[r.reveals!]!;
        for (const v of Object.values(pii)) expect(r.text, r.what).toContain(v);
      }
      expect(seen.length).toBeGreaterThan(250);
      expect(seen.filter((r) => r.what.includes('/export')).length).toBeGreaterThanOrEqual(6);
    });
  });
}
