// Names for the parts of the generated `paths` (schema.d.ts): what a route takes and answers. Every API type of the
// dashboard is one of these, or a part of one, so a change of the server's shapes fails the type check where used.
import type { components, paths } from './schema.d.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The routes that have `method`. */
type With<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON a route answers with when it succeeds. */
export type Answer<M extends Method, P extends With<M>> =
  Operation<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202>]> : never;

/** The JSON body a route takes. */
export type Body<M extends Method, P extends With<M>> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query parameters a route takes. */
export type Query<M extends Method, P extends With<M>> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** A named schema of the document. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** True only when `List` names every member of `Union` (a runtime list of the server's values). */
export type Covers<Union, List extends readonly unknown[]> = [Exclude<Union, List[number]>] extends [never]
  ? true
  : false;

/**
 * A runtime list of every value of a union the document types (types are erased, the pages need the values): a
 * value the union lacks, or one of the union's left out, fails the type check here.
 * `export const ROLES = every<Role>()(['admin', 'analyst', ...]);`
 */
export function every<Union extends string>() {
  return <const List extends readonly Union[]>(
    list: List & (Covers<Union, List> extends true ? unknown : { missing: Exclude<Union, List[number]> }),
  ): List => list;
}
