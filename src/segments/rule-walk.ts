import type {
  AllRule,
  AnyRule,
  AttrRule,
  EventRule,
  HoldsRule,
  LeafKind,
  LeafRule,
  ListRule,
  NotRule,
  Rule,
  SampleRule,
  SegmentRule,
  TagRule,
} from './rule.ts';

// The one place that tells rule objects apart by their kind key. Parsing, checking against a catalogue, compiling,
// and every other reading of a rule are visitors: one method per kind, each given the object's JSON path (`$`,
// `$.all[2].not`) — the path a located issue names — and its depth (a rule at the root has depth 1).

/** A rule object whose nested rules are of type C: a `Rule` has rules; a shallow parse has unchecked values. */
export type RuleNode<C = Rule> = AllRule<C> | AnyRule<C> | NotRule<C> | LeafRule;

/** What to make of each kind of rule object. Groups get what their nested rules made, in order. */
export interface RuleVisitor<T> {
  all(children: T[], path: string, depth: number): T;
  any(children: T[], path: string, depth: number): T;
  not(child: T, path: string, depth: number): T;
  tag(rule: TagRule, path: string, depth: number): T;
  attr(rule: AttrRule, path: string, depth: number): T;
  holds(rule: HoldsRule, path: string, depth: number): T;
  event(rule: EventRule, path: string, depth: number): T;
  segment(rule: SegmentRule, path: string, depth: number): T;
  list(rule: ListRule, path: string, depth: number): T;
  sample(rule: SampleRule, path: string, depth: number): T;
}

/** Visits a rule depth first, children left to right; `path` and `depth` place it when it is not the root. */
export function walkRule<T>(rule: Rule, visitor: RuleVisitor<T>, path = '$', depth = 1): T {
  const descend = (child: Rule, at: string, below: number): T =>
    visitNode(child, visitor, at, below, descend);
  return visitNode(rule, visitor, path, depth, descend);
}

/**
 * Calls the visitor's method for one rule object, after `descend` has made something of each nested rule (at its
 * path and depth). `walkRule` descends by walking; the parser descends by parsing the unchecked value first.
 */
export function visitNode<C, T>(
  node: RuleNode<C>,
  visitor: RuleVisitor<T>,
  path: string,
  depth: number,
  descend: (child: C, path: string, depth: number) => T,
): T {
  // The kind keys are identifiers, so a nested path is the key appended (what `childPath` would give).
  if ('all' in node) {
    const items = node.all;
    const children = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) children[i] = descend(items[i]!, `${path}.all[${i}]`, depth + 1);
    return visitor.all(children, path, depth);
  }
  if ('any' in node) {
    const items = node.any;
    const children = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) children[i] = descend(items[i]!, `${path}.any[${i}]`, depth + 1);
    return visitor.any(children, path, depth);
  }
  if ('not' in node) return visitor.not(descend(node.not, `${path}.not`, depth + 1), path, depth);
  if ('tag' in node) return visitor.tag(node, path, depth);
  if ('attr' in node) return visitor.attr(node, path, depth);
  if ('holds' in node) return visitor.holds(node, path, depth);
  if ('event' in node) return visitor.event(node, path, depth);
  if ('segment' in node) return visitor.segment(node, path, depth);
  if ('list' in node) return visitor.list(node, path, depth);
  return visitor.sample(node, path, depth);
}

/** The condition methods of a visitor that treats every kind of condition alike. */
export function everyLeaf<T>(
  fn: (rule: LeafRule, kind: LeafKind, path: string, depth: number) => T,
): Pick<RuleVisitor<T>, LeafKind> {
  return {
    tag: (rule, path, depth) => fn(rule, 'tag', path, depth),
    attr: (rule, path, depth) => fn(rule, 'attr', path, depth),
    holds: (rule, path, depth) => fn(rule, 'holds', path, depth),
    event: (rule, path, depth) => fn(rule, 'event', path, depth),
    segment: (rule, path, depth) => fn(rule, 'segment', path, depth),
    list: (rule, path, depth) => fn(rule, 'list', path, depth),
    sample: (rule, path, depth) => fn(rule, 'sample', path, depth),
  };
}

const REFS: RuleVisitor<string[]> = {
  all: (children) => children.flat(),
  any: (children) => children.flat(),
  not: (child) => child,
  ...everyLeaf(() => []),
  segment: (rule) => [rule.segment],
};

/** Ids of the saved segments a rule refers to directly, in the order they appear. */
export function segmentRefs(rule: Rule): string[] {
  return walkRule(rule, REFS);
}
