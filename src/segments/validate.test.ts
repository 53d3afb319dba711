import { describe, expect, it } from 'vitest';
import type { RuleIssue } from './parse.ts';
import { RULE_LIMITS, RuleSchema, type Rule } from './rule.ts';
import { validateRule, type Catalogue } from './validate.ts';

const catalogue: Catalogue = {
  tags: new Map([
    ['tier', { values: ['mass', 'gold', 'platinum'] }],
    ['wecom_friend', { values: ['yes', 'no'] }],
  ]),
  attributes: new Map([
    ['age', { type: 'number' as const }],
    ['city', { type: 'string' as const }],
    ['birth_date', { type: 'date' as const }],
    ['payroll', { type: 'boolean' as const }],
  ]),
  segments: new Map<string, Rule>([
    ['A', { all: [{ tag: 'tier', in: ['gold'] }, { segment: 'B' }] }],
    ['B', { any: [{ segment: 'A' }] }],
    ['C', { tag: 'tier', in: ['gold'] }],
    ['D', { not: { segment: 'C' } }],
    ['E', { segment: 'A' }],
  ]),
  lists: new Set(['L1']),
  events: new Set(['purchase', 'login']),
};

/** The issues of a rule, which must be refused. */
function issues(input: unknown, selfId?: string): RuleIssue[] {
  const result = validateRule(input, catalogue, selfId === undefined ? {} : { selfId });
  if (result.ok) throw new Error(`expected problems, got a valid rule: ${JSON.stringify(input)}`);
  return result.error;
}

/** The single issue of a rule, as [path, code, message]. */
function only(input: unknown, selfId?: string): [string, string, string] {
  const found = issues(input, selfId);
  expect(found, JSON.stringify(found)).toHaveLength(1);
  return [found[0]!.path, found[0]!.code, found[0]!.message];
}

