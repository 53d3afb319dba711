import { z } from 'zod';
import { text } from '../shared/text.ts';

// The one public JSON form of a customer-group rule (API, CLI, import/export, dashboard): its grammar, its limits and
// its zod schema, registered as the OpenAPI component `Rule`. The TypeScript types are written out by hand because the
// rule is recursive; each zod schema is annotated with its type so the two cannot drift apart. Shape only lives here:
// whether a tag, attribute or segment exists, and whether a value suits an attribute's type, is checked against a
// catalogue in src/segments/validate.ts; parsing with messages located by JSON path is src/segments/parse.ts.

/** Product categories a `holds` condition may name (the same list as the operational store's check constraint). */
export const PRODUCT_CATEGORIES = [
  'current_deposit',
  'time_deposit',
  'wealth',
  'fund',
  'insurance',
  'loan',
  'credit_card',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** Limits that keep a rule cheap to validate and evaluate, and keep recursion far from the stack limit. */
export const RULE_LIMITS = {
  /** Nesting depth; a leaf at the root has depth 1. */
  maxDepth: 12,
  /** Rule objects in the whole tree, groups included. */
  maxNodes: 500,
  /** Items in one `in` list or in one group. */
  maxValues: 1000,
  /** Length of any name, value or seed. */
  maxString: 256,
  /** Property conditions in one event `where`. */
  maxWhere: 20,
  /** Largest `within_days`: ten years. */
  maxWithinDays: 3660,
} as const;

export type Scalar = number | string | boolean;

/** Numeric bounds, all optional and combined with AND; `eq` is shorthand for gte = lte. */
export interface Bounds {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

export type ComparisonOp = '<' | '<=' | '>' | '>=';
export type AttrOp = '=' | '!=' | ComparisonOp | 'between' | 'in' | 'contains' | 'empty';
export const ATTR_OPS: readonly AttrOp[] = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'between',
  'in',
  'contains',
  'empty',
];

/** `{"attr":"age","op":"between","value":[30,40]}`: the value's shape depends on the op. */
export type AttrRule =
  | { attr: string; op: '=' | '!='; value: Scalar }
  | { attr: string; op: ComparisonOp; value: number | string }
  | { attr: string; op: 'between'; value: [number | string, number | string] }
  | { attr: string; op: 'in'; value: Scalar[] }
  | { attr: string; op: 'contains'; value: string }
  | { attr: string; op: 'empty'; value: boolean };

/** `{"tag":"aum_tier","in":["gold","platinum"]}`: carries any of the tag values. */
export interface TagRule {
  tag: string;
  in: string[];
}

/** `{"holds":"fund","balance":{"gte":10000}}`: holds the category, with the category's total balance in bounds. */
export interface HoldsRule {
  holds: ProductCategory;
  balance?: Bounds;
}

/** A condition on one event property; several keys combine with AND. A missing property matches nothing. */
export interface PropertyPredicate {
  eq?: Scalar;
  ne?: Scalar;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
  in?: Scalar[];
  contains?: string;
}

/** Sum of a numeric event property, with bounds on the sum. */
export interface SumBounds extends Bounds {
  property: string;
}

/**
 * `{"event":"purchase","count":{"gte":2},"within_days":30,"where":{"channel":"app"}}`. Without `count` or `sum`
 * it means "did it at least once". A customer without matching events has count 0 and sum 0.
 */
export interface EventRule {
  event: string;
  count?: Bounds;
  sum?: SumBounds;
  within_days?: number;
  from?: string;
  to?: string;
  where?: Record<string, Scalar | PropertyPredicate>;
}

export interface SegmentRule {
  segment: string;
}
export interface ListRule {
  list: string;
}
export interface SampleRule {
  sample: { percent: number; seed: string };
}
// Groups are generic in their nested rules so that other forms of the tree share the grammar: a shallow parse
// (`AllRule<unknown>`, parse.ts) and the dashboard's draft, whose conditions may not be filled in yet.
export interface AllRule<R = Rule> {
  all: R[];
}
export interface AnyRule<R = Rule> {
  any: R[];
}
export interface NotRule<R = Rule> {
  not: R;
}

/** A condition: a rule object without nested rules. */
export type LeafRule = TagRule | AttrRule | HoldsRule | EventRule | SegmentRule | ListRule | SampleRule;

export type Rule = AllRule | AnyRule | NotRule | LeafRule;

/** The kind keys of groups, whose values are nested rules. */
export const GROUP_KINDS = ['all', 'any', 'not'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
/** The kind keys of conditions. */
export const LEAF_KINDS = ['tag', 'attr', 'holds', 'event', 'segment', 'list', 'sample'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];
/** The key that identifies each kind of rule object; a rule object carries exactly one of them. */
export const RULE_KINDS = [...GROUP_KINDS, ...LEAF_KINDS] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

// ---- zod schemas ---------------------------------------------------------------------------------------------

const name = text().min(1, 'must not be empty').max(RULE_LIMITS.maxString);
const value = text().max(RULE_LIMITS.maxString);
const finite = z.number({ error: 'expected a finite number' });
const scalar = z.union([finite, value, z.boolean()], { error: 'expected a number, string or boolean' });
const orderable = z.union([finite, value], { error: 'expected a number or a date string' });

const bounds = z.strictObject({
  gt: finite.optional(),
  gte: finite.optional(),
  lt: finite.optional(),
  lte: finite.optional(),
  eq: finite.optional(),
}) satisfies z.ZodType<Bounds>;

const attrSchema = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ attr: name, op: z.enum(['=', '!=']), value: scalar }),
    z.strictObject({ attr: name, op: z.enum(['<', '<=', '>', '>=']), value: orderable }),
    z.strictObject({
      attr: name,
      op: z.literal('between'),
      value: z.tuple([orderable, orderable], { error: 'between needs [lo, hi]' }),
    }),
    z.strictObject({
      attr: name,
      op: z.literal('in'),
      value: z
        .array(scalar, { error: 'in needs a list of values' })
        .min(1, 'in needs at least one value')
        .max(RULE_LIMITS.maxValues),
    }),
    z.strictObject({
      attr: name,
      op: z.literal('contains'),
      value: z.string({ error: 'contains needs a string' }),
    }),
    z.strictObject({
      attr: name,
      op: z.literal('empty'),
      value: z.boolean({ error: 'empty needs true or false' }),
    }),
  ],
  { error: `op must be one of ${ATTR_OPS.join(' ')}` },
) satisfies z.ZodType<AttrRule>;

