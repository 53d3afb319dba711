import { err, ok, type Result } from '../shared/errors.ts';
import { parseRule, type RuleIssue } from './parse.ts';
import type { AttrType } from './predicate.ts';
import type { Rule, SegmentRule } from './rule.ts';
import {
  reportTo,
  RuleChecker,
  unknownSegment,
  type Report,
  type RuleBuilder,
  type RuleScope,
} from './rule-check.ts';
import { segmentRefs, walkRule } from './rule-walk.ts';

// Checks a rule against what exists: tags and their values, attributes and their types, saved segments (and the
// dependencies between them), uploaded lists and event names. Every problem is reported, each with its path.

/** What a rule may refer to. `segments` holds the saved segments' rules, so dependency cycles can be found. */
export interface Catalogue {
  readonly tags: ReadonlyMap<string, { readonly values: readonly string[] }>;
  readonly attributes: ReadonlyMap<string, { readonly type: AttrType }>;
  readonly segments: ReadonlyMap<string, Rule>;
  readonly lists: ReadonlySet<string>;
  readonly events: ReadonlySet<string>;
}

export interface ValidateOptions {
  /** The id of the saved segment this rule defines, when editing one: references back to it are cycles. */
  readonly selfId?: string;
}

// Any fixed day works: validation only needs the window's shape, not its dates.
const ANY_DAY = 20_000;

/** Parses and checks rule JSON against the catalogue; returns the rule or every problem found. */
export function validateRule(
  input: unknown,
  catalogue: Catalogue,
  options: ValidateOptions = {},
): Result<Rule, RuleIssue[]> {
  const parsed = parseRule(input);
  if (!parsed.ok) return parsed;
  const issues = checkRule(parsed.value, catalogue, options);
  return issues.length === 0 ? ok(parsed.value) : err(issues);
}

/** Checks an already parsed rule against the catalogue; returns every problem (none when valid). */
export function checkRule(rule: Rule, catalogue: Catalogue, options: ValidateOptions = {}): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const report = reportTo(issues);
  const check = new CatalogueCheck(catalogue, options, report);
  walkRule(rule, new RuleChecker(check, check, report));
  return issues;
}

/**
 * Compiling against the catalogue, which builds nothing: only the problems are wanted. Beyond the checks of every
 * compilation, it refuses empty groups (an index answers them, all [] = everyone, any [] = nobody, but a user never
 * means one) and follows saved segments through the catalogue, refusing references that close a cycle.
 */
// A class, not closures: see RuleChecker (rule-check.ts).
class CatalogueCheck implements RuleScope, RuleBuilder<void> {
  readonly refused = undefined;
  readonly today = ANY_DAY;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly options: ValidateOptions,
    private readonly report: Report,
  ) {}

  lookupTag(name: string) {
    return this.catalogue.tags.get(name);
  }

  attributeType(name: string) {
    return this.catalogue.attributes.get(name)?.type;
  }

  hasList(name: string) {
    return this.catalogue.lists.has(name);
  }

  hasEvent(name: string) {
    return this.catalogue.events.has(name);
  }

  all(children: void[], path: string) {
    if (children.length === 0) this.emptyGroup('all', path);
  }

  any(children: void[], path: string) {
    if (children.length === 0) this.emptyGroup('any', path);
  }

  segment(node: SegmentRule, path: string) {
    checkSegment(node.segment, path, this.catalogue, this.options, this.report);
  }

  not() {}
  tag() {}
  attr() {}
  holds() {}
  event() {}
  list() {}
  sample() {}

  private emptyGroup(key: 'all' | 'any', path: string) {
    this.report(path, [
      { code: 'empty_group', field: key, message: `"${key}" needs at least one condition` },
    ]);
  }
}

function checkSegment(
  id: string,
  path: string,
  catalogue: Catalogue,
  options: ValidateOptions,
  report: Report,
): void {
  if (id === options.selfId) {
    report(path, [{ code: 'segment_cycle', field: 'segment', message: `segment cycle: ${id} → ${id}` }]);
    return;
  }
  if (!catalogue.segments.has(id)) {
    report(path, [unknownSegment(id)]);
    return;
  }
  const cycle = findCycle(id, catalogue.segments, options.selfId);
  if (cycle) {
    const where =
      cycle[0] === options.selfId || cycle[0] === id ? '' : `segment '${id}' depends on a cycle: `;
    report(path, [
      { code: 'segment_cycle', field: 'segment', message: `segment cycle: ${where}${cycle.join(' → ')}` },
    ]);
  }
}

/**
 * The first dependency cycle reachable from segment `start`, as ids from the first repeated id back to itself
 * (`A → B → A`). With `selfId`, a path back to it is reported as `self → start → … → self`.
 */
function findCycle(
  start: string,
  segments: ReadonlyMap<string, Rule>,
  selfId: string | undefined,
): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = selfId === undefined ? [] : [selfId];
  const dfs = (id: string): string[] | undefined => {
    const at = stack.indexOf(id);
    if (at >= 0) return [...stack.slice(at), id];
    if (done.has(id)) return undefined;
    const rule = segments.get(id);
    if (!rule) return undefined; // an unknown reference inside a saved segment is that segment's problem
    stack.push(id);
    for (const next of segmentRefs(rule)) {
      const cycle = dfs(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(id);
    return undefined;
  };
  return dfs(start);
}
