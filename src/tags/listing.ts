import type { Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import type { CachedSnapshot } from './cache.ts';
import { loadDefinitions } from './definitions.ts';
import type { TagDefinition } from './definition.ts';
import { declaredValues } from './values.ts';
import type { Label } from './labels.ts';

// How tags are presented: definitions with their values' labels and the latest snapshot's counts and shares.

/** One value of a tag with its members on the snapshot day. */
export interface TagValueItem {
  readonly value: string;
  readonly label: Label;
  readonly members: number;
  readonly share: number;
}

/** A tag as GET /v1/tags lists it. */
export interface TagItem {
  readonly key: string;
  readonly version: number;
  readonly name: Label;
  readonly description: string | null;
  readonly category: TagDefinition['category'];
  readonly kind: TagDefinition['kind'];
  readonly status: TagDefinition['status'];
  readonly builtin: boolean;
  readonly spec: unknown;
  /** Share (0..1) of the snapshot's customers with any value of the tag. */
  readonly coverage: number;
  readonly values: TagValueItem[];
}

/** A tag as a rule builder needs it: names, status and declared values with labels. */
export interface TagValueInfo {
  readonly key: string;
  readonly name: Label;
  readonly category: TagDefinition['category'];
  readonly kind: TagDefinition['kind'];
  readonly status: TagDefinition['status'];
  /** Values the definition declares (sql and manual tags may hold others; see the snapshot). */
  readonly values: { value: string; label: Label }[];
}

/** Names and declared values (with labels) of the current version of every tag, retired ones included. */
export async function tagValueCatalogue(db: Kysely<Database>): Promise<Map<string, TagValueInfo>> {
  const defs = await loadDefinitions(db, { includeRetired: true });
  return new Map(
    defs.map((d) => [
      d.key,
      {
        key: d.key,
        name: { en: d.name_en, zh: d.name_zh },
        category: d.category,
        kind: d.kind,
        status: d.status,
        values: declaredValues(d),
      },
    ]),
  );
}

/** The label of a value: the declared one, else the value itself in both languages. */
export function valueLabel(def: TagDefinition, value: string): Label {
  return declaredValues(def).find((v) => v.value === value)?.label ?? { en: value, zh: value };
}

/** A definition with the snapshot's counts: declared values in their order, then values only the data holds. */
export function tagItem(def: TagDefinition, snapshot: CachedSnapshot | null): TagItem {
  const customers = snapshot?.customers ?? 0;
  const computed = snapshot?.tags.get(def.key);
  const declared = declaredValues(def);
  const seen = new Set(declared.map((d) => d.value));
  const extra = [...(computed?.keys() ?? [])].filter((v) => !seen.has(v)).sort();
  const share = (n: number) => (customers > 0 ? n / customers : 0);
  const values = [...declared, ...extra.map((value) => ({ value, label: { en: value, zh: value } }))].map(
    (v) => {
      const members = computed?.get(v.value)?.size ?? 0;
      return { value: v.value, label: v.label, members, share: share(members) };
    },
  );
  return {
    key: def.key,
    version: def.version,
    name: { en: def.name_en, zh: def.name_zh },
    description: def.description,
    category: def.category,
    kind: def.kind,
    status: def.status,
    builtin: def.builtin,
    spec: def.spec,
    coverage: share(snapshot?.covered.get(def.key) ?? 0),
    values,
  };
}
