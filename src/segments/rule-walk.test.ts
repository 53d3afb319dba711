import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { CustomerIndexBuilder } from './index.ts';
import type { Rule } from './rule.ts';
import { everyLeaf, segmentRefs, visitNode, walkRule, type RuleVisitor } from './rule-walk.ts';
import { checkRule, type Catalogue } from './validate.ts';

/** A visitor that lists every rule object it is handed as `kind path depth`, in the order it is handed them. */
function recorder(): { seen: string[]; visitor: RuleVisitor<void> } {
  const seen: string[] = [];
  const note = (kind: string) => (_: unknown, path: string, depth: number) => {
    seen.push(`${kind} ${path} ${depth}`);
  };
  return {
    seen,
    visitor: {
      all: note('all'),
      any: note('any'),
      not: note('not'),
      ...everyLeaf((_rule, kind, path, depth) => note(kind)(undefined, path, depth)),
    },
  };
}

const EVERY_KIND: Rule = {
  all: [
    { tag: 'tier', in: ['gold'] },
    {
      any: [
        { attr: 'age', op: '>=', value: 30 },
        { not: { holds: 'fund' } },
        { event: 'login', within_days: 7 },
      ],
    },
    { not: { any: [{ segment: 'S' }, { list: 'L' }] } },
    { sample: { percent: 10, seed: 'x' } },
  ],
};

describe('walkRule', () => {
  it('hands each rule object its JSON path and depth, children left to right before their group', () => {
    const { seen, visitor } = recorder();
    walkRule(EVERY_KIND, visitor);
    expect(seen).toEqual([
      'tag $.all[0] 2',
      'attr $.all[1].any[0] 3',
      'holds $.all[1].any[1].not 4',
      'not $.all[1].any[1] 3',
      'event $.all[1].any[2] 3',
      'any $.all[1] 2',
      'segment $.all[2].not.any[0] 4',
      'list $.all[2].not.any[1] 4',
      'any $.all[2].not 3',
      'not $.all[2] 2',
      'sample $.all[3] 2',
      'all $ 1',
    ]);
  });

  it('gives groups what their children made, and places a rule walked below another', () => {
    const depth: RuleVisitor<number> = {
      all: (children) => 1 + Math.max(0, ...children),
      any: (children) => 1 + Math.max(0, ...children),
      not: (child) => 1 + child,
      ...everyLeaf(() => 1),
    };
    expect(walkRule(EVERY_KIND, depth)).toBe(4);
    expect(walkRule({ all: [] }, depth)).toBe(1);

    const { seen, visitor } = recorder();
    walkRule({ not: { list: 'L' } }, visitor, '$.any[1]<S>', 3);
    expect(seen).toEqual(['list $.any[1]<S>.not 4', 'not $.any[1]<S> 3']);
  });

  it('descends into nested values through the function given, as the parser does with unchecked ones', () => {
    const described = visitNode<unknown, string>(
      { any: [1, 'two', null] },
      {
        all: (children) => `all(${children.join()})`,
        any: (children, path) => `any at ${path}: ${children.join(' ')}`,
        not: (child) => `not(${child})`,
        ...everyLeaf((_rule, kind) => kind),
      },
      '$.not',
      2,
      (child, path, depth) => `${JSON.stringify(child)}@${path}#${depth}`,
    );
    expect(described).toBe('any at $.not: 1@$.not.any[0]#3 "two"@$.not.any[1]#3 null@$.not.any[2]#3');
  });
});

describe('segmentRefs', () => {
  it('lists the segments a rule names directly, in order, repeats included', () => {
    expect(segmentRefs(EVERY_KIND)).toEqual(['S']);
    expect(
      segmentRefs({
        all: [{ segment: 'A' }, { not: { segment: 'B' } }, { any: [{ segment: 'A' }, { list: 'A' }] }],
      }),
    ).toEqual(['A', 'B', 'A']);
    expect(segmentRefs({ tag: 'tier', in: ['gold'] })).toEqual([]);
  });
});

describe('validation is compiling against the catalogue', () => {
  const builder = new CustomerIndexBuilder({ attributes: { age: 'number', city: 'string' } });
  for (let ordinal = 1; ordinal <= 5; ordinal++)
    builder.addCustomer(ordinal, { age: 20 + ordinal, city: 'Wuhan' });
  builder.addTagValue('tier', 'gold', [1, 2]).setList('L', [3]);
  const index = builder.build();
  const catalogue: Catalogue = {
    tags: new Map([['tier', { values: ['gold'] }]]),
    attributes: new Map([
      ['age', { type: 'number' as const }],
      ['city', { type: 'string' as const }],
    ]),
    segments: new Map(),
    lists: new Set(['L']),
    events: new Set(['login']),
  };

  it('locates the same mistakes, with the same fields, codes and messages, as compiling on an index does', () => {
    const rule: Rule = {
      all: [
        { tag: 'rank', in: ['gold'] },
        {
          any: [
            { attr: 'height', op: '>', value: 1 },
            { attr: 'age', op: '>', value: 'old' },
          ],
        },
        { not: { holds: 'fund', balance: { gt: 10, lt: 5 } } },
        { event: 'login', within_days: 7, from: '2024-01-01' },
        { any: [{ list: 'M' }, { segment: 'S' }, { sample: { percent: 0, seed: 'x' } }] },
        { attr: 'city', op: 'contains', value: 'Wu' },
      ],
    };
    const compiled = compile(rule, index, { today: '2024-03-15' });
    if (compiled.ok) throw new Error('expected the rule to be refused');
    const issues = checkRule(rule, catalogue);
    expect(issues).toEqual(compiled.error);
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      '$.all[0] unknown_tag',
      '$.all[1].any[0] unknown_attribute',
      '$.all[1].any[1] wrong_type',
      '$.all[2].not bad_range',
      '$.all[3] bad_window',
      '$.all[4].any[0] unknown_list',
      '$.all[4].any[1] unknown_segment',
      '$.all[4].any[2] bad_percent',
    ]);
  });
});
