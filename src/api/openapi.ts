import { isDeepStrictEqual } from 'node:util';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

// The OpenAPI document's shared components. Schemas registered with an id (`.meta({ id: 'Rule' })`, src/contracts)
// become `#/components/schemas/<id>` and every route refers to them. The type provider names a component's request
// form `<id>Input`, in case parsing changes a value; where both forms are the same (every contract so far), the
// document keeps one component under the contract's own name, so a client sees one `Rule` and one `Population`.

type Doc = ReturnType<typeof jsonSchemaTransformObject>;
const PREFIX = '#/components/schemas/';

/** The document with registered components, one per contract whose request and answer forms are the same. */
export function transformOpenApi(input: Parameters<typeof jsonSchemaTransformObject>[0]): Doc {
  const doc = jsonSchemaTransformObject(input) as Doc & {
    components?: { schemas?: Record<string, unknown> };
  };
  const schemas = doc.components?.schemas ?? {};
  const renamed = new Map<string, string>();
  for (const id of Object.keys(schemas)) {
    if (!id.endsWith('Input')) continue;
    const base = id.slice(0, -'Input'.length);
    const same = refsRenamed(schemas[id], (ref) => ref.replace(/Input$/, ''));
    if (!(base in schemas) || isDeepStrictEqual(same, schemas[base])) renamed.set(PREFIX + id, PREFIX + base);
  }
  if (renamed.size === 0) return doc;
  const rename = (ref: string) => renamed.get(ref) ?? ref;
  const merged: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const name = rename(PREFIX + id).slice(PREFIX.length);
    if (!(name in merged) || name === id) merged[name] = refsRenamed(schema, rename);
  }
  const out = refsRenamed(doc, rename) as typeof doc;
  return { ...out, components: { ...out.components, schemas: merged } } as Doc;
}

/** A JSON value with every `$ref` string passed through `rename`. */
function refsRenamed(value: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => refsRenamed(v, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? rename(v) : refsRenamed(v, rename),
    ]),
  );
}
