import { z } from 'zod';
import { err, ok, type Result } from '../shared/errors.ts';
import {
  GROUP_KINDS,
  kindSchemas,
  RULE_KINDS,
  RULE_LIMITS,
  RuleSchema,
  type GroupKind,
  type Rule,
  type RuleKind,
} from './rule.ts';
import { everyLeaf, visitNode, type RuleNode, type RuleVisitor } from './rule-walk.ts';

// Parsing untrusted rule JSON node by node. A plain zod union would answer "Invalid input" at the first level for
// any mistake anywhere below; dispatching on the kind key first lets every message name the real problem, and the
// walk collects all problems instead of stopping at the first.

/** Why a rule was refused; stable strings that clients may branch on. */
export type RuleIssueCode =
  | 'invalid_shape'
  | 'too_deep'
  | 'too_large'
  | 'empty_group'
  | 'unknown_tag'
  | 'unknown_tag_value'
  | 'unknown_attribute'
  | 'wrong_type'
  | 'bad_range'
  | 'unknown_segment'
  | 'segment_cycle'
  | 'unknown_list'
  | 'unknown_event'
  | 'bad_window'
  | 'bad_percent';

/** One problem in a rule: the offending rule object as a JSON path (`$.all[2].any[0]`), optionally the field in it. */
export interface RuleIssue {
  readonly path: string;
  readonly field?: string;
  readonly code: RuleIssueCode;
  readonly message: string;
}

/** The JSON path of a property below `base`: `$.a`, or `$["odd key"]` when the key is not an identifier. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** A zod issue path relative to a rule object, as a field string (`value[1]`, `balance.gte`). */
function fieldOf(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out = out ? childPath(out, String(key)) : String(key);
  }
  return out;
}

// Leaf kinds are parsed whole; group kinds with `unknown` children, which the walk then parses itself.
const SHALLOW = kindSchemas(z.unknown());

interface Walk {
  issues: RuleIssue[];
  nodes: number;
}

/** Parses rule JSON, returning the typed rule or every shape problem with its JSON path. */
export function parseRule(input: unknown): Result<Rule, RuleIssue[]> {
  const walk: Walk = { issues: [], nodes: 0 };
  const rule = parseNode(input, '$', 1, walk);
  if (walk.nodes > RULE_LIMITS.maxNodes) {
    walk.issues.unshift({
      path: '$',
      code: 'too_large',
      message: `a rule may have at most ${RULE_LIMITS.maxNodes} conditions and groups; this one has ${walk.nodes}`,
    });
  }
  return walk.issues.length === 0 && rule ? ok(rule) : err(walk.issues);
}

function parseNode(input: unknown, path: string, depth: number, walk: Walk): Rule | undefined {
  walk.nodes++;
  if (walk.nodes > RULE_LIMITS.maxNodes) return undefined; // counted and reported once by parseRule
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    walk.issues.push({
      path,
      code: 'invalid_shape',
      message: `expected a rule object such as {"tag": …} or {"all": […]}, got ${describe(input)}`,
    });
    return undefined;
  }
  const kinds = RULE_KINDS.filter((k) => Object.hasOwn(input, k));
  if (kinds.length !== 1) {
    walk.issues.push({
      path,
      code: 'invalid_shape',
      message:
        kinds.length === 0
          ? `a rule object needs one of the keys ${RULE_KINDS.join(', ')}; found ${Object.keys(input).join(', ') || 'none'}`
          : `a rule object has exactly one of the keys ${RULE_KINDS.join(', ')}; found ${kinds.join(' and ')}`,
    });
    return undefined;
  }
  const kind = kinds[0] as RuleKind;
  if (isGroupKind(kind) && depth >= RULE_LIMITS.maxDepth) {
    walk.issues.push({
      path,
      code: 'too_deep',
      message: `rules may nest at most ${RULE_LIMITS.maxDepth} levels`,
    });
    return undefined;
  }
  const parsed = SHALLOW[kind].safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      walk.issues.push({ path, ...(field ? { field } : {}), code: 'invalid_shape', message: issue.message });
    }
    return undefined;
  }
  // A condition was parsed whole; a group's nested values are parsed in turn, and make it only when they all do.
  return visitNode(parsed.data as RuleNode<unknown>, ASSEMBLE, path, depth, (child, at, below) =>
    parseNode(child, at, below, walk),
  );
}

const ASSEMBLE: RuleVisitor<Rule | undefined> = {
  all: (children) => (every(children) ? { all: children } : undefined),
  any: (children) => (every(children) ? { any: children } : undefined),
  not: (child) => (child ? { not: child } : undefined),
  ...everyLeaf((rule) => rule),
};

function every(rules: (Rule | undefined)[]): rules is Rule[] {
  return rules.every((r) => r !== undefined);
}

const isGroupKind = (kind: RuleKind): kind is GroupKind => (GROUP_KINDS as readonly string[]).includes(kind);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value.slice(0, 40))}`
    : `${typeof value} ${String(value)}`;
}

// ---- rules inside a request ------------------------------------------------------------------------------------

/** A rule inside a request that `parseRule` refused: where it is (keys from the request's root) and its issues. */
export interface RefusedRule {
  readonly at: readonly string[];
  readonly issues: RuleIssue[];
}

/** What `rulePaths` reads of a zod schema's definition. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;
const PATHS = new WeakMap<z.ZodType, string[][]>();

/**
 * The key paths at which a request schema holds the Rule contract (`[['population', 'rule'], ['outcome']]`), through
 * objects, unions, optional and default wrappers; a rule's own nested rules are not listed. Cached per schema.
 */
export function rulePaths(schema: z.ZodType): string[][] {
  let paths = PATHS.get(schema);
  if (!paths) {
    paths = [];
    collect(schema, [], paths, new Set());
    PATHS.set(schema, paths);
  }
  return paths;
}

function collect(schema: z.ZodType, at: string[], out: string[][], seen: Set<unknown>): void {
  const def = defOf(schema);
  // `.describe()` and `.optional()` copies of the Rule keep its definition object: compare definitions.
  if (def === defOf(RuleSchema)) {
    if (!out.some((p) => p.join('\u0000') === at.join('\u0000'))) out.push(at);
    return;
  }
  if (seen.has(def)) return;
  seen.add(def);
  if (def.type === 'object')
    for (const [key, child] of Object.entries(def.shape!)) collect(child, [...at, key], out, seen);
  const inner = [def.innerType, def.in, def.out, def.left, def.right, ...(def.options ?? [])];
  if (def.type === 'lazy') inner.push(def.getter!());
  for (const child of inner) if (child) collect(child, at, out, seen);
}

/** The first rule of `value` at one of the schema's rule paths that `parseRule` refuses, or undefined. */
export function refusedRule(schema: z.ZodType, value: unknown): RefusedRule | undefined {
  for (const at of rulePaths(schema)) {
    let node: unknown = value;
    for (const key of at) node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    if (node === undefined) continue;
    const parsed = parseRule(node);
    if (!parsed.ok) return { at, issues: parsed.error };
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
