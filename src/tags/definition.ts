import { z } from 'zod';
import { checkRule, type Catalogue } from '../segments/validate.ts';
import { parseRule } from '../segments/parse.ts';
import type { Rule, RuleKind } from '../segments/rule.ts';
import { everyLeaf, walkRule } from '../segments/rule-walk.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { TRANSACTION_KINDS } from '../store/events/store.ts';
import type { TagCategory, TagKind } from '../store/operational/database.ts';
import { FIELDS } from './fields.ts';
import { LIFECYCLE_STAGES } from './labels.ts';

// Tag definitions: one zod schema per kind (discriminated by `kind`), then the checks zod cannot express (rules
// against the field catalogue, unique values, bucket order). Every problem is reported with its path.

export const TAG_CATEGORIES = [
  'demographics',
  'value',
  'behaviour',
  'product',
  'loyalty',
  'cash_flow',
  'reachability',
  'lifecycle',
  'custom',
] as const satisfies readonly TagCategory[];
export const TAG_KINDS = [
  'attribute',
  'bucket',
  'tier',
  'rfm',
  'event',
  'lifecycle',
  'sql',
  'manual',
] as const satisfies readonly TagKind[];

const label = z.strictObject({
  en: z.string().trim().min(1).max(100),
  zh: z.string().trim().min(1).max(100),
});
/** Value keys of computed tags: short lower-case identifiers. */
const valueKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_]{0,63}$/, 'value must be lower-case letters, digits and _ (at most 64)');
/** Values of imported and SQL tags: any short text without control characters. */
const freeValue = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]+$/u, 'value must not contain control characters');
const ruleJson = z.unknown().refine((v) => typeof v === 'object' && v !== null, 'expected a rule object');
const bound = z.number().finite();
const bucket = z.strictObject({ value: valueKey, label, min: bound.optional(), max: bound.optional() });
const labelled = z.strictObject({ value: valueKey, label });

/** attribute: the first value whose rule matches (rules over profile, holdings and consent facts). */
export const attributeSpec = z.strictObject({
  values: z
    .array(z.strictObject({ value: valueKey, label, rule: ruleJson }))
    .min(1)
    .max(50),
  /** Value of customers no rule matches; none when omitted. */
  default: labelled.optional(),
});
/** bucket: numeric field into [min, max) bands; the first band that holds the value wins. */
export const bucketSpec = z.strictObject({
  field: z.string().min(1),
  buckets: z.array(bucket).min(1).max(50),
  /** Value of customers whose field is empty; none when omitted. */
  missing: labelled.optional(),
});
/** tier: bank tier by monthly daily-average AUM, with upgrade next month and delayed downgrade. */
export const tierSpec = z.strictObject({
  thresholds: z
    .strictObject({
      gold: bound.positive(),
      platinum: bound.positive(),
      diamond: bound.positive(),
      private: bound.positive(),
    })
    .default({ gold: 50_000, platinum: 500_000, diamond: 1_000_000, private: 6_000_000 }),
  downgrade_after_months: z.number().int().min(1).max(24).default(3),
  private_downgrade_after_months: z.number().int().min(1).max(24).default(6),
  /** Months of history to replay when no tier state is stored yet. */
  history_months: z.number().int().min(1).max(60).default(12),
});
/** rfm: recency, frequency and monetary value of transactions in a window; one output per tag. */
export const rfmSpec = z.strictObject({
  window_days: z.number().int().min(1).max(3660).default(365),
  kinds: z
    .array(z.enum(TRANSACTION_KINDS))
    .min(1)
    .default(['purchase', 'deposit', 'withdrawal', 'transfer_out']),
  /** Channels left out: automatic flows (salary credits) say nothing about the customer's own behaviour. */
  exclude_channels: z.array(z.string().min(1).max(64)).max(50).default(['payroll']),
  /** What "high" is measured against: the mean or the median of the customers with transactions. */
  split: z.enum(['mean', 'median']).default('mean'),
  /** group: the eight RFM groups; recency / frequency / monetary: quintile scores 1 (low) … 5 (high). */
  output: z.enum(['group', 'recency', 'frequency', 'monetary']).default('group'),
});
/** event: count (or sum of a numeric property) of events in a window, bucketed. No events = 0. */
export const eventSpec = z.strictObject({
  /** Event name; null counts every event. */
  event: z.string().min(1).max(256).nullable(),
  measure: z.enum(['count', 'sum']).default('count'),
  property: z.string().min(1).max(256).optional(),
  window_days: z.number().int().min(1).max(3660),
  where: z.record(z.string(), z.unknown()).optional(),
  buckets: z.array(bucket).min(1).max(50),
});
/** lifecycle: the seven stages, each with a rule; the first stage whose rule matches wins. */
export const lifecycleSpec = z.strictObject({
  stages: z
    .array(
      z.strictObject({ value: z.enum(LIFECYCLE_STAGES), label: label.optional(), rule: ruleJson.optional() }),
    )
    .min(1)
    .max(7),
});
/** sql: read-only SQL returning (customer_id or customer_no, value). `{as_of}` is replaced by the business day. */
export const sqlSpec = z.strictObject({
  store: z.enum(['operational', 'events']).default('operational'),
  sql: z.string().trim().min(1).max(20_000),
  timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
  values: z
    .array(z.strictObject({ value: freeValue, label }))
    .max(200)
    .optional(),
});
/** manual: values imported from CSV; when `values` is given, imports must use them. */
export const manualSpec = z.strictObject({
  values: z
    .array(z.strictObject({ value: freeValue, label }))
    .max(200)
    .optional(),
});