const propertyPredicate = z.strictObject({
  eq: scalar.optional(),
  ne: scalar.optional(),
  gt: orderable.optional(),
  gte: orderable.optional(),
  lt: orderable.optional(),
  lte: orderable.optional(),
  in: z.array(scalar).min(1).max(RULE_LIMITS.maxValues).optional(),
  contains: value.optional(),
}) satisfies z.ZodType<PropertyPredicate>;

const eventSchema = z.strictObject({
  event: name,
  count: bounds.optional(),
  sum: bounds.extend({ property: name }).optional(),
  within_days: z
    .number()
    .int('within_days must be a whole number of days')
    .min(1, 'within_days must be at least 1')
    .max(RULE_LIMITS.maxWithinDays)
    .optional(),
  // Checked as days (src/shared/day.ts) with the window, where a wrong one is a bad_window.
  from: value.optional(),
  to: value.optional(),
  where: z
    .record(name, z.union([scalar, propertyPredicate], { error: 'expected a value or a condition object' }))
    .refine(
      (w) => Object.keys(w).length <= RULE_LIMITS.maxWhere,
      `at most ${RULE_LIMITS.maxWhere} properties`,
    )
    .optional(),
}) satisfies z.ZodType<EventRule>;

/** The object schema of each kind, with `child` as the schema of nested rules. */
export function kindSchemas<C extends z.ZodType>(child: C) {
  const children = z.array(child, { error: 'expected a list of rules' }).max(RULE_LIMITS.maxValues);
  return {
    all: z.strictObject({ all: children }),
    any: z.strictObject({ any: children }),
    not: z.strictObject({ not: child }),
    tag: z.strictObject({
      tag: name,
      in: z
        .array(name, { error: 'in needs a list of tag values' })
        .min(1, 'in needs at least one tag value')
        .max(RULE_LIMITS.maxValues),
    }) satisfies z.ZodType<TagRule>,
    attr: attrSchema,
    holds: z.strictObject({
      holds: z.enum(PRODUCT_CATEGORIES, { error: `holds must be one of ${PRODUCT_CATEGORIES.join(', ')}` }),
      balance: bounds.optional(),
    }) satisfies z.ZodType<HoldsRule>,
    event: eventSchema,
    segment: z.strictObject({ segment: name }) satisfies z.ZodType<SegmentRule>,
    list: z.strictObject({ list: name }) satisfies z.ZodType<ListRule>,
    sample: z.strictObject({
      sample: z.strictObject({ percent: finite, seed: name }),
    }) satisfies z.ZodType<SampleRule>,
  } as const;
}

/** Rules as the OpenAPI document shows them: one of each kind of condition, and groups. */
const RULE_EXAMPLES: Rule[] = [
  { tag: 'aum_tier', in: ['gold', 'platinum'] },
  { attr: 'age', op: 'between', value: [30, 40] },
  { holds: 'fund', balance: { gte: 10_000 } },
  { event: 'purchase', count: { gte: 2 }, within_days: 30, where: { channel: 'app' } },
  { all: [{ segment: 'high_value' }, { not: { list: 'do_not_contact' } }] },
  { any: [{ tag: 'activity', in: ['active'] }, { sample: { percent: 10, seed: 'campaign-7' } }] },
];

/**
 * The recursive rule schema (OpenAPI component `Rule`; nested rules refer back to it). Routes validate rule positions
 * with `parseRule` (src/segments/parse.ts) before it: it picks the branch by the rule's kind key, so its messages
 * point at the real problem rather than at a union.
 */
export const RuleSchema: z.ZodType<Rule> = z
  .lazy(() => z.union(Object.values(kindSchemas(RuleSchema))))
  .meta({
    id: 'Rule',
    description:
      'A customer-group rule: exactly one kind key per object — groups all/any/not, conditions ' +
      `tag/attr/holds/event/segment/list/sample; at most ${RULE_LIMITS.maxDepth} levels and ` +
      `${RULE_LIMITS.maxNodes} objects (src/segments/README.md)`,
    examples: RULE_EXAMPLES,
  });
