import type { SegmentIndexEntry } from './index-cache.ts';
import type { AttrType } from './predicate.ts';
import { PRODUCT_CATEGORIES } from './rule.ts';
import type { Bilingual } from './tag-source.ts';

// What a rule builder needs for its dropdowns, from the cached index of the day: tags with names and value labels,
// attributes with their types (and the values of small string dictionaries), holdings categories, events with their
// properties, saved segments and lists.

/** String attributes with at most this many distinct values list them (city, tier); larger ones are free text. */
export const SMALL_DICTIONARY = 50;

export interface CatalogueView {
  readonly asOf: string;
  /** The day of the tag snapshot the tags come from, or null when tags were never computed. */
  readonly tagsAsOf: string | null;
  readonly customers: number;
  readonly tags: { key: string; name: Bilingual; values: { value: string; label: Bilingual }[] }[];
  readonly attributes: { name: string; type: AttrType; values?: string[] }[];
  readonly holdings: string[];
  readonly events: { name: string; properties: string[] }[];
  readonly segments: { id: string; name: string }[];
  readonly lists: { id: string; name: string; members: number }[];
}

/** The builder's catalogue for an index entry. */
export async function catalogueView(entry: SegmentIndexEntry): Promise<CatalogueView> {
  const described = entry.index.describe();
  const info = entry.base.tagInfo;
  const tags = [...described.tags]
    .map(([key, values]) => {
      const defined = info.get(key);
      const labels = new Map(defined?.values.map((v) => [v.value, v.label]));
      // declared values first, in the definition's order; values only the snapshot knows after them
      const ordered = [
        ...(defined?.values.map((v) => v.value) ?? []),
        ...values.filter((v) => !labels.has(v)).sort(),
      ].filter((v) => values.includes(v));
      return {
        key,
        name: defined?.name ?? { en: key, zh: key },
        values: ordered.map((value) => ({ value, label: labels.get(value) ?? { en: value, zh: value } })),
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const attributes = [...described.attributes].map(([name, type]) => {
    const column = entry.index.attribute(name);
    if (column?.type === 'string' && column.column.dictionary.length <= SMALL_DICTIONARY)
      return { name, type, values: [...column.column.dictionary].sort() };
    return { name, type };
  });
  return {
    asOf: entry.asOf,
    tagsAsOf: entry.base.tagsAsOf,
    customers: entry.index.size,
    tags,
    attributes,
    holdings: [...PRODUCT_CATEGORIES],
    events: await entry.events(),
    segments: [...entry.segments.values()]
      .map((s) => ({ id: s.id, name: s.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    lists: [...entry.lists.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
