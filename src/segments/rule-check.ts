import type { RuleIssue } from './parse.ts';
import {
  attrPredicate,
  balanceInterval,
  eventCondition,
  type AttrPredicate,
  type AttrType,
  type EventCondition,
  type Interval,
  type Problem,
} from './predicate.ts';
import type { AttrRule, EventRule, HoldsRule } from './rule.ts';
import type { RuleVisitor } from './rule-walk.ts';

// Validation is compiling against the catalogue. One checking visitor resolves every name a rule uses and
// normalizes every condition, against the catalogue (validate.ts, which builds nothing) or against an index
// snapshot (compile.ts, which builds a plan), reports what does not check at the rule object's path, and hands the
// builder only conditions that did: the two report a mistake alike, and a rule that validates compiles.

/** What the names in a rule resolve against. */
export interface RuleScope {
  /** The day `within_days` windows end on, as a day number. */
  readonly today: number;
  /** The tag, with the values it may take when they are known; undefined when there is no such tag. */
  tag(name: string): { readonly values?: readonly string[] } | undefined;
  /** The attribute's type; undefined when there is no such attribute. */
  attributeType(name: string): AttrType | undefined;
  hasList(name: string): boolean;
  /** Whether events of that name are known; without it every name is (an index knows no event names). */
  readonly hasEvent?: (name: string) => boolean;
}

/**
 * What the checked rule is made into. Conditions arrive only once they checked, with their normalized form; saved
 * segments arrive unresolved, since validation and compilation resolve them differently.
 */
export interface RuleBuilder<T> extends Omit<RuleVisitor<T>, 'attr' | 'holds' | 'event'> {
  /** What a rule object that did not check stands for (the result is not used once anything did not). */
  readonly refused: T;
  attr(rule: AttrRule, predicate: AttrPredicate, path: string): T;
  holds(rule: HoldsRule, interval: Interval, path: string): T;
  event(rule: EventRule, condition: EventCondition, path: string): T;
}

/** Records the problems of the rule object at `path`. */
export type Report = (path: string, problems: readonly Problem[]) => void;

/** A report that appends located issues to `issues`. */
export function reportTo(issues: RuleIssue[]): Report {
  return (path, problems) => {
    for (const p of problems) issues.push({ path, ...p });
  };
}

/** The visitor that checks each rule object against the scope and hands what checked to the builder. */
export function checkingVisitor<T>(
  scope: RuleScope,
  builder: RuleBuilder<T>,
  report: Report,
): RuleVisitor<T> {
  const refuse = (path: string, problems: readonly Problem[]): T => {
    report(path, problems);
    return builder.refused;
  };
  return {
    all: (children, path, depth) => builder.all(children, path, depth),
    any: (children, path, depth) => builder.any(children, path, depth),
    not: (child, path, depth) => builder.not(child, path, depth),
    tag(rule, path, depth) {
      const tag = scope.tag(rule.tag);
      if (!tag)
        return refuse(path, [{ code: 'unknown_tag', field: 'tag', message: `unknown tag '${rule.tag}'` }]);
      if (tag.values) {
        const known = new Set(tag.values);
        const problems: Problem[] = [];
        rule.in.forEach((value, i) => {
          if (!known.has(value))
            problems.push({
              code: 'unknown_tag_value',
              field: `in[${i}]`,
              message: `tag '${rule.tag}' has no value '${value}' (values: ${listText(tag.values!)})`,
            });
        });
        if (problems.length > 0) return refuse(path, problems);
      }
      return builder.tag(rule, path, depth);
    },
    attr(rule, path) {
      const type = scope.attributeType(rule.attr);
      if (!type)
        return refuse(path, [
          { code: 'unknown_attribute', field: 'attr', message: `unknown attribute '${rule.attr}'` },
        ]);
      const predicate = attrPredicate(rule, type);
      return predicate.ok ? builder.attr(rule, predicate.value, path) : refuse(path, predicate.error);
    },
    holds(rule, path) {
      const interval = balanceInterval(rule.balance);
      return interval.ok ? builder.holds(rule, interval.value, path) : refuse(path, interval.error);
    },
    event(rule, path) {
      const problems: Problem[] = [];
      if (scope.hasEvent && !scope.hasEvent(rule.event))
        problems.push({ code: 'unknown_event', field: 'event', message: `unknown event '${rule.event}'` });
      const condition = eventCondition(rule, scope.today);
      if (!condition.ok) problems.push(...condition.error);
      return condition.ok && problems.length === 0
        ? builder.event(rule, condition.value, path)
        : refuse(path, problems);
    },
    segment: (rule, path, depth) => builder.segment(rule, path, depth),
    list(rule, path, depth) {
      if (!scope.hasList(rule.list))
        return refuse(path, [
          { code: 'unknown_list', field: 'list', message: `unknown customer list '${rule.list}'` },
        ]);
      return builder.list(rule, path, depth);
    },
    sample(rule, path, depth) {
      const { percent } = rule.sample;
      if (!(percent > 0 && percent <= 100))
        return refuse(path, [
          {
            code: 'bad_percent',
            field: 'sample.percent',
            message: `sample percent must be in (0, 100]; got ${percent}`,
          },
        ]);
      return builder.sample(rule, path, depth);
    },
  };
}

/** The issue of a reference to a saved segment that does not exist. */
export function unknownSegment(id: string): Problem {
  return { code: 'unknown_segment', field: 'segment', message: `unknown segment '${id}'` };
}

function listText(values: readonly string[]): string {
  return values.length > 12 ? `${values.slice(0, 12).join(', ')}, …` : values.join(', ') || 'none';
}
