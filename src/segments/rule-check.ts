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
import type { AttrRule, EventRule, HoldsRule, ListRule, SampleRule, SegmentRule, TagRule } from './rule.ts';
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
  lookupTag(name: string): { readonly values?: readonly string[] } | undefined;
  /** The attribute's type; undefined when there is no such attribute. */
  attributeType(name: string): AttrType | undefined;
  hasList(name: string): boolean;
  /** Whether events of that name are known; without it every name is (an index knows no event names). */
  hasEvent?(name: string): boolean;
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
// A class, not an object of closures: it is made for every rule checked, and the sources run through tsx, which
// names every function it creates (keepNames) at a cost per creation.
export class RuleChecker<T> implements RuleVisitor<T> {
  constructor(
    private readonly scope: RuleScope,
    private readonly builder: RuleBuilder<T>,
    private readonly report: Report,
  ) {}

  all(children: T[], path: string, depth: number): T {
    return this.builder.all(children, path, depth);
  }

  any(children: T[], path: string, depth: number): T {
    return this.builder.any(children, path, depth);
  }

  not(child: T, path: string, depth: number): T {
    return this.builder.not(child, path, depth);
  }

  tag(rule: TagRule, path: string, depth: number): T {
    const tag = this.scope.lookupTag(rule.tag);
    if (!tag)
      return this.refuse(path, [{ code: 'unknown_tag', field: 'tag', message: `unknown tag '${rule.tag}'` }]);
    if (tag.values) {
      const known = new Set(tag.values);
      const problems: Problem[] = [];
      for (let i = 0; i < rule.in.length; i++) {
        const value = rule.in[i]!;
        if (!known.has(value))
          problems.push({
            code: 'unknown_tag_value',
            field: `in[${i}]`,
            message: `tag '${rule.tag}' has no value '${value}' (values: ${listText(tag.values)})`,
          });
      }
      if (problems.length > 0) return this.refuse(path, problems);
    }
    return this.builder.tag(rule, path, depth);
  }

  attr(rule: AttrRule, path: string): T {
    const type = this.scope.attributeType(rule.attr);
    if (!type)
      return this.refuse(path, [
        { code: 'unknown_attribute', field: 'attr', message: `unknown attribute '${rule.attr}'` },
      ]);
    const predicate = attrPredicate(rule, type);
    return predicate.ok ? this.builder.attr(rule, predicate.value, path) : this.refuse(path, predicate.error);
  }

  holds(rule: HoldsRule, path: string): T {
    const interval = balanceInterval(rule.balance);
    return interval.ok ? this.builder.holds(rule, interval.value, path) : this.refuse(path, interval.error);
  }

  event(rule: EventRule, path: string): T {
    const unknown = this.scope.hasEvent !== undefined && !this.scope.hasEvent(rule.event);
    const condition = eventCondition(rule, this.scope.today);
    if (condition.ok && !unknown) return this.builder.event(rule, condition.value, path);
    const problems: Problem[] = [];
    if (unknown)
      problems.push({ code: 'unknown_event', field: 'event', message: `unknown event '${rule.event}'` });
    if (!condition.ok) problems.push(...condition.error);
    return this.refuse(path, problems);
  }

  segment(rule: SegmentRule, path: string, depth: number): T {
    return this.builder.segment(rule, path, depth);
  }

  list(rule: ListRule, path: string, depth: number): T {
    if (!this.scope.hasList(rule.list))
      return this.refuse(path, [
        { code: 'unknown_list', field: 'list', message: `unknown customer list '${rule.list}'` },
      ]);
    return this.builder.list(rule, path, depth);
  }

  sample(rule: SampleRule, path: string, depth: number): T {
    const { percent } = rule.sample;
    if (!(percent > 0 && percent <= 100))
      return this.refuse(path, [
        {
          code: 'bad_percent',
          field: 'sample.percent',
          message: `sample percent must be in (0, 100]; got ${percent}`,
        },
      ]);
    return this.builder.sample(rule, path, depth);
  }

  private refuse(path: string, problems: readonly Problem[]): T {
    this.report(path, problems);
    return this.builder.refused;
  }
}

/** The issue of a reference to a saved segment that does not exist. */
export function unknownSegment(id: string): Problem {
  return { code: 'unknown_segment', field: 'segment', message: `unknown segment '${id}'` };
}

function listText(values: readonly string[]): string {
  return values.length > 12 ? `${values.slice(0, 12).join(', ')}, …` : values.join(', ') || 'none';
}
