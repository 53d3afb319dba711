import { describe, expect, it, vi } from 'vitest';
import { checkContent } from './check.ts';
import { DEFAULT_SENSITIVE_WORDS, findSensitiveWords } from './compliance.ts';
import { contentDraftSchema, type ContentDraft } from './model.ts';
import { checkTemplate, renderTemplate } from './template.ts';

const tagKeys = new Set(['aum_tier', 'lifecycle_stage']);
const rules = { tagKeys, sensitiveWords: DEFAULT_SENSITIVE_WORDS };
const draft = (variants: ContentDraft['variants']): ContentDraft => ({
  type: 'product',
  title: 'Morning post: 90-day wealth product',
  productId: 'WM-90',
  variants,
});

describe('templates', () => {
  it('renders the vocabulary for one customer; e-mail HTML escapes what it is given', () => {
    const sms = checkTemplate(
      ['sms'],
      '{{ customer.salutation }}{{ customer.surname }}，{{ product.name }} 年化{{ product.rate }}% {{ tag.aum_tier }}',
      tagKeys,
    );
    expect(sms.issues).toEqual([]);
    const scope = {
      customer: { surname: '王', salutation: '先生' },
      product: { name: '稳健90天', rate: 2.85 },
      tag: { aum_tier: '金卡' },
      bank: { name: 'Demo Bank' },
    };
    expect(renderTemplate(sms.template!, scope)).toBe('先生王，稳健90天 年化2.85% 金卡');
    const html = checkTemplate(['email', 'html'], '<p>{{ customer.name }}</p>', tagKeys);
    expect(
      renderTemplate(html.template!, {
        ...scope,
        customer: { name: '<script>x</script>' },
      }),
    ).toBe('<p>&lt;script&gt;x&lt;/script&gt;</p>');
  });

  it('unknown variables, fields and tags are located errors', () => {
    const { issues, template } = checkTemplate(
      ['variants', 'sms', 'text'],
      'Hi {{ customer.phone }}\n{{ tag.nope }} {{ secret }} {{ manager.name.first }}',
      tagKeys,
    );
    expect(template).toBeUndefined();
    expect(issues.map((i) => [i.line, i.column, i.message.split(':')[0]])).toEqual([
      [1, 7, '{{ customer.phone }}'],
      [2, 4, '{{ tag.nope }}'],
      [2, 19, '{{ secret }}'],
      [2, 32, '{{ manager.name.first }}'],
    ]);
    expect(issues[0]).toMatchObject({ code: 'unknown_variable', path: ['variants', 'sms', 'text'] });
  });

  it('syntax errors, file tags and runaway loops are refused, not run', () => {
    expect(checkTemplate(['x'], 'a {% if customer.name %} b', tagKeys).issues[0]).toMatchObject({
      code: 'template_syntax',
      line: 1,
      column: 3,
    });
    expect(checkTemplate(['x'], '{% include "/etc/passwd" %}', tagKeys).issues[0]!.message).toMatch(
      /not allowed/,
    );
    expect(checkTemplate(['x'], '{{ customer.name | nope }}', tagKeys).issues[0]!.message).toMatch(
      /undefined filter/,
    );
    const loop = checkTemplate(['x'], '{% for i in (1..100000000) %}xxxxxxxx{% endfor %}', tagKeys);
    expect(loop.issues).toEqual([]);
    expect(() => renderTemplate(loop.template!, { customer: {}, tag: {}, bank: { name: 'b' } })).toThrow(
      /limit/,
    );
  });

  it('a quick render cut by a pause of the process (the limit is wall time) is rendered again, not lost', () => {
    const sms = checkTemplate(['sms'], '{{ customer.surname }}您好', tagKeys);
    // The process stalls 300 ms inside the first render (a garbage collection, a busy machine): its clock jumps.
    const real = performance.now.bind(performance);
    let calls = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => real() + (++calls >= 2 ? 300 : 0));
    try {
      expect(
        renderTemplate(sms.template!, { customer: { surname: '王' }, tag: {}, bank: { name: 'b' } }),
      ).toBe('王您好');
    } finally {
      now.mockRestore();
    }
    expect(calls).toBeGreaterThan(2); // the first render was cut; the second ran
  });
});

describe('compliance', () => {
  it('finds sensitive words through spaces, full-width letters and case, with line and column', () => {
    const hits = findSensitiveWords(
      [{ path: ['variants', 'sms', 'text'], text: '本产品\n保 本保息，Ｒｉｓｋ-free！' }],
      DEFAULT_SENSITIVE_WORDS,
    );
    expect(hits.map((h) => [h.word, h.line, h.column])).toEqual([
      ['保本', 2, 1],
      ['risk-free', 2, 7],
    ]);
  });

  it('a draft is checked whole: every template and every word, each located', () => {
    const issues = checkContent(
      draft({
        sms: { text: '{{ customer.nme }} 零风险' },
        email: { subject: '稳赚', html: '<p>{{ product.name }}</p>' },
      }),
      rules,
    );
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['unknown_variable', 'variants.sms.text'],
      ['sensitive_word', 'variants.sms.text'],
      ['sensitive_word', 'variants.email.subject'],
    ]);
    expect(checkContent(draft({ sms: { text: '{{ customer.name }}，新品上线' } }), rules)).toEqual([]);
  });

  it('the draft schema: media needs its kind, product content its product, one variant at least', () => {
    const bad = contentDraftSchema.safeParse({ type: 'media', title: 't', variants: {} });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['variants', 'mediaKind']),
    );
    expect(
      contentDraftSchema.safeParse({ type: 'product', title: 't', variants: { sms: { text: 'x' } } }).error!
        .issues[0]!.path,
    ).toEqual(['productId']);
  });
});
