import { sql } from 'kysely';
import { createHandoverJob } from '../src/pool/handover/jobs.ts';
import { HandoverRunner } from '../src/pool/handover/runner.ts';
import { fixedClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/logger.ts';
import { HttpWecomClient } from '../src/wecom/client.ts';
import { aesKeyOf, callbackSignature, encryptMessage, openCallback } from '../src/wecom/crypto.ts';
import { mobileSha256 } from '../src/wecom/matching.ts';
import { startWecomSimulator } from '../src/wecom/simulator/server.ts';
import { syncFriends } from '../src/wecom/sync.ts';
import { driveWecomTransfers } from '../src/wecom/transfers.ts';
import { seedSyntheticBank } from '../test/support/synthetic-bank.ts';
import { openTarget } from './stores.ts';
import type { BenchResult } from './support.ts';

// `npm run bench wecom` (issue #13): against the simulator, over real HTTP, on PGlite on disk —
//  1. a callback's signature check and decryption, p99 over 20,000 real-sized messages;
//  2. a full friend sync of 40 managers × 2,000 friends (batch/get_by_user by cursor, matched by phone hash), within
//     WeCom's rate limits (the client's own budgets);
//  3. a departed manager's 20,000 WeCom friends handed over to 4 takers and driven to completion (ownership moved,
//     transfers requested in batches of 100, WeCom's 24 hours skipped on the simulator's clock, results read back).

const CORP = 'wwbenchcorp';
const SECRET = 'bench-secret';
const AS_OF = '2026-11-23';
const logger = createLogger('silent');
const round = (n: number) => Math.round(n * 100) / 100;

/** The WeCom benchmark's figures. */
export async function benchWecom(options: {
  managers: number;
  friends: number;
  handover: number;
}): Promise<BenchResult[]> {
  return [benchCallbacks(), ...(await benchSync(options)), ...(await benchHandover(options.handover))];
}

function benchCallbacks(): BenchResult {
  const key = aesKeyOf('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C');
  if (!key.ok) throw new Error(key.error);
  const keys = { token: 'benchToken', aesKey: key.value, receiveId: CORP };
  const xml = (i: number) =>
    `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${1_700_000_000 + i}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[AM${i % 40}]]></UserID><ExternalUserID><![CDATA[wmBench${String(i).padStart(8, '0')}]]></ExternalUserID><State><![CDATA[]]></State><WelcomeCode><![CDATA[code${i}]]></WelcomeCode></xml>`;
  const n = 20_000;
  const signed = Array.from({ length: n }, (_, i) => {
    const encrypted = encryptMessage(keys, xml(i));
    const timestamp = String(1_700_000_000 + i);
    const nonce = String(100_000 + i);
    return {
      msgSignature: callbackSignature(keys.token, timestamp, nonce, encrypted),
      timestamp,
      nonce,
      encrypted,
    };
  });
  const ms: number[] = [];
  for (const [i, c] of signed.entries()) {
    const t = performance.now();
    const opened = openCallback(keys, c, 1_700_000_000 + i);
    ms.push(performance.now() - t);
    if (!opened.ok) throw new Error(`callback ${i} refused: ${opened.error}`);
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => round(ms[Math.min(ms.length - 1, Math.floor(ms.length * q))] ?? 0);
  return {
    bench: 'wecom.callback.open',
    metric: 'p99_ms',
    value: p(0.99),
    unit: 'ms',
    target: '< 2',
    pass: p(0.99) < 2,
    details: { callbacks: n, p50Ms: p(0.5), maxMs: p(1), bytes: signed[0]!.encrypted.length },
  };
}

async function benchSync(options: { managers: number; friends: number }): Promise<BenchResult[]> {
  const target = await openTarget('pglite');
  try {
    const db = target.store.db;
    const staff = Array.from({ length: options.managers }, (_, i) => `AM${String(i + 1).padStart(3, '0')}`);
    await seedSyntheticBank(db, {
      staff: staff.map((id) => ({
        id,
        orgUnitId: 'SB-A1',
        role: 'account_manager' as const,
        capacity: 10_000,
      })),
      pools: staff.map((managerId) => ({ managerId, orgUnitId: 'SB-A1', customers: options.friends })),
      asOf: AS_OF,
    });
    const total = options.managers * options.friends;
    const mobile = (i: number) => `139${String(i).padStart(8, '0')}`;
    // The bank knows every customer's phone (its hash is what the sync matches on).
    await sql`update customers set phone_sha256 = x.h from json_to_recordset(${JSON.stringify(
      Array.from({ length: total }, (_, i) => ({ id: i + 1, h: mobileSha256(mobile(i + 1)) })),
    )}::json) as x(id integer, h text) where customers.id = x.id`.execute(db);
    const ext = (i: number) => `wm${String(i).padStart(8, '0')}`;
    const sim = await startWecomSimulator({
      corpId: CORP,
      secret: SECRET,
      world: {
        staff: staff.map((userid) => ({ userid, name: userid })),
        customers: Array.from({ length: total }, (_, i) => ({
          external_userid: ext(i + 1),
          name: `客户${i + 1}`,
          mobile: mobile(i + 1),
        })),
        friendships: Array.from({ length: total }, (_, i) => ({
          userid: staff[Math.floor(i / options.friends)]!,
          external_userid: ext(i + 1),
          createtime: 1_690_000_000 + i,
        })),
      },
    });
    try {
      const api = new HttpWecomClient({ corpId: CORP, secret: SECRET, baseUrl: sim.url, logger });
      const started = performance.now();
      const result = await syncFriends({
        db,
        api,
        clock: fixedClock(`${AS_OF}T10:00:00Z`),
        logger,
        match: ['unionid', 'phone', 'remark'],
        actor: 'bench',
      });
      const seconds = (performance.now() - started) / 1000;
      const matched = result.reduce((n, r) => n + (r.ok ? r.matched : 0), 0);
      if (result.some((r) => !r.ok))
        throw new Error(`sync refused: ${JSON.stringify(result.find((r) => !r.ok))}`);
      return [
        {
          bench: 'wecom.friend_sync.pglite',
          metric: 'seconds',
          value: round(seconds),
          unit: 's',
          target: '< 60',
          pass: seconds < 60,
          details: {
            managers: options.managers,
            friendsPerManager: options.friends,
            friends: total,
            matched,
            pages: Math.ceil(options.friends / 100) * options.managers,
          },
        },
      ];
    } finally {
      await sim.close();
    }
  } finally {
    await target.dispose();
  }
}

async function benchHandover(customers: number): Promise<BenchResult[]> {
  const target = await openTarget('pglite');
  try {
    const db = target.store.db;
    const clock = fixedClock(`${AS_OF}T10:00:00Z`);
    const takers = ['AM2', 'AM3', 'AM4', 'AM5'];
    await seedSyntheticBank(db, {
      staff: ['AM1', ...takers].map((id) => ({
        id,
        orgUnitId: 'SB-A1',
        role: 'account_manager' as const,
        capacity: customers,
      })),
      pools: [{ managerId: 'AM1', orgUnitId: 'SB-A1', customers }],
      asOf: AS_OF,
    });
    await sql`update customers set wecom_friend = true, wecom_external_userid = 'wm' || lpad(id::text, 8, '0')`.execute(
      db,
    );
    await sql`update staff set status = 'departed' where id = 'AM1'`.execute(db);
    const ids = (
      await sql<{ ext: string }>`select wecom_external_userid ext from customers order by id`.execute(db)
    ).rows;
    const sim = await startWecomSimulator({
      corpId: CORP,
      secret: SECRET,
      world: {
        staff: ['AM1', ...takers].map((userid) => ({
          userid,
          name: userid,
          ...(userid === 'AM1' ? { departed_at: 1_700_000_000 } : {}),
        })),
        customers: ids.map((r) => ({ external_userid: r.ext, name: r.ext })),
        friendships: ids.map((r) => ({ userid: 'AM1', external_userid: r.ext, createtime: 1_690_000_000 })),
      },
    });
    try {
      const api = new HttpWecomClient({ corpId: CORP, secret: SECRET, baseUrl: sim.url, logger });
      const started = performance.now();
      const job = await createHandoverJob(
        { db, clock },
        { actor: 'bench', scope: { kind: 'all' } },
        {
          fromManagerId: 'AM1',
          takerIds: takers,
          split: 'even',
          reason: 'bench',
        },
      );
      if (!job.ok) throw new Error(job.error.message);
      const jobId = job.value.job.id;
      await new HandoverRunner({ db, clock, logger }, { chunk: 500, chunkDelayMs: 0 }).run(jobId);
      const moved = performance.now();
      const deps = { db, api, clock, logger };
      const requested = await driveWecomTransfers(deps, jobId);
      const requestedAt = performance.now();
      // WeCom completes a transfer 24 hours after the request: skipped on the simulator's clock.
      await fetch(`${sim.url}/simulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advance_seconds: 86_400 + 60 }),
      });
      const final = await driveWecomTransfers(deps, jobId);
      const seconds = (performance.now() - started) / 1000;
      if (!final.finished || final.states.done !== customers)
        throw new Error(`handover did not complete: ${JSON.stringify(final.states)}`);
      return [
        {
          bench: 'wecom.handover.pglite',
          metric: 'seconds',
          value: round(seconds),
          unit: 's',
          target: '< 120',
          pass: seconds < 120,
          details: {
            customers,
            takers: takers.length,
            ownershipSeconds: round((moved - started) / 1000),
            requestSeconds: round((requestedAt - moved) / 1000),
            resultSeconds: round((performance.now() - requestedAt) / 1000),
            requested: requested.requested,
            states: final.states,
          },
        },
      ];
    } finally {
      await sim.close();
    }
  } finally {
    await target.dispose();
  }
}
