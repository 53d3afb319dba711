import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  examineJson,
  jsonObject,
  jsonProblem,
  jsonValue,
  MAX_JSON_DEPTH,
  NUL_REASON,
  text,
  unstorableText,
} from './text.ts';

/** `{"a":{"a":…}}` with `levels` objects, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('text from outside', () => {
  it('accepts any Unicode text, astral characters and other control characters included', () => {
    for (const value of ['', '张三', 'emoji 😀', 'tab\tand\nnewline', '\u0001'])
      expect(unstorableText(value), value).toBeUndefined();
  });

  it('refuses NUL and lone surrogates, which PostgreSQL cannot store', () => {
    expect(unstorableText('a\u0000b')).toBe(NUL_REASON);
    expect(unstorableText('a\ud800b')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorableText('\udc00')).toMatch(/lone UTF-16 surrogate/);
  });

  it('names the field that carries it in a schema, and chains like z.string()', () => {
    const schema = z.object({ title: text().min(1).max(5) });
    expect(schema.safeParse({ title: 'a\u0000' }).error?.issues).toMatchObject([
      { path: ['title'], message: NUL_REASON },
    ]);
    expect(schema.safeParse({ title: 'longer than five' }).success).toBe(false);
    expect(schema.safeParse({ title: '' }).success).toBe(false);
    expect(schema.safeParse({ title: 'fine' }).data).toEqual({ title: 'fine' });
  });
});

describe('JSON values from outside', () => {
  it('bounds nesting at MAX_JSON_DEPTH levels of objects and arrays, at any depth without overflowing', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    const problem = jsonProblem(nested(MAX_JSON_DEPTH + 1));
    expect(problem?.message).toBe(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(problem?.path).toHaveLength(MAX_JSON_DEPTH);
    expect(jsonProblem(nested(100_000))?.path).toHaveLength(MAX_JSON_DEPTH);
    expect(jsonProblem([[[1]]], 2)).toEqual({ path: [0, 0], message: 'nests deeper than 2 levels' });
  });

  it('finds unstorable strings and keys where they are', () => {
    expect(jsonProblem({ a: [1, 'x', { b: 'c\u0000' }] })).toEqual({
      path: ['a', 2, 'b'],
      message: NUL_REASON,
    });
    expect(jsonProblem({ ['k\u0000']: 1 })).toEqual({ path: ['k\u0000'], message: `key ${NUL_REASON}` });
    expect(jsonProblem({ a: 'c\u0000' }, 32, { text: false })).toBeUndefined();
  });

  it('counts a lower bound of the serialised length on the way: exact without escapes or long scalars', () => {
    for (const v of [{}, [], [[], [{}]], { a: 'x', b: [1, 'yz'] }, 'plain', { 张: '三' }])
      expect(examineJson(v).chars, JSON.stringify(v)).toBe(JSON.stringify(v).length);
    for (const v of [{ q: '"\n\u0001' }, [true, null, 12.5, 'x']])
      expect(examineJson(v).chars, JSON.stringify(v)).toBeLessThan(JSON.stringify(v).length);
  });

  it('reports the problem at its path through zod', () => {
    const schema = z.object({ rule: jsonValue(), spec: jsonObject() });
    const result = schema.safeParse({ rule: { all: [{ tag: 'x\u0000' }] }, spec: nested(40) });
    expect(result.error?.issues).toMatchObject([
      { path: ['rule', 'all', 0, 'tag'], message: NUL_REASON },
      { path: ['spec', ...Array<string>(MAX_JSON_DEPTH).fill('a')], message: 'nests deeper than 32 levels' },
    ]);
    expect(schema.safeParse({ rule: { tag: 'aum_tier' }, spec: { a: [1] } }).success).toBe(true);
    expect(jsonObject().safeParse([1]).success).toBe(false);
  });
});