export type AttributeSpec = z.infer<typeof attributeSpec>;
export type BucketSpec = z.infer<typeof bucketSpec>;
export type TierSpec = z.infer<typeof tierSpec>;
export type RfmSpec = z.infer<typeof rfmSpec>;
export type EventSpec = z.infer<typeof eventSpec>;
export type LifecycleSpec = z.infer<typeof lifecycleSpec>;
export type SqlSpec = z.infer<typeof sqlSpec>;
export type ManualSpec = z.infer<typeof manualSpec>;

const SPECS = {
  attribute: attributeSpec,
  bucket: bucketSpec,
  tier: tierSpec,
  rfm: rfmSpec,
  event: eventSpec,
  lifecycle: lifecycleSpec,
  sql: sqlSpec,
  manual: manualSpec,
} as const;

/** A definition's kind with its parsed spec. */
export type KindSpec =
  | { kind: 'attribute'; spec: AttributeSpec }
  | { kind: 'bucket'; spec: BucketSpec }
  | { kind: 'tier'; spec: TierSpec }
  | { kind: 'rfm'; spec: RfmSpec }
  | { kind: 'event'; spec: EventSpec }
  | { kind: 'lifecycle'; spec: LifecycleSpec }
  | { kind: 'sql'; spec: SqlSpec }
  | { kind: 'manual'; spec: ManualSpec };

/** What a user gives to create (or, without key, to version) a tag. */
export type TagInput = {
  key: string;
  name_en: string;
  name_zh: string;
  description: string | null;
  category: TagCategory;
} & KindSpec;

/** A stored definition (one version). */
export type TagDefinition = TagInput & {
  readonly version: number;
  readonly status: 'active' | 'retired';
  readonly builtin: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
};

/** One problem with a definition: JSON path (`spec.values[2].rule.all[0]`) and message. */
export interface TagIssue {
  readonly path: string;
  readonly message: string;
  /** Where in an SQL tag's statement (1-based), when the parser located it. */
  readonly line?: number;
  readonly column?: number;
}

const common = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'key must start with a letter; lower-case letters, digits, _'),
  name_en: z.string().trim().min(1).max(100),
  name_zh: z.string().trim().min(1).max(100),
  description: z.string().max(2000).nullable().optional(),
  category: z.enum(TAG_CATEGORIES),
  kind: z.enum(TAG_KINDS),
  spec: z.unknown(),
});

const zodPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)),
    '',
  );
const zodIssues = (error: z.ZodError, prefix = ''): TagIssue[] =>
  error.issues.map((i) => ({
    path: [prefix, zodPath(i.path)].filter(Boolean).join('.'),
    message: i.message,
  }));

/** Parses and checks a definition body; every problem with its path, or the typed input. */
export function parseTagInput(body: unknown): Result<TagInput, TagIssue[]> {
  const head = common.safeParse(body);
  if (!head.success) return err(zodIssues(head.error));
  const { kind } = head.data;
  const spec = SPECS[kind].safeParse(head.data.spec ?? {});
  if (!spec.success) return err(zodIssues(spec.error, 'spec'));
  const input = { ...head.data, description: head.data.description ?? null, spec: spec.data } as TagInput;
  const issues = checkSpec(input);
  return issues.length > 0 ? err(issues) : ok(input);
}

/** Rule kinds each rule-based tag may use: facts only, plus events for lifecycle stages. */
const ALLOWED: Record<'attribute' | 'lifecycle', ReadonlySet<RuleKind>> = {
  attribute: new Set(['all', 'any', 'not', 'attr', 'holds']),
  lifecycle: new Set(['all', 'any', 'not', 'attr', 'holds', 'event']),
};

// Event names are not checked against the event store: a tag may be defined before its events arrive.
class AnyEventName extends Set<string> {
  override has(): boolean {
    return true;
  }
}

const FIELD_CATALOGUE: Catalogue = {
  tags: new Map(),
  attributes: new Map([...FIELDS.values()].map((f) => [f.name, { type: f.type }])),
  segments: new Map(),
  lists: new Set(),
  events: new AnyEventName(),
};

