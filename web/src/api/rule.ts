// The public JSON form of a customer-group rule, as the API takes it (mirrors src/segments/rule.ts). The builder
// edits this form directly, so the JSON view, the live count and the saved rule are always the same object.

export type Scalar = number | string | boolean;

export interface Bounds {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

export type AttrOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'between' | 'in' | 'contains' | 'empty';
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

export interface AttrRule {
  attr: string;
  op: AttrOp;
  value: unknown;
}
export interface TagRule {
  tag: string;
  in: string[];
}
export interface HoldsRule {
  holds: string;
  balance?: Bounds;
}
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
export interface EventRule {
  event: string;
  count?: Bounds;
  sum?: Bounds & { property: string };
  within_days?: number;
  from?: string;
  to?: string;
  where?: Record<string, Scalar | PropertyPredicate>;
}
export interface SegmentRefRule {
  segment: string;
}
export interface ListRule {
  list: string;
}
export interface SampleRule {
  sample: { percent: number; seed: string };
}
export interface AllRule {
  all: Rule[];
}
export interface AnyRule {
  any: Rule[];
}
export interface NotRule {
  not: Rule;
}

export type Rule =
  | AllRule
  | AnyRule
  | NotRule
  | TagRule
  | AttrRule
  | HoldsRule
  | EventRule
  | SegmentRefRule
  | ListRule
  | SampleRule;

export const RULE_KINDS = [
  'all',
  'any',
  'not',
  'tag',
  'attr',
  'holds',
  'event',
  'segment',
  'list',
  'sample',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type LeafKind = Exclude<RuleKind, 'all' | 'any' | 'not'>;
export const LEAF_KINDS: readonly LeafKind[] = ['tag', 'attr', 'holds', 'event', 'segment', 'list', 'sample'];

/** The kind key a rule object carries, or null for something that is not a rule object. */
export function ruleKind(rule: unknown): RuleKind | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return null;
  for (const kind of RULE_KINDS) if (kind in rule) return kind;
  return null;
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
  if (first[0] === 'not') {
    if (!('not' in rule)) return rule;
    const child = updateAt(rule.not, rest, fn);
    // Removing the only child of a negation removes the negation.
    return child === undefined ? undefined : { not: child };
  }
  const key = first[0];
  const list = key === 'all' && 'all' in rule ? rule.all : key === 'any' && 'any' in rule ? rule.any : null;
  if (!list) return rule;
  const next: Rule[] = [];
  list.forEach((child, i) => {
    if (i !== first[1]) next.push(child);
    else {
      const updated = updateAt(child, rest, fn);
      if (updated !== undefined) next.push(updated);
    }
  });
  return key === 'all' ? { all: next } : { any: next };
}

/** A new condition of a kind with sensible starting values from the catalogue. */
export function blankRule(
  kind: RuleKind,
  hint: { tag?: string; attr?: string; holds?: string; event?: string },
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
  const here = pathText(steps);
  // A group just added and not filled yet.
  if ('all' in rule && rule.all.length === 0) return [here];
  if ('any' in rule && rule.any.length === 0) return [here];
  if ('all' in rule) return rule.all.flatMap((c, i) => incompletePaths(c, [...steps, ['all', i]]));
  if ('any' in rule) return rule.any.flatMap((c, i) => incompletePaths(c, [...steps, ['any', i]]));
  if ('not' in rule) return incompletePaths(rule.not, [...steps, ['not']]);
  let missing = false;
  if ('tag' in rule) missing = rule.tag === '' || rule.in.length === 0;
  else if ('attr' in rule)
    missing =
      rule.attr === '' ||
      (Array.isArray(rule.value) ? rule.value.length === 0 || rule.value.some(blank) : blank(rule.value));
  else if ('event' in rule) missing = rule.event === '';
  else if ('segment' in rule) missing = rule.segment === '';
  else if ('list' in rule) missing = rule.list === '';
  else if ('sample' in rule) missing = blank(rule.sample.percent) || rule.sample.seed === '';
  return missing ? [here] : [];
}

/** JSON with object keys sorted, so two rules compare equal whatever key order the store gave them back in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
