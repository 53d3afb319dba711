import { sql, type Transaction } from 'kysely';
import type { Rejection } from '../ingest/errors-file.ts';
import type { BatchOutcome, BatchRow } from '../ingest/operational.ts';
import type { ImportTarget, ImportTargets } from '../ingest/target.ts';
import type { Database } from '../store/operational/database.ts';

// The `media_spend` and `media_brand` kinds of `flywheel import` (and of POST /v1/media/spend, /v1/media/brand): the
// generic runner (src/ingest/run.ts) reads, maps, validates and batches the rows (located errors, all or nothing unless
// allowPartial, a key twice in one file rejected); these writers check each row's channel against the registered
// list and upsert by natural key, a row equal to the stored one counting `unchanged`, so a re-import writes nothing.

/** Rows whose channel is not registered, rejected with their location; the others, by channel key. */
async function knownChannels(
  trx: Transaction<Database>,
  rows: readonly BatchRow[],
  outcome: BatchOutcome,
): Promise<BatchRow[]> {
  const registered = new Set(
    (await trx.selectFrom('media_channels').select('key').execute()).map((r) => r.key),
  );
  const good: BatchRow[] = [];
  for (const r of rows) {
    const channel = r.data['channel'];
    if (typeof channel === 'string' && registered.has(channel)) good.push(r);
    else {
      const rejection: Rejection = {
        row: r.row,
        line: r.line,
        field: 'channel',
        reason: `unknown media channel (registered: ${[...registered].sort().join(', ')})`,
        value: channel ?? '',
      };
      outcome.rejected.push([rejection]);
    }
  }
  return good;
}

/** Counts of an upsert's `returning (xmax = 0) as inserted` rows into the outcome. */
function countInto(
  outcome: BatchOutcome,
  written: number,
  counts: { inserted: number; updated: number } | undefined,
): void {
  const c = counts ?? { inserted: 0, updated: 0 };
  outcome.inserted += c.inserted;
  outcome.updated += c.updated;
  outcome.unchanged += written - c.inserted - c.updated;
}

/** Upserts spend rows by (channel, campaign, day). */
async function writeSpend(trx: Transaction<Database>, rows: BatchRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const good = await knownChannels(trx, rows, outcome);
  if (good.length === 0) return outcome;
  const records = good.map(({ data }) => ({
    channel_key: data['channel'],
    campaign: data['campaign'] ?? '',
    day: data['day'],
    impressions: data['impressions'],
    clicks: data['clicks'],
    cost: data['cost'],
  }));
  const counts = await sql<{ inserted: number; updated: number }>`
    with up as (
      insert into media_spend (channel_key, campaign, day, impressions, clicks, cost, updated_at)
      select s.channel_key, s.campaign, s.day, s.impressions, s.clicks, s.cost, now()
      from json_to_recordset(${JSON.stringify(records)}::json)
        as s(channel_key text, campaign text, day date, impressions bigint, clicks bigint, cost numeric)
      on conflict (channel_key, campaign, day) do update
        set impressions = excluded.impressions, clicks = excluded.clicks, cost = excluded.cost, updated_at = now()
        where (media_spend.impressions, media_spend.clicks, media_spend.cost)
          is distinct from (excluded.impressions, excluded.clicks, excluded.cost)
      returning (xmax = 0) as inserted)
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated
    from up`.execute(trx);
  countInto(outcome, records.length, counts.rows[0]);
  return outcome;
}

/** Upserts brand rows by (channel, period). */
async function writeBrand(trx: Transaction<Database>, rows: BatchRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const checked = await knownChannels(trx, rows, outcome);
  const good: BatchRow[] = [];
  for (const r of checked) {
    const awareness = r.data['awareness'];
    if (typeof awareness === 'number' && (awareness < 0 || awareness > 100))
      outcome.rejected.push([
        { row: r.row, line: r.line, field: 'awareness', reason: 'not between 0 and 100', value: awareness },
      ]);
    else if (['branded_search', 'direct_visits', 'awareness'].every((f) => r.data[f] == null))
      outcome.rejected.push([
        {
          row: r.row,
          line: r.line,
          field: 'branded_search',
          reason: 'a brand row needs at least one of branded_search, direct_visits, awareness',
          value: '',
        },
      ]);
    else good.push(r);
  }
  if (good.length === 0) return outcome;
  const records = good.map(({ data }) => ({
    channel_key: data['channel'],
    period: data['period'],
    branded_search: data['branded_search'] ?? null,
    direct_visits: data['direct_visits'] ?? null,
    awareness: data['awareness'] ?? null,
  }));
  const counts = await sql<{ inserted: number; updated: number }>`
    with up as (
      insert into media_brand (channel_key, period, branded_search, direct_visits, awareness, updated_at)
      select s.channel_key, s.period, s.branded_search, s.direct_visits, s.awareness, now()
      from json_to_recordset(${JSON.stringify(records)}::json)
        as s(channel_key text, period date, branded_search bigint, direct_visits bigint, awareness numeric)
      on conflict (channel_key, period) do update
        set branded_search = excluded.branded_search, direct_visits = excluded.direct_visits,
          awareness = excluded.awareness, updated_at = now()
        where (media_brand.branded_search, media_brand.direct_visits, media_brand.awareness)
          is distinct from (excluded.branded_search, excluded.direct_visits, excluded.awareness)
      returning (xmax = 0) as inserted)
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated
    from up`.execute(trx);
  countInto(outcome, records.length, counts.rows[0]);
  return outcome;
}

/** The import target of kind `media_spend`: spend and delivery per channel, campaign and day. */
export const mediaSpendTarget: ImportTarget = {
  store: 'operational',
  open: async (trx) => ({ write: (rows) => writeSpend(trx, rows) }),
};

/** The import target of kind `media_brand`: brand figures per channel and period. */
export const mediaBrandTarget: ImportTarget = {
  store: 'operational',
  open: async (trx) => ({ write: (rows) => writeBrand(trx, rows) }),
};

/** Both media targets, as callers hand them to runImport. */
export const MEDIA_IMPORT_TARGETS: ImportTargets = {
  media_spend: mediaSpendTarget,
  media_brand: mediaBrandTarget,
};
