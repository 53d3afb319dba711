// Hostile requests derived from the OpenAPI document: for one operation, a plausible base request (path parameters,
// query and body built from the schemas, with known-good values where the test supplies them) and, one at a time,
// each of its inputs replaced by a value no client should send — NUL bytes, broken percent-encoding, lone surrogates,
// impossible or out-of-range days, huge, negative and non-finite numbers, wrong types, 10,000-level nesting, invalid
// JSON. test/api/hostile-input.test.ts sends them all and requires a 4xx (or a 2xx when the value is acceptable).

/** The subset of JSON Schema (OpenAPI 3.0 flavour) the route schemas produce. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
}

/** One OpenAPI operation, as far as the walker needs it. */
export interface Operation {
  parameters?: {
    in: 'path' | 'query' | 'header' | 'cookie';
    name: string;
    required?: boolean;
    schema: Schema;
  }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** What a hostile value attacks: text encoding, days, numbers, types, nesting, or the JSON syntax itself. */
export type HostileKind = 'text' | 'day' | 'number' | 'type' | 'nesting' | 'json';

/** One request to send: what it is (for the failure report), and the request itself. */
export interface HostileRequest {
  readonly kind: HostileKind;
  readonly what: string;
  readonly method: string;
  readonly url: string;
  /** A JSON value, or the raw text when `contentType` is given. */
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Known-good values the base request uses, so that a hostile value in one input meets the code behind the others. */
export interface Knowns {
  /** `{param}` in a path template → value, by the longest matching path prefix (e.g. '/v1/segments/{id}' → 'saved'). */
  readonly pathParams: Record<string, string>;
  /** Body or query field name → value (e.g. customerNo → 'C000000001'); objects go in a query string as JSON. */
  readonly fields: Record<string, unknown>;
  /** `METHOD /path` → the whole base body, where the schema alone cannot say what a valid one looks like. */
  readonly bodies: Record<string, unknown>;
  /** The day base requests use. */
  readonly day: string;
}

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
/** Days that are not calendar days, or that one of the stores cannot hold. */
export const HOSTILE_DAYS = [
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '1969-12-31',
  '2149-06-07',
  '2026-13-01',
];
const HOSTILE_NUMBERS: unknown[] = [1e308, -1e308, -1, 2 ** 53 + 2, 1.5, 0];
const WRONG_TYPES: unknown[] = [{}, [], true, null, 'x', 7];
const DEPTH = 10_000;

type Hostile = readonly [HostileKind, unknown];
const kind = (k: HostileKind, values: readonly unknown[]): Hostile[] => values.map((v) => [k, v] as const);

/** `{"a":{"a":…}}` nested `depth` levels, built iteratively (recursion would overflow building it). */
export function deepObject(depth = DEPTH): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

/** `[[[…]]]` nested `depth` levels. */
export function deepArray(depth = DEPTH): unknown[] {
  let value: unknown[] = [1];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

const DAY_NAMES = /^(asOf|from|to|day|dueOn|dueBy|joinedOn|departedOn|followUpOn|before)$/;

/** Whether a field holds a day (by its schema, or by name when the schema does not say). */
function isDayField(name: string, schema: Schema): boolean {
  return (
    schema.format === 'date' ||
    (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}') ?? false) ||
    DAY_NAMES.test(name)
  );
}

/** The first alternative of a union that is not null. */
function firstAlternative(schema: Schema): Schema {
  const options = schema.anyOf ?? schema.oneOf;
  if (!options) return schema;
  return firstAlternative(options.find((o) => o.type !== 'null') ?? options[0]!);
}

/** A plausible valid value of a schema: known values by field name, else the smallest the schema allows. */
export function baseValue(schema: Schema, name: string, knowns: Knowns): unknown {
  if (name in knowns.fields) return knowns.fields[name];
  if (schema.default !== undefined) return schema.default;
  const s = firstAlternative(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (isDayField(name, s) && (s.type === 'string' || s.type === undefined)) return knowns.day;
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = baseValue(s.properties?.[key] ?? {}, key, knowns);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => baseValue(s.items ?? {}, name, knowns));
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return false;
    case 'string':
      if (s.format === 'date-time') return `${knowns.day}T09:00:00Z`;
      return 'x'.repeat(Math.max(s.minLength ?? 1, 2));
    default:
      return {};
  }
}

/** The hostile replacements of one value whose schema is `schema`. */
function hostileValues(schema: Schema, name: string): Hostile[] {
  const s = firstAlternative(schema);
  const open = s.type === undefined;
  const out = [
    ...kind('text', [NUL, LONE_SURROGATE, `{${NUL}}`]),
    ...kind('type', WRONG_TYPES),
    ...kind('day', isDayField(name, s) ? HOSTILE_DAYS : []),
    ...kind('number', s.type === 'integer' || s.type === 'number' || open ? HOSTILE_NUMBERS : []),
    ...kind('nesting', s.type === 'object' || s.type === 'array' || open ? [deepObject(), deepArray()] : []),
    ...kind('text', s.type === 'string' || open ? ['x'.repeat(100_000)] : []),
  ];
  return out;
}

/** Every path (as keys) of a JSON value down to its leaves, with the schema at each, for the body mutations. */
function leaves(
  schema: Schema,
  value: unknown,
  path: string[],
  out: { path: string[]; schema: Schema }[],
): void {
  out.push({ path, schema });
  const s = firstAlternative(schema);
  if (s.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, prop] of Object.entries(s.properties ?? {}))
      leaves(prop, (value as Record<string, unknown>)[key], [...path, key], out);
  } else if (s.type === 'array' && Array.isArray(value)) {
    leaves(s.items ?? {}, value[0], [...path, '0'], out);
  }
}

