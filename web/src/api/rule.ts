// The public JSON form of a customer-group rule. Requests and answers carry it as `ApiRule`, the type the server's
// OpenAPI document gives it (the `Rule` component of schema.d.ts); the builder's grammar below is the server's
// (src/contracts/rule.ts through src/segments/rule.ts), imported as types only and erased from the bundle. The
// builder edits that form directly, so the JSON view, the live count and the saved rule are always the same object.
import { every, type Schema } from './types.ts';
import type {
  AllRule,
  AnyRule,
  AttrOp,
  AttrRule as CheckedAttrRule,
  LeafKind,
  LeafRule,
  NotRule,
  ProductCategory,
  RuleKind,
  Scalar,
} from '../../../src/segments/rule.ts';

export type {
  AttrOp,
  Bounds,
  EventRule,
  HoldsRule,
  LeafKind,
  ListRule,
  ProductCategory,
  PropertyPredicate,
  RuleKind,
  SampleRule,
  Scalar,
  SegmentRule,
  TagRule,
} from '../../../src/segments/rule.ts';

/** A rule as the API's document describes it (the `Rule` component): what every route taking a rule takes. */
export type ApiRule = Schema<'Rule'>;

/**
 * The builder's draft (or JSON a user typed) as the rule a request carries. Deliberately unchecked here: the server
 * checks every rule it is sent and answers `invalid_rule` with the path of each unfinished or wrong part, which the
 * builder shows on the node.
 */
export function toApiRule(draft: Rule | unknown): ApiRule {
  return draft as ApiRule;
}

/**
 * An attribute condition as the builder holds it: until the user fills it in, the value may be missing (null) or
 * not yet of the op's shape. The server answers such a rule with issues at its path.
 */
export interface AttrRule {
  attr: string;
  op: AttrOp;
  value: CheckedAttrRule['value'] | null | (Scalar | null)[];
}

/** A rule in the builder: the server's grammar, with attribute conditions that may not be filled in yet. */
export type Rule =
  AllRule<Rule> | AnyRule<Rule> | NotRule<Rule> | Exclude<LeafRule, CheckedAttrRule> | AttrRule;

// The server's kind lists are values, which a type-only import cannot bring; these are checked against its kinds.
export const LEAF_KINDS = [
  'tag',
  'attr',
  'holds',
  'event',
  'segment',
  'list',
  'sample',
] as const satisfies readonly LeafKind[];
export const RULE_KINDS = every<RuleKind>()(['all', 'any', 'not', ...LEAF_KINDS]);

/** The catalogue's holdings: the server's product categories (src/segments/catalogue.ts), typed there as text. */
export function productCategories(catalogue: {
  readonly holdings: readonly string[];
}): readonly ProductCategory[] {
  return catalogue.holdings as readonly ProductCategory[];
}

/** The kind key a rule object carries, or null for something that is not a rule object. */
export function ruleKind(rule: unknown): RuleKind | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return null;
  for (const kind of RULE_KINDS) if (kind in rule) return kind;
  return null;
}

/** A rule the API answered with (a saved segment's) or a user typed, or null when it is not a rule object. */
export function asRule(value: unknown): Rule | null {
  return ruleKind(value) ? (value as Rule) : null;
}

/** The rule objects of one kind. */
export type RuleOf<K extends RuleKind> = Extract<Rule, Record<K, unknown>>;

/**
 * The builder's one dispatch on a rule object's kind: the case for its kind, else `other` — also for a value that
 * is not a rule object, which JSON typed by hand may put anywhere in the tree.
 */
export function matchRule<T>(
  rule: Rule,
  cases: { readonly [K in RuleKind]?: (rule: RuleOf<K>) => T },
  other: (rule: Rule) => T,
): T {
  const kind = ruleKind(rule);
  const match = kind === null ? undefined : (cases[kind] as ((rule: Rule) => T) | undefined);
  return match ? match(rule) : other(rule);
}

