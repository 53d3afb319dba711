import type { Kysely } from 'kysely';
import type { Population } from '../contracts/population.ts';
import type { Clock } from '../shared/clock.ts';
import { parseDay, type Day } from '../shared/day.ts';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import { evaluate, preview } from './evaluate.ts';
import { SegmentIndexCache, type CacheOptions, type SegmentIndexEntry } from './index-cache.ts';
import type { RuleIssue } from './parse.ts';
import type { Rule } from './rule.ts';
import type { TagSource } from './tag-source.ts';
import { validateRule } from './validate.ts';

// The segment service: rules checked against the live catalogue, previews, members of a rule or a saved segment, on
// the cached index of a business day. CRUD, lists, materialisation and export build on it (segment-store.ts,
// lists.ts, materialize.ts, export.ts); the HTTP routes and the CLI call it, never the engine directly.

/** Why a segment operation did not happen; the API maps each code to a status. */
export type SegmentFailure =
  | { readonly code: 'invalid_rule'; readonly message: string; readonly issues: readonly RuleIssue[] }
  | {
      readonly code: 'not_found' | 'conflict' | 'bad_request';
      readonly message: string;
      readonly details?: unknown;
    }
  | {
      readonly code: 'unknown_customers';
      readonly message: string;
      /** The first 1,000 unknown numbers. */
      readonly unknownCustomerNos: readonly string[];
      readonly unknownCount: number;
    };

export type SegmentResult<T> = Result<T, SegmentFailure>;

export interface SegmentServiceDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
  /** Tag values and names for the index: the tag module's `tagSource` (src/tags/segment-source.ts). */
  readonly tags: TagSource;
  readonly logger?: Logger;
  /** Shared with other services of the process; one is made when omitted. */
  readonly cache?: SegmentIndexCache;
  readonly cacheOptions?: CacheOptions;
}

/** Members of a rule on a day, with the entry they were computed on. */
export interface Members {
  readonly entry: SegmentIndexEntry;
  readonly rule: Rule;
  readonly bitmap: RoaringBitmap32;
  readonly elapsedMs: number;
}

/** A rule refused with its issues (each with the JSON path of the offending node). */
export function invalidRule(issues: readonly RuleIssue[]): SegmentFailure {
  const first = issues[0];
  const message = first
    ? `invalid rule: ${first.path}${first.field ? ` (${first.field})` : ''}: ${first.message}` +
      (issues.length > 1 ? ` (and ${issues.length - 1} more)` : '')
    : 'invalid rule';
  return { code: 'invalid_rule', message, issues };
}

/** A segment failure (or any other) in the common shape: a rule's issues and unknown customers go in `details`. */
export function asFailure(f: SegmentFailure | Failure): Failure {
  if (f.code === 'invalid_rule' && 'issues' in f)
    return { code: f.code, message: f.message, details: { issues: f.issues } };
  if (f.code === 'unknown_customers' && 'unknownCustomerNos' in f)
    return {
      code: f.code,
      message: f.message,
      details: { unknownCustomerNos: f.unknownCustomerNos, unknownCount: f.unknownCount },
    };
  return f;
}

/** How old the event names may be when a rule names an event they lack. */
const EVENT_NAMES_RECHECK_MS = 1_000;

/** Segment rules over the stores: validation, preview and members, on a process-wide index cache. */
export class SegmentService {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
  readonly cache: SegmentIndexCache;

  constructor(deps: SegmentServiceDeps) {
    this.db = deps.db;
    this.events = deps.events;
    this.clock = deps.clock;
    this.cache =
      deps.cache ??
      new SegmentIndexCache(
        {
          db: deps.db,
          events: deps.events,
          tags: deps.tags,
          timeZone: deps.clock.timeZone,
          ...(deps.logger ? { logger: deps.logger } : {}),
        },
        { ...deps.cacheOptions, build: { clock: deps.clock, ...deps.cacheOptions?.build } },
      );
  }

