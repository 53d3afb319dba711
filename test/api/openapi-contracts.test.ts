import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

// Issue #10, items 1 and 2: the OpenAPI document describes rules and populations with the shared contracts
// (src/contracts) — registered components every request that takes one refers to, the rule grammar as a real,
// recursive schema with examples — rather than "unknown".

interface Doc {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let t: TestApp;
let doc: Doc;

beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject('/docs/json')).json() as Doc;
}, 60_000);
afterAll(async () => t?.close());

/** Every `$ref` in a JSON value. */
function refs(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refs(v, out);
    }
  return out;
}

const body = (method: string, path: string) =>
  doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;

describe('the OpenAPI document', () => {
  it('has Rule, Population and Breakdown as components, the rule grammar recursive with examples', () => {
    const { Rule, Population, Breakdown } = doc.components.schemas;
    expect(Rule).toBeDefined();
    expect(Population).toBeDefined();
    expect(Breakdown).toBeDefined();
    expect((Rule!['examples'] as unknown[]).length).toBeGreaterThan(0);
    // groups hold rules: the grammar refers back to itself
    expect(refs(Rule)).toContain('#/components/schemas/Rule');
    expect(refs(Population)).toEqual(new Set(['#/components/schemas/Rule']));
    // one component per contract: no separate request form
    expect(Object.keys(doc.components.schemas).filter((id) => id.endsWith('Input'))).toEqual([]);
  });

  it('describes the error body once: validation_failed details are a list of ValidationIssue', () => {
    const { ErrorBody, ValidationIssue } = doc.components.schemas;
    expect(refs(ErrorBody)).toEqual(new Set(['#/components/schemas/ValidationIssue']));
    expect(ValidationIssue!['required']).toEqual(['path', 'message']);
    const content = doc.paths['/v1/content']?.['post'] as { responses: Record<string, unknown> } | undefined;
    expect(refs(content?.responses['400'])).toEqual(new Set(['#/components/schemas/ErrorBody']));
  });

  it('refers every request that takes a population to the same Population and Rule', () => {
    const population = [
      ['post', '/v1/analytics/funnel'],
      ['post', '/v1/analytics/retention'],
      ['post', '/v1/analytics/churn'],
      ['post', '/v1/analytics/lifecycle/distribution'],
      ['post', '/v1/analytics/lifecycle/transitions'],
      ['post', '/v1/analytics/lifecycle/time-in-stage'],
      ['post', '/v1/analytics/lifecycle/aarrr'],
      ['post', '/v1/analytics/concentration'],
      ['post', '/v1/analytics/trend'],
      ['post', '/v1/analytics/drivers'],
      ['post', '/v1/analytics/lift/groups'],
      ['post', '/v1/segments/analysis'],
    ] as const;
    for (const [method, path] of population)
      expect(refs(body(method, path)), `${method} ${path}`).toContain('#/components/schemas/Population');
    const rule = [
      ['post', '/v1/segments/preview'],
      ['post', '/v1/segments'],
      ['put', '/v1/segments/{id}'],
      ['post', '/v1/analytics/drivers'],
      ['post', '/v1/analytics/lift/groups'],
    ] as const;
    for (const [method, path] of rule)
      expect(refs(body(method, path)), `${method} ${path}`).toContain('#/components/schemas/Rule');
    for (const path of ['/v1/analytics/trend', '/v1/analytics/funnel', '/v1/analytics/retention'])
      expect(refs(body('post', path)), path).toContain('#/components/schemas/Breakdown');
  });
});
