import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.ts';
import type { Result } from '../../shared/errors.ts';
import { ok } from '../../shared/errors.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { findDeliveries, responseEvent } from './deliveries.ts';
import { openLinkToken } from './links.ts';

// A followed tracked link: the click is recorded against its delivery (the first click of a delivery in
// delivery_responses, for the results funnel) and as a `message_clicked` event whose id is stable per delivery and
// URL (`msg:<key>:clicked:<url hash>`), so clicking the same link again is the same event; then the redirect.

/** What recording a click needs. */
export interface ClickDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
  readonly linkSecret: string | undefined;
}

/** Records the click a token carries; the URL to redirect to, or a refusal for a bad or tampered token. */
export async function followLink(deps: ClickDeps, token: string): Promise<Result<{ url: string }>> {
  if (deps.linkSecret === undefined) return openLinkToken('', '');
  const opened = openLinkToken(deps.linkSecret, token);
  if (!opened.ok) return opened;
  const { deliveryKey, url } = opened.value;
  const { byKey } = await findDeliveries(deps.db, null, { keys: [deliveryKey], providerIds: [] });
  const delivery = byKey.get(deliveryKey);
  // A signed link whose delivery is gone (a test run cleaned away) still leads where the bank said it would.
  if (!delivery) return ok({ url });
  const at = deps.clock.now();
  const urlHash = createHash('sha256').update(url).digest('hex').slice(0, 12);
  await deps.events.insert('events', [responseEvent(delivery, 'clicked', at, { url }, `:${urlHash}`)]);
  await sql`insert into delivery_responses (idempotency_key, status, at, detail, received_at)
            values (${deliveryKey}, 'clicked', ${at}, ${JSON.stringify({ url })}::jsonb, ${at})
            on conflict do nothing`.execute(deps.db);
  return ok({ url });
}