  /** Today's business day in the bank's zone (the clock's), the default `asOf` everywhere. */
  today(): Day {
    return this.clock.today();
  }

  /** The cached index entry of a day (today by default). */
  entry(asOf?: string): Promise<SegmentIndexEntry> {
    const day = asOf ?? this.today();
    // Routes and commands check days (daySchema); one reaching here unchecked is a programming error.
    const checked = parseDay(day);
    if (!checked.ok) throw new RangeError(`asOf: ${checked.error}`);
    return this.cache.get(day);
  }

  /** Parses and checks rule JSON against the day's catalogue (`selfId`: the segment being edited). */
  async check(
    input: unknown,
    options: { asOf?: string; selfId?: string } = {},
  ): Promise<SegmentResult<{ rule: Rule; entry: SegmentIndexEntry }>> {
    const entry = await this.entry(options.asOf);
    const validation = options.selfId ? { selfId: options.selfId } : {};
    let checked = validateRule(input, await entry.catalogue(), validation);
    // An event ingested since the event names were last read (they are kept for 5 s) is looked for again, at
    // most once a second: a name first seen through /v1/events is usable in rules as soon as it is stored.
    if (!checked.ok && checked.error.some((issue) => issue.code === 'unknown_event'))
      checked = validateRule(input, await entry.catalogue(EVENT_NAMES_RECHECK_MS), validation);
    return checked.ok ? ok({ rule: checked.value, entry }) : err(invalidRule(checked.error));
  }

  /** The count of a rule's members and the time the evaluation took (validation and index lookup excluded). */
  async preview(
    input: unknown,
    asOf?: string,
  ): Promise<SegmentResult<{ count: number; elapsed_ms: number }>> {
    const checked = await this.check(input, asOf === undefined ? {} : { asOf });
    if (!checked.ok) return checked;
    const { rule, entry } = checked.value;
    const result = await preview(rule, entry.index, this.#evaluateOptions(entry));
    return result.ok ? result : err(invalidRule(result.error));
  }

  /** The members of a parsed rule on an entry. */
  async members(rule: Rule, entry: SegmentIndexEntry): Promise<SegmentResult<Members>> {
    const result = await evaluate(rule, entry.index, this.#evaluateOptions(entry));
    if (!result.ok) return err(invalidRule(result.error));
    return ok({ entry, rule, bitmap: result.value.bitmap, elapsedMs: result.value.elapsedMs });
  }

  /** The members of rule JSON on a day (checked against the catalogue first). */
  async ruleMembers(input: unknown, asOf?: string): Promise<SegmentResult<Members>> {
    const checked = await this.check(input, asOf === undefined ? {} : { asOf });
    if (!checked.ok) return checked;
    return this.members(checked.value.rule, checked.value.entry);
  }

  /** The members of a saved segment on a day: its current rule on that day's index. */
  async segmentMembers(id: string, asOf?: string): Promise<SegmentResult<Members & { version: number }>> {
    const row = await this.db
      .selectFrom('segments')
      .select(['rule', 'version', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return err({ code: 'not_found', message: `no segment ${id}` });
    const entry = await this.entry(asOf);
    const result = await this.members(row.rule as Rule, entry);
    return result.ok ? ok({ ...result.value, version: row.version }) : result;
  }

  /** The members of a population on a day: a saved segment's (its current rule) or a rule's. */
  populationMembers(population: Population, asOf?: string): Promise<SegmentResult<Members>> {
    return 'segmentId' in population
      ? this.segmentMembers(population.segmentId, asOf)
      : this.ruleMembers(population.rule, asOf);
  }

  #evaluateOptions(entry: SegmentIndexEntry) {
    return {
      today: entry.asOf,
      events: entry.resolver,
      segments: new Map([...entry.segments].map(([id, s]) => [id, s.rule])),
    };
  }
}
