import type { Issue } from '../../api/client.ts';
import type { Rule } from '../../api/rule.ts';
import type { EditableKind, TagCategory, TagDetail, TagInput } from '../../api/tags.ts';

// The create/edit form's state for the kinds the dashboard edits (src/tags/definition.ts has the specs):
//   attribute: { values: [{ value, label, rule }], default? }   first value whose rule matches
//   bucket:    { field, buckets: [{ value, label, min?, max? }], missing? }   [min, max) bands of a number field
//   manual:    { values?: [{ value, label }] }   values imported from CSV

export interface ValueDraft {
  value: string;
  en: string;
  zh: string;
  min?: number | null;
  max?: number | null;
  rule?: Rule;
}

export interface TagDraft {
  key: string;
  name_en: string;
  name_zh: string;
  description: string;
  category: TagCategory;
  kind: EditableKind;
  field: string;
  values: ValueDraft[];
  /** `default` (attribute) or `missing` (bucket): the value of customers no row covers. */
  fallback: { enabled: boolean; value: string; en: string; zh: string };
}

export const NEW_DRAFT: TagDraft = {
  key: '',
  name_en: '',
  name_zh: '',
  description: '',
  category: 'custom',
  kind: 'bucket',
  field: '',
  values: [],
  fallback: { enabled: false, value: 'unknown', en: 'Unknown', zh: '未知' },
};

interface LabelledValue {
  value: string;
  label: { en: string; zh: string };
}
interface SpecShape {
  field?: string;
  values?: (LabelledValue & { rule?: Rule })[];
  buckets?: (LabelledValue & { min?: number; max?: number })[];
  default?: LabelledValue;
  missing?: LabelledValue;
}

const toRow = (v: LabelledValue): ValueDraft => ({ value: v.value, en: v.label.en, zh: v.label.zh });

/** A stored definition as the form's state. */
export function draftFromTag(tag: TagDetail): TagDraft {
  const spec = (tag.spec ?? {}) as SpecShape;
  const kind = (tag.kind === 'attribute' || tag.kind === 'manual' ? tag.kind : 'bucket') as EditableKind;
  const fallback = spec.default ?? spec.missing;
  return {
    key: tag.key,
    name_en: tag.name.en,
    name_zh: tag.name.zh,
    description: tag.description ?? '',
    category: tag.category,
    kind,
    field: spec.field ?? '',
    values:
      kind === 'bucket'
        ? (spec.buckets ?? []).map((b) => ({ ...toRow(b), min: b.min ?? null, max: b.max ?? null }))
        : (spec.values ?? []).map((v) => ({ ...toRow(v), ...(v.rule ? { rule: v.rule } : {}) })),
    fallback: fallback
      ? { enabled: true, value: fallback.value, en: fallback.label.en, zh: fallback.label.zh }
      : NEW_DRAFT.fallback,
  };
}

const labelled = (v: { value: string; en: string; zh: string }): LabelledValue => ({
  value: v.value.trim(),
  label: { en: v.en.trim(), zh: v.zh.trim() },
});

/** The spec the form describes, in the API's form. */
export function specOf(d: TagDraft): unknown {
  const fallback = d.fallback.enabled ? labelled(d.fallback) : undefined;
  switch (d.kind) {
    case 'attribute':
      return {
        values: d.values.map((v) => ({ ...labelled(v), rule: v.rule ?? { all: [] } })),
        ...(fallback ? { default: fallback } : {}),
      };
    case 'bucket':
      return {
        field: d.field,
        buckets: d.values.map((v) => ({
          ...labelled(v),
          ...(typeof v.min === 'number' ? { min: v.min } : {}),
          ...(typeof v.max === 'number' ? { max: v.max } : {}),
        })),
        ...(fallback ? { missing: fallback } : {}),
      };
    case 'manual':
      return d.values.length > 0 ? { values: d.values.map(labelled) } : {};
  }
}

/** The body of POST /v1/tags. */
export function inputOf(d: TagDraft): TagInput {
  return {
    key: d.key.trim(),
    name_en: d.name_en.trim(),
    name_zh: d.name_zh.trim(),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    category: d.category,
    kind: d.kind,
    spec: specOf(d),
  };
}

/** Issues about `prefix` itself or anything below it (`spec.buckets[1]` covers `spec.buckets[1].min`). */
export function issuesAt(issues: readonly Issue[], prefix: string): Issue[] {
  return issues.filter(
    (i) => i.path === prefix || i.path.startsWith(`${prefix}.`) || i.path.startsWith(`${prefix}[`),
  );
}

/** The spec list the rows of a kind live in. */
export function rowsPath(kind: EditableKind): string {
  return kind === 'bucket' ? 'spec.buckets' : 'spec.values';
}