/** A copy of `value` with the value at `path` replaced (parents created as needed). */
function replaced(value: unknown, path: readonly string[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[Number(head)] = replaced(copy[Number(head)], rest, next);
    return copy;
  }
  const obj = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return { ...obj, [head]: replaced(obj[head], rest, next) };
}

/** A short description of a value for the failure report. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `"${value.slice(0, 12)}…" (${value.length} chars)` : JSON.stringify(value);
  if (Array.isArray(value))
    return value.length === 1 && Array.isArray(value[0]) ? 'deep array' : JSON.stringify(value);
  if (value && typeof value === 'object')
    return 'a' in value && Object.keys(value).length === 1
      ? 'deep object'
      : JSON.stringify(value).slice(0, 60);
  return String(value);
}

/** The path template with each `{param}` given its known value (longest known prefix), or 'x'. */
function basePath(template: string, knowns: Knowns, params: Operation['parameters']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params?.filter((p) => p.in === 'path') ?? []) {
    const prefix = template.slice(0, template.indexOf(`{${p.name}}`) + p.name.length + 2);
    out[p.name] = knowns.pathParams[prefix] ?? (p.schema.type === 'integer' ? '1' : 'x');
  }
  return out;
}

function buildUrl(
  template: string,
  path: Record<string, string>,
  query: Record<string, string | string[]>,
): string {
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => path[name]!);
  const qs = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${x}`))
    .join('&');
  return qs ? `${url}?${qs}` : url;
}

const enc = (v: string) => encodeURIComponent(v);

/** Raw (already encoded) hostile strings for path and query values. */
const RAW_STRINGS: Hostile[] = kind('text', [
  'a%00b',
  '%ff',
  '%ED%A0%80',
  '%',
  'x'.repeat(20_000),
  '..%2F..%2Fetc',
]);
const RAW_NUMBERS: Hostile[] = kind('number', [
  '-1',
  '0',
  '1e308',
  '99999999999999999999',
  '1.5',
  'NaN',
  'Infinity',
  'abc',
  '0x10',
]);
const RAW_DAYS: Hostile[] = kind('day', HOSTILE_DAYS);
const RAW_JSON: Hostile[] = kind('json', [
  '{',
  '{"a":',
  '[1,]',
  '{"a":1e999}',
  '"\\ud800"',
  '{"a":"\\u0000"}',
  '\u0000',
]);

/** Every hostile request of one operation. */
export function hostileRequests(
  template: string,
  method: string,
  op: Operation,
  knowns: Knowns,
): HostileRequest[] {
  const M = method.toUpperCase();
  const out: HostileRequest[] = [];
  const params = op.parameters ?? [];
  const path = basePath(template, knowns, params);
  const query: Record<string, string> = {};
  for (const p of params.filter((p) => p.in === 'query' && p.required)) {
    const value = baseValue(p.schema, p.name, knowns);
    query[p.name] = enc(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const json = op.requestBody?.content['application/json']?.schema;
  const known = knowns.bodies[`${M} ${template}`];
  const body = json ? (known ?? baseValue(json, '', knowns)) : undefined;
  const base = { method: M, body };

  for (const p of params.filter((p) => p.in === 'path')) {
    const values = [
      ...RAW_STRINGS,
      ...(p.schema.type === 'integer' ? RAW_NUMBERS : []),
      ...(isDayField(p.name, p.schema) ? RAW_DAYS : []),
    ];
    for (const [k, v] of values)
      out.push({
        ...base,
        kind: k,
        what: `path ${p.name}=${describeValue(v)}`,
        url: buildUrl(template, { ...path, [p.name]: v as string }, query),
      });
  }
  for (const p of params.filter((p) => p.in === 'query')) {
    const s = firstAlternative(p.schema);
    const values: Hostile[] = [
      ...RAW_STRINGS,
      ['type', ['a', 'b']],
      ...(s.type === 'integer' || s.type === 'number' ? RAW_NUMBERS : []),
      ...(isDayField(p.name, s) ? RAW_DAYS : []),
    ];
    for (const [k, v] of values)
      out.push({
        ...base,
        kind: k,
        what: `query ${p.name}=${describeValue(v)}`,
        url: buildUrl(template, path, { ...query, [p.name]: v as string | string[] }),
      });
  }
  const url = buildUrl(template, path, query);
  // Not on DELETE: the base request with an ignored parameter would delete what the other requests need.
  if (M !== 'DELETE')
    for (const v of ['a%00b', '%ff', '%ED%A0%80'])
      out.push({
        ...base,
        kind: 'text',
        what: `unknown query parameter=${v}`,
        url: buildUrl(template, path, { ...query, zz: v }),
      });
  if (json) {
    const found: { path: string[]; schema: Schema }[] = [];
    leaves(json, body, [], found);
    // A known body's own fields too, where the schema leaves them open (a tag definition, a mapping).
    if (known && typeof known === 'object')
      for (const key of Object.keys(known))
        if (!found.some((f) => f.path.length === 1 && f.path[0] === key))
          found.push({ path: [key], schema: {} });
    for (const leaf of found)
      for (const [k, v] of hostileValues(leaf.schema, leaf.path.at(-1) ?? ''))
        out.push({
          method: M,
          url,
          kind: k,
          what: `body ${leaf.path.join('.') || '(whole)'}=${describeValue(v)}`,
          body: replaced(body, leaf.path, v),
        });
    for (const [k, raw] of RAW_JSON)
      out.push({
        method: M,
        url,
        kind: k,
        what: `raw JSON ${JSON.stringify(raw)}`,
        body: raw,
        contentType: 'application/json',
      });
    out.push({
      method: M,
      url,
      kind: 'json',
      what: 'JSON body as text/plain',
      body: JSON.stringify(body),
      contentType: 'text/plain',
    });
  }
  const csv = op.requestBody?.content['application/json']?.schema.anyOf?.some((a) => a.type === 'string');
  if (csv)
    for (const raw of [`customer_no,value\n${NUL},x\n`, `unit,arm\n${LONE_SURROGATE},A\n`, '\u0000', ''])
      out.push({
        method: M,
        url,
        kind: 'text',
        what: `text/csv ${JSON.stringify(raw)}`,
        body: raw,
        contentType: 'text/csv',
      });
  if (!json && (M === 'POST' || M === 'PATCH' || M === 'PUT'))
    out.push({ method: M, url, kind: 'nesting', what: 'unexpected deep body', body: deepObject() });
  return out;
}
