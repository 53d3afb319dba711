import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import type { JourneyStatus } from '../store/operational/journey-tables.ts';
import type { Entry, JourneyBody } from './model.ts';

// Journeys as the list and the canvas read them: one statement for the list (versions and entry counts joined),
// two for a journey with its versions.

/** A journey in the list. */
export interface JourneyItem {
  readonly id: number;
  readonly name: string;
  readonly status: JourneyStatus;
  /** The version number new customers enter; null until first published. */
  readonly currentVersion: number | null;
  readonly latestVersion: number;
  /** The latest version is not published yet. */
  readonly hasDraft: boolean;
  readonly entry: Entry['kind'];
  readonly inside: number;
  /** Entries into the graph (the control group left out). */
  readonly entered: number;
  readonly converted: number;
  readonly updatedAt: string;
}

/** Journeys, most recently changed first, with their entries counted. */
export async function listJourneys(db: Kysely<Database>): Promise<JourneyItem[]> {
  const { rows } = await sql<{
    id: number;
    name: string;
    status: JourneyStatus;
    current: number | null;
    latest: number;
    draft: boolean;
    entry: Entry['kind'];
    inside: number | null;
    entered: number | null;
    converted: number | null;
    updated_at: Date;
  }>`
    select j.id, j.name, j.status, cv.version as current, lv.version as latest, lv.published_at is null as draft,
           lv.body -> 'entry' ->> 'kind' as entry, c.inside, c.entered, c.converted, j.updated_at
      from journeys j
      left join journey_versions cv on cv.id = j.current_version
      join lateral (select v.version, v.published_at, v.body from journey_versions v
                     where v.journey_id = j.id order by v.version desc limit 1) lv on true
      left join (select journey_id,
                        count(*) filter (where state in ('active', 'waiting'))::int as inside,
                        count(*) filter (where arm is distinct from 'control')::int as entered,
                        count(*) filter (where arm is distinct from 'control' and converted_at is not null)::int
                          as converted
                   from journey_memberships group by journey_id) c on c.journey_id = j.id
     order by j.updated_at desc, j.id desc`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    currentVersion: r.current,
    latestVersion: r.latest,
    hasDraft: r.draft,
    entry: r.entry,
    inside: r.inside ?? 0,
    entered: r.entered ?? 0,
    converted: r.converted ?? 0,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/** A journey with its latest body and every version (newest first, with the customers inside each). */
export interface JourneyDetail {
  readonly id: number;
  readonly name: string;
  readonly status: JourneyStatus;
  readonly currentVersionId: number | null;
  readonly latest: { id: number; version: number; body: JourneyBody; publishedAt: string | null };
  readonly versions: {
    id: number;
    version: number;
    author: string;
    createdAt: string;
    publishedAt: string | null;
    inside: number;
  }[];
}

/** One journey, or undefined. */
export async function getJourney(
  db: Kysely<Database>,
  journeyId: number,
): Promise<JourneyDetail | undefined> {
  const journey = await db
    .selectFrom('journeys')
    .select(['id', 'name', 'status', 'current_version'])
    .where('id', '=', journeyId)
    .executeTakeFirst();
  if (!journey) return undefined;
  const { rows } = await sql<{
    id: number;
    version: number;
    author: string;
    created_at: Date;
    published_at: Date | null;
    body: JourneyBody;
    inside: number;
  }>`
    select v.id, v.version, v.author, v.created_at, v.published_at,
           case when v.version = max(v.version) over () then v.body end as body,
           (select count(*)::int from journey_memberships m
             where m.version_id = v.id and m.state in ('active', 'waiting')) as inside
      from journey_versions v where v.journey_id = ${journeyId} order by v.version desc`.execute(db);
  const latest = rows[0]!;
  return {
    id: journey.id,
    name: journey.name,
    status: journey.status,
    currentVersionId: journey.current_version,
    latest: {
      id: latest.id,
      version: latest.version,
      body: latest.body,
      publishedAt: latest.published_at?.toISOString() ?? null,
    },
    versions: rows.map((v) => ({
      id: v.id,
      version: v.version,
      author: v.author,
      createdAt: v.created_at.toISOString(),
      publishedAt: v.published_at?.toISOString() ?? null,
      inside: v.inside,
    })),
  };
}
