import { err, ok, type Result } from '../shared/errors.ts';
import { childPath, parseRule, type RuleIssue } from './parse.ts';
import { attrPredicate, balanceInterval, eventCondition, type AttrType, type Problem } from './predicate.ts';
import type { Rule } from './rule.ts';

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
  const report = (path: string, problems: readonly Problem[]) => {
    for (const p of problems) issues.push({ path, ...p });
  };
  const visit = (node: Rule, path: string): void => {
    if ('all' in node || 'any' in node) {
      const [key, children] = 'all' in node ? (['all', node.all] as const) : (['any', node.any] as const);
      if (children.length === 0) {
        report(path, [{ code: 'empty_group', field: key, message: `"${key}" needs at least one condition` }]);
      }
      children.forEach((child, i) => visit(child, childPath(childPath(path, key), i)));
    } else if ('not' in node) {
      visit(node.not, childPath(path, 'not'));
    } else if ('tag' in node) {
      const tag = catalogue.tags.get(node.tag);
      if (!tag) {
        report(path, [{ code: 'unknown_tag', field: 'tag', message: `unknown tag '${node.tag}'` }]);
        return;
      }
      const known = new Set(tag.values);
      node.in.forEach((value, i) => {
        if (!known.has(value)) {
          report(path, [
            {
              code: 'unknown_tag_value',
              field: `in[${i}]`,
              message: `tag '${node.tag}' has no value '${value}' (values: ${listText(tag.values)})`,
            },
          ]);
        }
      });
    } else if ('attr' in node) {
      const attribute = catalogue.attributes.get(node.attr);
      if (!attribute) {
        report(path, [
          { code: 'unknown_attribute', field: 'attr', message: `unknown attribute '${node.attr}'` },
        ]);
        return;
      }
      const predicate = attrPredicate(node, attribute.type);
      if (!predicate.ok) report(path, predicate.error);
    } else if ('holds' in node) {
      const interval = balanceInterval(node.balance);
      if (!interval.ok) report(path, interval.error);
    } else if ('event' in node) {
      if (!catalogue.events.has(node.event)) {
        report(path, [{ code: 'unknown_event', field: 'event', message: `unknown event '${node.event}'` }]);
      }
      const condition = eventCondition(node, ANY_DAY);
      if (!condition.ok) report(path, condition.error);
    } else if ('segment' in node) {
      checkSegment(node.segment, path, catalogue, options, report);
    } else if ('list' in node) {
      if (!catalogue.lists.has(node.list)) {
        report(path, [
          { code: 'unknown_list', field: 'list', message: `unknown customer list '${node.list}'` },
        ]);
      }
    } else {
      const { percent } = node.sample;
      if (!(percent > 0 && percent <= 100)) {
        report(path, [
          {
            code: 'bad_percent',
            field: 'sample.percent',
            message: `sample percent must be in (0, 100]; got ${percent}`,
          },
        ]);
      }
    }
  };
  visit(rule, '$');
  return issues;
}

function checkSegment(
  id: string,
  path: string,
  catalogue: Catalogue,
  options: ValidateOptions,
  report: (path: string, problems: readonly Problem[]) => void,
): void {
  if (id === options.selfId) {
    report(path, [{ code: 'segment_cycle', field: 'segment', message: `segment cycle: ${id} → ${id}` }]);
    return;
  }
  if (!catalogue.segments.has(id)) {
    report(path, [{ code: 'unknown_segment', field: 'segment', message: `unknown segment '${id}'` }]);
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

/** Ids of the segments a rule refers to directly. */
export function segmentRefs(rule: Rule): string[] {
  if ('all' in rule) return rule.all.flatMap(segmentRefs);
  if ('any' in rule) return rule.any.flatMap(segmentRefs);
  if ('not' in rule) return segmentRefs(rule.not);
  if ('segment' in rule) return [rule.segment];
  return [];
}

function listText(values: readonly string[]): string {
  return values.length > 12 ? `${values.slice(0, 12).join(', ')}, …` : values.join(', ') || 'none';
}
