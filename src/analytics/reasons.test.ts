// The reasons' catalogue: both languages for every reason with the same placeholders, the server's sentence found
// again from its text and shown in Chinese with its values, and what it does not know left as it was.
import { describe, expect, it } from 'vitest';
import { binaryArm, compare, sampleRatioCheck, wilsonInterval } from './experiments/lift.ts';
import { REASONS, reasonText, translateReason, type ReasonKey, type ReasonParams } from './reasons.ts';

const KEYS = Object.keys(REASONS) as ReasonKey[];
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);

/** Values unlike any template's words, one per placeholder. */
const sample = (key: ReasonKey): Record<string, string> =>
  Object.fromEntries(placeholders(REASONS[key].en).map((name, i) => [name, `${name}-${i + 7}`]));
const textOf = (key: ReasonKey, values: Record<string, string>) =>
  reasonText(key, ...([values] as unknown as ReasonParams<typeof key>));

describe('the catalogue of analysis reasons', () => {
  it.each(KEYS)('%s has both languages with the same placeholders', (key) => {
    const { en, zh } = REASONS[key];
    expect(en.trim()).not.toBe('');
    expect(zh.trim()).not.toBe('');
    expect(zh).not.toBe(en);
    expect(placeholders(zh)).toEqual(placeholders(en));
  });

  it('gives every key an English template of its own', () => {
    expect(new Set(KEYS.map((k) => REASONS[k].en)).size).toBe(KEYS.length);
  });

  it.each(KEYS)('%s comes back from its English sentence in Chinese with its values in place', (key) => {
    const values = sample(key);
    const english = textOf(key, values);
    expect(english).toBe(fill(REASONS[key].en, values));
    expect(english).not.toMatch(/[{}]/);
    expect(translateReason(english, 'zh-CN')).toBe(fill(REASONS[key].zh, values));
    expect(translateReason(english, 'en-US')).toBe(english);
  });

  it('says in English exactly what the server said before the catalogue', () => {
    expect(reasonText('rateNoUnits')).toBe('no units: a rate needs at least one');
    expect(reasonText('controlRateNoVariance', { rate: 0 })).toBe(
      'the control rate is 0: its variance is 0, so no effect size can be derived from it',
    );
    expect(reasonText('armNoEntries', { arm: 'B' })).toBe('B has no entries');
    expect(reasonText('noAumBefore', { day: '2025-03-01' })).toBe('no daily AUM on or before 2025-03-01');
    expect(reasonText('srmUnweightedArms', { arms: 'B, C' })).toBe(
      'the allocation gives no weight to arm(s) B, C',
    );
  });

  it('reads the sentences the analyses produce', () => {
    expect(translateReason(wilsonInterval(0, 0).reason!, 'zh-CN')).toBe('没有单元：比率至少需要一个单元');
    const oneArm = sampleRatioCheck([{ arm: 'A', units: 5 }], null).srmReason!;
    expect(translateReason(oneArm, 'zh-CN')).toBe('不足两组');
    const unweighted = sampleRatioCheck(
      [
        { arm: 'A', units: 5 },
        { arm: 'B', units: 5 },
        { arm: 'C', units: 1 },
      ],
      { A: 1 },
    ).srmReason!;
    expect(translateReason(unweighted, 'zh-CN')).toBe('分配比例未给这些组设定权重：B, C');
    const flat = compare(binaryArm('B', 10, 0), binaryArm('A', 10, 0), 'binary');
    expect(translateReason(flat.relativeReason!, 'zh-CN')).toBe('对照组比率为 0：相对提升无定义');
    expect(translateReason(flat.mdeReason!, 'zh-CN')).toBe(
      '对照组比率为 0：其方差为 0，无法据此推算可检测效应',
    );
    const numeric = compare(
      { arm: 'B', units: 3, n: 3, sum: 3, mean: 1, variance: 0 },
      { arm: 'A', units: 3, n: 3, sum: 0, mean: 0, variance: 0 },
      'numeric',
    );
    expect(translateReason(numeric.test.reason!, 'zh-CN')).toBe('两组内各自的取值都相同：标准误为 0');
    expect(translateReason(numeric.mdeReason!, 'zh-CN')).toBe('对照组所有取值都相同：标准差为 0');
    expect(translateReason(numeric.relativeReason!, 'zh-CN')).toBe('对照组均值为 0：相对提升无定义');
  });

  it('prefers the most specific template: the control group by name, other arms by theirs', () => {
    expect(translateReason('control has no entries', 'zh-CN')).toBe('对照组尚无进入记录');
    expect(translateReason('treated has no entries', 'zh-CN')).toBe('进入旅程的组尚无进入记录');
    expect(translateReason('fast has no entries', 'zh-CN')).toBe('分支 fast 尚无进入记录');
    expect(translateReason('no units', 'zh-CN')).toBe('没有单元');
  });

  it('leaves a sentence it does not know as it was', () => {
    for (const text of ['no activity 42', '', 'no units at all', 'The run has no control group'])
      expect(translateReason(text, 'zh-CN')).toBe(text);
  });
});