/** One step below a rule object: a group's child (`all`/`any` and an index) or `not`'s child. */
export type Step = readonly ['all' | 'any', number] | readonly ['not'];

/** The JSON path the server uses for a node: `$`, `$.all[2]`, `$.all[2].not.any[0]`. */
export function pathText(steps: readonly Step[]): string {
  return steps.reduce((p, s) => (s[0] === 'not' ? `${p}.not` : `${p}.${s[0]}[${s[1]}]`), '$');
}

/** The rule with the node at `steps` replaced by `fn(node)`; `fn` returning undefined removes it from its group. */
export function updateAt(
  rule: Rule,
  steps: readonly Step[],
  fn: (node: Rule) => Rule | undefined,
): Rule | undefined {
  const [first, ...rest] = steps;
  if (!first) return fn(rule);
  const within = (children: readonly Rule[], at: number): Rule[] => {
    const next: Rule[] = [];
    children.forEach((child, i) => {
      if (i !== at) next.push(child);
      else {
        const updated = updateAt(child, rest, fn);
        if (updated !== undefined) next.push(updated);
      }
    });
    return next;
  };
  // A step that does not fit the node (the JSON was edited meanwhile) changes nothing.
  return matchRule<Rule | undefined>(
    rule,
    {
      all: (group) => (first[0] === 'all' ? { all: within(group.all, first[1]) } : rule),
      any: (group) => (first[0] === 'any' ? { any: within(group.any, first[1]) } : rule),
      not: (negation) => {
        if (first[0] !== 'not') return rule;
        const child = updateAt(negation.not, rest, fn);
        // Removing the only child of a negation removes the negation.
        return child === undefined ? undefined : { not: child };
      },
    },
    () => rule,
  );
}

/** A new condition of a kind with sensible starting values from the catalogue. */
export function blankRule(
  kind: RuleKind,
  hint: { tag?: string; attr?: string; holds?: ProductCategory; event?: string },
): Rule {
  switch (kind) {
    case 'all':
      return { all: [] };
    case 'any':
      return { any: [] };
    case 'not':
      return { not: { all: [] } };
    case 'tag':
      return { tag: hint.tag ?? '', in: [] };
    case 'attr':
      return { attr: hint.attr ?? '', op: '=', value: null };
    case 'holds':
      return { holds: hint.holds ?? 'fund' };
    case 'event':
      return { event: hint.event ?? '', count: { gte: 1 }, within_days: 30 };
    case 'segment':
      return { segment: '' };
    case 'list':
      return { list: '' };
    case 'sample':
      return { sample: { percent: 10, seed: 'holdout' } };
  }
}

const blank = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Paths of conditions the user has not filled in yet (no tag or value chosen, an empty input, an empty group). The
 * builder does not ask for a count while there are any: the server would only say what the page already shows.
 */
export function incompletePaths(rule: Rule, steps: readonly Step[] = []): string[] {
  const here = [pathText(steps)];
  const missing = (yes: boolean) => (yes ? here : []);
  // A group just added and not filled yet.
  const group = (key: 'all' | 'any', children: readonly Rule[]) =>
    children.length === 0 ? here : children.flatMap((c, i) => incompletePaths(c, [...steps, [key, i]]));
  return matchRule(
    rule,
    {
      all: (r) => group('all', r.all),
      any: (r) => group('any', r.any),
      not: (r) => incompletePaths(r.not, [...steps, ['not']]),
      tag: (r) => missing(r.tag === '' || r.in.length === 0),
      attr: (r) =>
        missing(
          r.attr === '' ||
            (Array.isArray(r.value) ? r.value.length === 0 || r.value.some(blank) : blank(r.value)),
        ),
      event: (r) => missing(r.event === ''),
      segment: (r) => missing(r.segment === ''),
      list: (r) => missing(r.list === ''),
      sample: (r) => missing(blank(r.sample.percent) || r.sample.seed === ''),
    },
    () => [],
  );
}

/** JSON with object keys sorted, so two rules compare equal whatever key order the store gave them back in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
