import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { encodeRequest } from '../rta/codec.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from '../store/operational/database.ts';
import { Rng } from './random.ts';

// A demo installation's ad platform: nobody else asks a trial's RTA service, so this one does — `rps` requests a
// second over real HTTP and the Tencent protobuf, for a mix of the demo customers' devices (a third) and devices the
// bank does not know, so the Acquisition pages show live requests, matches and decisions. It runs only where the
// configuration turns it on (FLYWHEEL_DEMO_RTA_TRAFFIC: a demo bank in the embedded store) and never in production.

/** A running simulated platform. */
export interface DemoAdPlatform {
  stop(): Promise<void>;
}

const KNOWN_SHARE = 1 / 3;
const TICK_MS = 200;

/** Starts sending `rps` requests a second to the RTA service at `url` (devices read from customer_identities). */
export async function startDemoAdPlatform(deps: {
  db: Kysely<Database>;
  url: string;
  rps: number;
  logger: Logger;
}): Promise<DemoAdPlatform> {
  const rows = await deps.db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('kind', 'in', ['imei_md5', 'oaid_md5', 'idfa_md5'])
    .orderBy('customer_id')
    .limit(20_000)
    .execute();
  const rng = Rng.for('demo-ad-platform');
  let sequence = 0;
  let inFlight = 0;
  const request = () => {
    sequence += 1;
    const known =
      rows.length > 0 && rng.next() < KNOWN_SHARE ? rows[Math.floor(rng.next() * rows.length)] : undefined;
    const hash = known?.value ?? createHash('md5').update(`stranger-${sequence}-${rng.next()}`).digest('hex');
    const field =
      known?.kind === 'idfa_md5' ? 'idfa_md5sum' : known?.kind === 'oaid_md5' ? 'oaid_md5sum' : 'imei_md5sum';
    return encodeRequest({ id: `demo-${Date.now()}-${sequence}`, device: { os: 2, [field]: hash } });
  };
  const perTick = Math.max(1, Math.round((deps.rps * TICK_MS) / 1000));
  const timer = setInterval(() => {
    // A slow service is not flooded: the platform waits for its answers before sending more.
    if (inFlight > perTick * 4) return;
    for (let i = 0; i < perTick; i++) {
      inFlight += 1;
      fetch(deps.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: request() as BodyInit,
      })
        .then((res) => res.arrayBuffer())
        .catch((error: unknown) => deps.logger.debug({ err: error }, 'demo ad platform: request failed'))
        .finally(() => (inFlight -= 1));
    }
  }, TICK_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