describe('validateRule', () => {
  it('accepts a valid rule using every kind of condition', () => {
    const rule = {
      all: [
        { tag: 'tier', in: ['gold', 'platinum'] },
        { attr: 'age', op: 'between', value: [30, 40] },
        { attr: 'birth_date', op: '>=', value: '1980-02-29' },
        { attr: 'city', op: 'contains', value: 'hai' },
        { attr: 'payroll', op: '=', value: true },
        { attr: 'city', op: 'empty', value: false },
        { holds: 'fund', balance: { gte: 10_000 } },
        {
          event: 'purchase',
          count: { gte: 2 },
          within_days: 30,
          where: { channel: 'app', amount: { gte: 100 } },
        },
        { event: 'login', sum: { property: 'seconds', gt: 60 }, from: '2024-01-01', to: '2024-01-31' },
        { any: [{ segment: 'C' }, { list: 'L1' }, { not: { segment: 'D' } }] },
        { not: { sample: { percent: 10, seed: 'holdout-2024Q1' } } },
      ],
    };
    const result = validateRule(rule, catalogue);
    expect(result).toEqual({ ok: true, value: rule });
    expect(RuleSchema.safeParse(rule).success).toBe(true);
  });

  it('points shape errors at the node and field', () => {
    expect(only({ all: [{ tag: 'tier', in: ['gold'] }, 42] })).toEqual([
      '$.all[1]',
      'invalid_shape',
      'expected a rule object such as {"tag": …} or {"all": […]}, got number 42',
    ]);
    expect(only({ any: [{ foo: 1 }] })[0]).toBe('$.any[0]');
    expect(only({ tag: 'tier', attr: 'age' })[2]).toMatch(/exactly one of the keys .*; found tag and attr/);
    const [issue] = issues({ not: { attr: 'age', op: 'between', value: [30] } });
    expect(issue).toEqual({
      path: '$.not',
      field: 'value',
      code: 'invalid_shape',
      message: 'between needs [lo, hi]',
    });
    expect(issues({ attr: 'age', op: '~', value: 1 })[0]?.message).toMatch(/^op must be one of = != </);
    expect(issues({ tag: 'tier', in: [] })[0]).toMatchObject({
      field: 'in',
      message: 'in needs at least one tag value',
    });
    expect(issues({ holds: 'gold_bars' })[0]).toMatchObject({
      field: 'holds',
      message: expect.stringMatching(/^holds must be one of current_deposit/),
    });
    expect(issues({ segment: 'C', extra: 1 })[0]?.message).toMatch(/Unrecognized key/);
  });

  it('reports unknown tags and tag values', () => {
    expect(
      only({
        all: [
          { tag: 'tier', in: ['gold'] },
          { tag: 'teir', in: ['gold'] },
        ],
      }),
    ).toEqual(['$.all[1]', 'unknown_tag', "unknown tag 'teir'"]);
    const [issue] = issues({ all: [{ any: [{ tag: 'tier', in: ['gold', 'platnum'] }] }] });
    expect(issue).toEqual({
      path: '$.all[0].any[0]',
      field: 'in[1]',
      code: 'unknown_tag_value',
      message: "tag 'tier' has no value 'platnum' (values: mass, gold, platinum)",
    });
  });

  it('reports unknown attributes and values of the wrong type for the attribute or op', () => {
    expect(only({ attr: 'income', op: '>', value: 1 })).toEqual([
      '$',
      'unknown_attribute',
      "unknown attribute 'income'",
    ]);
    expect(only({ attr: 'age', op: '=', value: '30' })).toEqual([
      '$',
      'wrong_type',
      '\'age\' is a number attribute; "30" is not a number',
    ]);
    expect(issues({ attr: 'age', op: 'in', value: [30, 'x'] })[0]).toMatchObject({
      field: 'value[1]',
      code: 'wrong_type',
    });
    expect(only({ attr: 'birth_date', op: '<', value: '2023-02-30' })[2]).toBe(
      "'birth_date' is a date attribute; expected 'YYYY-MM-DD', got \"2023-02-30\"",
    );
    expect(only({ attr: 'age', op: 'contains', value: '3' })[2]).toBe(
      "contains applies to string attributes; 'age' is a number",
    );
    expect(only({ attr: 'city', op: '<', value: 'B' })[2]).toBe(
      "op '<' does not apply to string attribute 'city'; use =, !=, in or empty",
    );
    expect(only({ attr: 'payroll', op: '=', value: 1 })[1]).toBe('wrong_type');
  });

  it('requires between bounds in order, and bounds that admit a value', () => {
    expect(only({ attr: 'age', op: 'between', value: [40, 30] })).toEqual([
      '$',
      'bad_range',
      'between needs [lo, hi] with lo ≤ hi; got [40, 30]',
    ]);
    expect(validateRule({ attr: 'age', op: 'between', value: [30, 30] }, catalogue).ok).toBe(true);
    expect(only({ attr: 'birth_date', op: 'between', value: ['2000-01-02', '2000-01-01'] })[1]).toBe(
      'bad_range',
    );
    expect(only({ holds: 'loan', balance: { gt: 100, lt: 100 } })).toEqual([
      '$',
      'bad_range',
      'balance bounds admit no value',
    ]);
    expect(only({ event: 'purchase', count: { lt: 0 } })).toEqual([
      '$',
      'bad_range',
      'count bounds admit no value',
    ]);
  });

  it('reports unknown segments, lists and events', () => {
    expect(only({ any: [{ segment: 'C' }, { segment: 'Z' }] })).toEqual([
      '$.any[1]',
      'unknown_segment',
      "unknown segment 'Z'",
    ]);
    expect(only({ not: { list: 'L2' } })).toEqual(['$.not', 'unknown_list', "unknown customer list 'L2'"]);
    expect(only({ event: 'purchse' })).toEqual(['$', 'unknown_event', "unknown event 'purchse'"]);
  });

  it('detects cycles between segments and reports the cycle path', () => {
    expect(only({ all: [{ segment: 'C' }, { segment: 'A' }] })).toEqual([
      '$.all[1]',
      'segment_cycle',
      'segment cycle: A → B → A',
    ]);
    expect(only({ segment: 'E' })[2]).toBe("segment cycle: segment 'E' depends on a cycle: A → B → A");
    // editing C so that it refers to D, which refers back to C
    expect(only({ any: [{ tag: 'tier', in: ['gold'] }, { segment: 'D' }] }, 'C')).toEqual([
      '$.any[1]',
      'segment_cycle',
      'segment cycle: C → D → C',
    ]);
    expect(only({ segment: 'X' }, 'X')[2]).toBe('segment cycle: X → X');
    expect(validateRule({ segment: 'D' }, catalogue, { selfId: 'F' }).ok).toBe(true);
  });

  it('refuses empty groups', () => {
    expect(only({ all: [{ tag: 'tier', in: ['gold'] }, { any: [] }] })).toEqual([
      '$.all[1]',
      'empty_group',
      '"any" needs at least one condition',
    ]);
    expect(only({ all: [] })).toEqual(['$', 'empty_group', '"all" needs at least one condition']);
  });

  it('requires a sample percent in (0, 100]', () => {
    for (const percent of [0, -5, 100.5]) {
      expect(only({ sample: { percent, seed: 's' } })).toEqual([
        '$',
        'bad_percent',
        `sample percent must be in (0, 100]; got ${percent}`,
      ]);
    }
    for (const percent of [0.01, 50, 100])
      expect(validateRule({ sample: { percent, seed: 's' } }, catalogue).ok).toBe(true);
  });

  it('checks event windows and measures', () => {
    expect(only({ event: 'login', within_days: 7, from: '2024-01-01' })).toEqual([
      '$',
      'bad_window',
      'use either within_days or from/to, not both',
    ]);
    expect(only({ event: 'login', from: '2024-02-01', to: '2024-01-01' })[2]).toBe(
      'from (2024-02-01) is after to (2024-01-01)',
    );
    expect(only({ event: 'login', to: '2024-02-30' })[1]).toBe('bad_window');
    expect(only({ event: 'login', count: { gte: 1 }, sum: { property: 'x', gte: 1 } })[2]).toBe(
      'use either count or sum, not both',
    );
    expect(issues({ event: 'login', within_days: 0 })[0]).toMatchObject({
      field: 'within_days',
      code: 'invalid_shape',
    });
  });

  it('reports every problem at once', () => {
    const found = issues({
      all: [
        { tag: 'nope', in: ['x'] },
        { attr: 'age', op: 'between', value: [5, 1] },
        { any: [] },
        { list: 'L9' },
        { sample: { percent: 0, seed: 's' } },
      ],
    });
    expect(found.map((i) => `${i.path} ${i.code}`)).toEqual([
      '$.all[0] unknown_tag',
      '$.all[1] bad_range',
      '$.all[2] empty_group',
      '$.all[3] unknown_list',
      '$.all[4] bad_percent',
    ]);
  });

  it('limits depth and size', () => {
    let deep: unknown = { tag: 'tier', in: ['gold'] };
    for (let i = 0; i < RULE_LIMITS.maxDepth; i++) deep = { not: deep };
    expect(issues(deep)[0]).toMatchObject({
      code: 'too_deep',
      path: `$${'.not'.repeat(RULE_LIMITS.maxDepth - 1)}`,
    });
    const wide = { any: Array.from({ length: RULE_LIMITS.maxNodes }, () => ({ tag: 'tier', in: ['gold'] })) };
    expect(issues(wide)[0]).toMatchObject({ code: 'too_large', path: '$' });
  });
});