/** Parses a rule of a rule-based tag and checks it against the fact catalogue. */
export function checkTagRule(
  json: unknown,
  allowed: 'attribute' | 'lifecycle',
  path: string,
): Result<Rule, TagIssue[]> {
  const parsed = parseRule(json);
  if (!parsed.ok)
    return err(parsed.error.map((i) => ({ path: rulePath(path, i.path, i.field), message: i.message })));
  const issues: TagIssue[] = [];
  const check = (kind: RuleKind, at: string) => {
    if (!ALLOWED[allowed].has(kind))
      issues.push({
        path: rulePath(path, at),
        message: `${allowed} tags may use ${[...ALLOWED[allowed]].join(', ')} conditions, not '${kind}'`,
      });
  };
  walkRule(parsed.value, {
    all: (_children, at) => check('all', at),
    any: (_children, at) => check('any', at),
    not: (_child, at) => check('not', at),
    ...everyLeaf((_rule, kind, at) => check(kind, at)),
  });
  // Conditions of a kind the tag may not use were reported above; the catalogue check covers the rest.
  const refused = new Set(issues.map((i) => i.path));
  for (const i of checkRule(parsed.value, FIELD_CATALOGUE)) {
    const at = rulePath(path, i.path);
    if (!refused.has(at)) issues.push({ path: rulePath(path, i.path, i.field), message: i.message });
  }
  return issues.length > 0 ? err(issues) : ok(parsed.value);
}

function rulePath(base: string, jsonPath: string, field?: string): string {
  const rest = jsonPath.replace(/^\$/, '');
  return `${base}${rest}${field ? `.${field}` : ''}`;
}

function checkSpec(input: TagInput): TagIssue[] {
  const issues: TagIssue[] = [];
  const unique = (values: readonly { value: string }[], path: string) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v.value))
        issues.push({ path: `${path}[${i}].value`, message: `duplicate value '${v.value}'` });
      seen.add(v.value);
    });
  };
  const buckets = (list: readonly { min?: number | undefined; max?: number | undefined }[], path: string) =>
    list.forEach((b, i) => {
      if (b.min !== undefined && b.max !== undefined && b.min >= b.max)
        issues.push({ path: `${path}[${i}]`, message: `min (${b.min}) must be below max (${b.max})` });
    });
  switch (input.kind) {
    case 'attribute': {
      const { spec } = input;
      unique([...spec.values, ...(spec.default ? [spec.default] : [])], 'spec.values');
      spec.values.forEach((v, i) => {
        const rule = checkTagRule(v.rule, 'attribute', `spec.values[${i}].rule`);
        if (!rule.ok) issues.push(...rule.error);
      });
      break;
    }
    case 'bucket': {
      const field = FIELDS.get(input.spec.field);
      if (!field) issues.push({ path: 'spec.field', message: `unknown field '${input.spec.field}'` });
      else if (field.type !== 'number')
        issues.push({
          path: 'spec.field',
          message: `bucket needs a number field; '${field.name}' is a ${field.type}`,
        });
      unique([...input.spec.buckets, ...(input.spec.missing ? [input.spec.missing] : [])], 'spec.buckets');
      buckets(input.spec.buckets, 'spec.buckets');
      break;
    }
    case 'tier': {
      const t = input.spec.thresholds;
      if (!(t.gold < t.platinum && t.platinum < t.diamond && t.diamond < t.private))
        issues.push({
          path: 'spec.thresholds',
          message: 'thresholds must rise: gold < platinum < diamond < private',
        });
      break;
    }
    case 'event': {
      const { spec } = input;
      if (spec.measure === 'sum' && !spec.property)
        issues.push({ path: 'spec.property', message: 'a sum needs the numeric property to add up' });
      unique(spec.buckets, 'spec.buckets');
      buckets(spec.buckets, 'spec.buckets');
      if (spec.where) {
        const rule = checkTagRule({ event: spec.event ?? 'any', where: spec.where }, 'lifecycle', 'spec');
        if (!rule.ok) issues.push(...rule.error);
      }
      break;
    }
    case 'lifecycle': {
      const { stages } = input.spec;
      unique(stages, 'spec.stages');
      stages.forEach((s, i) => {
        if (s.rule === undefined) {
          if (i !== stages.length - 1)
            issues.push({
              path: `spec.stages[${i}].rule`,
              message: 'only the last stage may go without a rule',
            });
          return;
        }
        const rule = checkTagRule(s.rule, 'lifecycle', `spec.stages[${i}].rule`);
        if (!rule.ok) issues.push(...rule.error);
      });
      break;
    }
    case 'sql':
      // The statement itself is checked on the engine's parse tree by the service (src/tags/sandbox), which needs
      // the stores; here only its shape.
      if (input.spec.values) unique(input.spec.values, 'spec.values');
      break;
    case 'manual':
      if (input.spec.values) unique(input.spec.values, 'spec.values');
      break;
    case 'rfm':
      break;
  }
  return issues;
}
