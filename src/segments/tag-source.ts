import type { Kysely } from 'kysely';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Database } from '../store/operational/database.ts';

// What the segment engine needs of tags, as types and a port: the tag module (src/tags/segment-source.ts) implements
// it and whoever builds a SegmentService passes it in, so that src/segments never imports src/tags (eslint.layers.js).

/** Tag values of one business day: tag → value → customers (ordinals). */
export interface TagSnapshot {
  /** The day the values were computed for, or null when no snapshot exists on or before the day asked. */
  readonly asOf: string | null;
  readonly tags: Map<string, Map<string, RoaringBitmap32>>;
}

/** Text in both UI languages. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

/** A defined tag as the rule builder and the portrait show it. */
export interface TagInfo {
  readonly key: string;
  readonly name: Bilingual;
  readonly status: 'active' | 'retired';
  /** Values the definition can produce, with labels; a snapshot may hold others (manual and SQL tags). */
  readonly values: readonly { value: string; label: Bilingual }[];
}

/** Where the segment index reads tags from (the tag module's `tagSource`). */
export interface TagSource {
  /** The latest tag snapshot on or before `asOf`: an index of day D uses the tags computed for D or before. */
  latest(db: Kysely<Database>, asOf: string): Promise<TagSnapshot>;
  /** The latest version of every tag definition, with names and value labels. */
  info(db: Kysely<Database>): Promise<Map<string, TagInfo>>;
}
