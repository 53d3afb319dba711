import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptMessage } from '../../src/wecom/crypto.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import {
  callbackRequest,
  contactEvent,
  envelope,
  signedQuery,
  WECOM_TEST_ENV,
  wecomTestKeys,
} from '../support/wecom-callbacks.ts';

// Issue #13 item 3 over the real app: WeCom's verify GET and encrypted POSTs (add, del_follow_user, transfer_fail),
// and every refusal — bad signature, wrong receiveid, stale timestamp, truncated and garbage ciphertext, a replay —
// answered with its reason while the database stays exactly as it was.

const NOW = '2026-11-23T10:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const PASSWORD = 'wecom-test-pw';

const engines: ('PGlite' | 'PostgreSQL')[] = ['PGlite'];
if (await postgresAvailable()) engines.push('PostgreSQL');

for (const engine of engines)
  describe(`WeCom callbacks over HTTP on ${engine}`, () => {
    let t: TestApp;
    let database: TestDatabase | undefined;
    let cookie: string;
    let jobId: number;
    const db = () => t.stores.operational.db;
    let nonce = 0;
    const fresh = () => `n${++nonce}`;

    const post = (req: { url: string; body: string }, contentType = 'text/xml') =>
      t.app.inject({
        method: 'POST',
        url: req.url,
        headers: { 'content-type': contentType },
        payload: req.body,
      });

    /** Everything a callback may change, to compare before and after a refusal. */
    const snapshot = async () => {
      const q = (text: string) =>
        sql
          .raw<Record<string, unknown>>(text)
          .execute(db())
          .then((r) => r.rows);
      return {
        friendships: await q('select * from wecom_friendships order by staff_id, external_userid'),
        changes: await q('select * from wecom_friendship_changes order by id'),
        receipts: await q('select * from wecom_callback_receipts order by nonce'),
        identities: await q("select * from customer_identities where kind = 'wecom' order by value"),
        customers: await q(
          'select id, wecom_friend, wecom_external_userid, updated_at from customers order by id',
        ),
        owners: await q('select * from customer_owners order by customer_id'),
        tagEvents: await q('select * from wecom_tag_events order by id'),
        audit: await q('select count(*)::int as n from audit_log'),
      };
    };

    beforeAll(async () => {
      database = engine === 'PostgreSQL' ? await createTestDatabase('flywheel_wecom') : undefined;
      t = await createTestApp({
        now: NOW,
        env: { ...WECOM_TEST_ENV, FLYWHEEL_TAGS_DAILY_AT: 'off' },
        ...(database ? { databaseUrl: database.url } : {}),
      });
      await seedSyntheticBank(db(), {
        staff: [
          { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' },
          { id: 'AM2', orgUnitId: 'SB-A2', role: 'account_manager' },
        ],
        pools: [
          { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 5 },
          { managerId: 'AM2', orgUnitId: 'SB-A2', customers: 5 },
        ],
        asOf: '2026-11-23',
      });
      // Core banking gave C1 and C3 their WeCom external user ids; nobody is a WeCom friend yet.
      await db().updateTable('customers').set({ wecom_friend: false }).execute();
      await db()
        .updateTable('customers')
        .set({ wecom_external_userid: 'wmC1' })
        .where('id', '=', 1)
        .execute();
      await db()
        .updateTable('customers')
        .set({ wecom_external_userid: 'wmC3' })
        .where('id', '=', 3)
        .execute();
      // C3 was handed over from AM1 to AM2 and waits for WeCom to move the friendship.
      const job = await db()
        .insertInto('handover_jobs')
        .values({
          kind: 'departed',
          from_manager: 'AM1',
          takers: JSON.stringify(['AM2']),
          split: 'even',
          status: 'done',
          total: 1,
          created_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      jobId = job.id;
      await db()
        .updateTable('customer_owners')
        .set({ manager_id: 'AM2', handover_status: 'waiting', handover_job_id: jobId })
        .where('customer_id', '=', 3)
        .execute();
      await t.auth.createUser({ username: 'admin', role: 'admin', password: PASSWORD }, 'test');
      const login = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'admin', password: PASSWORD },
      });
      cookie = login.cookies.find((c) => c.name === 'fw_session')!.value;
    });
    afterAll(async () => {
      await t?.close();
      await database?.drop();
    });

    it('answers the verify GET with the decrypted echostr as text/plain', async () => {
      const echostr = encryptMessage(wecomTestKeys(), '8462915038441792573');
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/wecom/callback?${signedQuery(echostr, NOW_S, fresh())}&echostr=${encodeURIComponent(echostr)}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('8462915038441792573');
    });

    it('add_external_contact: the friendship, the identity, wecom_friend and a timeline entry', async () => {
      const res = await post(
        callbackRequest(contactEvent('add_external_contact', 'AM1', 'wmC1', NOW_S - 5), {
          timestamp: NOW_S,
          nonce: fresh(),
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('success');
      const friendship = await db()
        .selectFrom('wecom_friendships')
        .selectAll()
        .where('external_userid', '=', 'wmC1')
        .executeTakeFirstOrThrow();
      expect(friendship).toMatchObject({ staff_id: 'AM1', customer_id: 1, matched_by: 'external_userid' });
      expect(friendship.removed_at).toBeNull();
      const identity = await db()
        .selectFrom('customer_identities')
        .select('customer_id')
        .where('kind', '=', 'wecom')
        .where('value', '=', 'wmC1')
        .executeTakeFirst();
      expect(identity?.customer_id).toBe(1);
      const customer = await db()
        .selectFrom('customers')
        .select(['wecom_friend', 'wecom_external_userid'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      expect(customer).toEqual({ wecom_friend: true, wecom_external_userid: 'wmC1' });
      const timeline = await t.app.inject({
        method: 'GET',
        url: '/v1/customers/C000000001/timeline?sources=wecom',
        cookies: { fw_session: cookie },
      });
      expect(timeline.statusCode).toBe(200);
      expect(timeline.json().items).toMatchObject([
        { source: 'wecom', kind: 'wecom_added', at: new Date((NOW_S - 5) * 1000).toISOString() },
      ]);
      const audit = await db()
        .selectFrom('audit_log')
        .select(['actor', 'entity_id'])
        .where('action', '=', 'wecom.friend_added')
        .execute();
      expect(audit).toEqual([{ actor: 'wecom:callback', entity_id: 'AM1/wmC1' }]);
    });

    it('accepts application/xml too, and keeps an unknown friend unmatched for manual linking', async () => {
      const res = await post(
        callbackRequest(contactEvent('add_external_contact', 'AM2', 'wmStranger', NOW_S), {
          timestamp: NOW_S,
          nonce: fresh(),
        }),
        'application/xml',
      );
      expect(res.statusCode).toBe(200);
      const row = await db()
        .selectFrom('wecom_friendships')
        .select(['customer_id', 'matched_by'])
        .where('external_userid', '=', 'wmStranger')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ customer_id: null, matched_by: null });
    });

    it('matches a new friend by the unionid an earlier sync stored; an edit is a timeline entry', async () => {
      await db()
        .insertInto('customer_identities')
        .values({ kind: 'wechat_unionid', value: 'union-4', customer_id: 4 })
        .execute();
      await db()
        .insertInto('wecom_contacts')
        .values({ external_userid: 'wmU4', unionid: 'union-4', type: 1 })
        .execute();
      for (const changeType of ['add_external_contact', 'edit_external_contact'])
        expect(
          (
            await post(
              callbackRequest(contactEvent(changeType, 'AM1', 'wmU4', NOW_S), {
                timestamp: NOW_S,
                nonce: fresh(),
              }),
            )
          ).statusCode,
        ).toBe(200);
      const row = await db()
        .selectFrom('wecom_friendships')
        .select(['customer_id', 'matched_by', 'removed_at'])
        .where('external_userid', '=', 'wmU4')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ customer_id: 4, matched_by: 'unionid', removed_at: null });
      const changes = await db()
        .selectFrom('wecom_friendship_changes')
        .select('change')
        .where('customer_id', '=', 4)
        .orderBy('id')
        .execute();
      expect(changes.map((c) => c.change)).toEqual(['added', 'edited']);
      const customer = await db()
        .selectFrom('customers')
        .select('wecom_friend')
        .where('id', '=', 4)
        .executeTakeFirstOrThrow();
      expect(customer.wecom_friend).toBe(true);
    });

    it('del_follow_user: removed by the customer; wecom_friend false when no other friendship is left', async () => {
      // C1 is also AM2's friend: removing AM1 leaves them a friend of the bank.
      for (const [userId, changeType] of [
        ['AM2', 'add_external_contact'],
        ['AM1', 'del_follow_user'],
      ] as const) {
        const res = await post(
          callbackRequest(contactEvent(changeType, userId, 'wmC1', NOW_S), {
            timestamp: NOW_S,
            nonce: fresh(),
          }),
        );
        expect(res.statusCode).toBe(200);
      }
      const flag = async () =>
        (
          await db()
            .selectFrom('customers')
            .select('wecom_friend')
            .where('id', '=', 1)
            .executeTakeFirstOrThrow()
        ).wecom_friend;
      expect(await flag()).toBe(true);
      const removed = await db()
        .selectFrom('wecom_friendships')
        .select(['removed_by', 'removed_at'])
        .where('staff_id', '=', 'AM1')
        .where('external_userid', '=', 'wmC1')
        .executeTakeFirstOrThrow();
      expect(removed.removed_by).toBe('customer');
      expect(removed.removed_at).not.toBeNull();
      const res = await post(
        callbackRequest(contactEvent('del_external_contact', 'AM2', 'wmC1', NOW_S), {
          timestamp: NOW_S,
          nonce: fresh(),
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(await flag()).toBe(false);
      const kinds = await db()
        .selectFrom('wecom_friendship_changes')
        .select(['staff_id', 'change'])
        .where('customer_id', '=', 1)
        .orderBy('id')
        .execute();
      expect(kinds.map((k) => `${k.staff_id}:${k.change}`)).toEqual([
        'AM1:added',
        'AM2:added',
        'AM1:removed_by_customer',
        'AM2:removed_by_staff',
      ]);
    });

    it('transfer_fail: the waiting handover of the customer becomes refused', async () => {
      const res = await post(
        callbackRequest(
          contactEvent(
            'transfer_fail',
            'AM2',
            'wmC3',
            NOW_S,
            '<FailReason><![CDATA[customer_refused]]></FailReason>',
          ),
          { timestamp: NOW_S, nonce: fresh() },
        ),
      );
      expect(res.statusCode).toBe(200);
      const owner = await db()
        .selectFrom('customer_owners')
        .select(['handover_status', 'handover_job_id'])
        .where('customer_id', '=', 3)
        .executeTakeFirstOrThrow();
      expect(owner).toEqual({ handover_status: 'refused', handover_job_id: jobId });
      const change = await db()
        .selectFrom('wecom_friendship_changes')
        .select(['change', 'details'])
        .where('customer_id', '=', 3)
        .execute();
      expect(change).toEqual([{ change: 'transfer_failed', details: { reason: 'customer_refused', jobId } }]);
    });

    it('records tag change events', async () => {
      const tagEvent =
        `<xml><ToUserName><![CDATA[${WECOM_TEST_ENV.FLYWHEEL_WECOM_CORP_ID}]]></ToUserName><CreateTime>${NOW_S}</CreateTime>` +
        '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event>' +
        '<Id><![CDATA[etTAG1]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType></xml>';
      const res = await post(callbackRequest(tagEvent, { timestamp: NOW_S, nonce: fresh() }));
      expect(res.statusCode).toBe(200);
      const rows = await db()
        .selectFrom('wecom_tag_events')
        .select(['change_type', 'tag_type', 'tag_id'])
        .execute();
      expect(rows).toEqual([{ change_type: 'create', tag_type: 'tag', tag_id: 'etTAG1' }]);
    });

    describe('refusals change nothing', () => {
      const add = (externalUserid: string) =>
        contactEvent('add_external_contact', 'AM1', externalUserid, NOW_S);
      const refusedWith = async (
        req: { url: string; body: string },
        status: number,
        code: string,
        reason: string,
        method: 'GET' | 'POST' = 'POST',
      ) => {
        const before = await snapshot();
        const res = method === 'POST' ? await post(req) : await t.app.inject({ method: 'GET', url: req.url });
        expect(res.statusCode).toBe(status);
        expect(res.json().error).toMatchObject({ code, details: { reason } });
        expect(await snapshot()).toEqual(before);
      };

      it('a bad signature: 401', async () => {
        const req = callbackRequest(add('wmBad1'), { timestamp: NOW_S, nonce: fresh() });
        await refusedWith(
          { ...req, url: req.url.replace(/msg_signature=[0-9a-f]/, 'msg_signature=x') },
          401,
          'unauthenticated',
          'bad_signature',
        );
        const echostr = encryptMessage(wecomTestKeys(), 'echo');
        await refusedWith(
          {
            url: `/v1/wecom/callback?${signedQuery(echostr, NOW_S, fresh(), 'not-the-token')}&echostr=${encodeURIComponent(echostr)}`,
            body: '',
          },
          401,
          'unauthenticated',
          'bad_signature',
          'GET',
        );
      });

      it('a message for another enterprise: 400 wrong_receiveid', async () => {
        await refusedWith(
          callbackRequest(add('wmBad2'), {
            timestamp: NOW_S,
            nonce: fresh(),
            keys: wecomTestKeys('wwsomeoneelse'),
          }),
          400,
          'bad_request',
          'wrong_receiveid',
        );
      });

      it('a stale timestamp (and one from the future): 400 stale_timestamp', async () => {
        for (const timestamp of [NOW_S - 301, NOW_S + 3600])
          await refusedWith(
            callbackRequest(add('wmBad3'), { timestamp, nonce: fresh() }),
            400,
            'bad_request',
            'stale_timestamp',
          );
      });

      it('truncated or garbage ciphertext, correctly signed: 400 bad_ciphertext', async () => {
        const whole = encryptMessage(wecomTestKeys(), add('wmBad4'));
        const garbage = Buffer.alloc(64, 7).toString('base64');
        for (const encrypted of [whole.slice(0, 44), garbage, 'not base64 at all!']) {
          const n = fresh();
          await refusedWith(
            { url: `/v1/wecom/callback?${signedQuery(encrypted, NOW_S, n)}`, body: envelope(encrypted) },
            400,
            'bad_request',
            'bad_ciphertext',
          );
        }
      });

      it('a body that is not an envelope, or a decrypted message that is not an event: 400 bad_message', async () => {
        await refusedWith(
          { url: `/v1/wecom/callback?${signedQuery('abc', NOW_S, fresh())}`, body: '<xml><Nope/>' },
          400,
          'bad_request',
          'bad_message',
        );
        await refusedWith(
          callbackRequest('<xml><CreateTime>soon</CreateTime></xml>', { timestamp: NOW_S, nonce: fresh() }),
          400,
          'bad_request',
          'bad_message',
        );
      });

      it('a body over 64 KiB: 413, unread', async () => {
        const before = await snapshot();
        const req = callbackRequest(add('wmHuge'), { timestamp: NOW_S, nonce: fresh() });
        const res = await post({
          ...req,
          body: req.body.replace('<xml>', `<xml><Pad>${'x'.repeat(70_000)}</Pad>`),
        });
        expect(res.statusCode).toBe(413);
        expect(res.json().error.code).toBe('payload_too_large');
        expect(await snapshot()).toEqual(before);
      });

      it('missing signature fields: 400 missing_field', async () => {
        await refusedWith(
          { url: '/v1/wecom/callback', body: envelope('abcd') },
          400,
          'bad_request',
          'missing_field',
        );
      });

      it('a replay of an accepted callback: 409 replayed, not applied twice', async () => {
        const req = callbackRequest(add('wmReplay'), { timestamp: NOW_S, nonce: fresh() });
        expect((await post(req)).statusCode).toBe(200);
        await refusedWith(req, 409, 'conflict', 'replayed');
        const changes = await db()
          .selectFrom('wecom_friendship_changes')
          .select('id')
          .where('external_userid', '=', 'wmReplay')
          .execute();
        expect(changes).toHaveLength(1);
      });
    });
  });

describe('WeCom callbacks when WeCom is not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { FLYWHEEL_TAGS_DAILY_AT: 'off' } });
  });
  afterAll(async () => t?.close());

  it('answers 404 to the verify GET and to a POST', async () => {
    const req = callbackRequest(contactEvent('add_external_contact', 'AM1', 'wm1', NOW_S), {
      timestamp: NOW_S,
      nonce: 'x',
    });
    const get = await t.app.inject({ method: 'GET', url: `${req.url}&echostr=abc` });
    expect(get.statusCode).toBe(404);
    const res = await t.app.inject({
      method: 'POST',
      url: req.url,
      headers: { 'content-type': 'text/xml' },
      payload: req.body,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
