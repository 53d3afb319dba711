import { Liquid, Tag, analyzeSync, type Template } from 'liquidjs';

// Message templates are Liquid (Shopify's template language): they read only the variables a message is given —
// no code, no files, no network, bounded parse size, render time and memory — so what an author writes cannot do more
// than fill a message. Variables are checked at save against the vocabulary below: an unknown one is a located error.

/** The variables a message template may use, by root; `tag` takes any key of the bank's tag catalogue. */
export const TEMPLATE_FIELDS = {
  customer: ['name', 'surname', 'salutation', 'tier', 'city', 'branch'],
  manager: ['name', 'phone'],
  product: ['name', 'category', 'rate', 'term_days', 'risk_level', 'role'],
  link: ['url'],
  bank: ['name'],
  // A service notice about a holding (a campaign with a reminder): what falls due, when, how much.
  reminder: ['kind', 'due_date', 'products', 'amount', 'account_last4'],
  // An activity's invitation (src/activities): what, where, when, and the invitee's own RSVP link.
  activity: ['name', 'venue', 'starts_at', 'rsvp_url'],
} as const;

/** One problem in one template text: what kind, where (path into the content, 1-based line and column) and why. */
export interface TemplateIssue {
  readonly code: 'template_syntax' | 'unknown_variable';
  readonly path: (string | number)[];
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

class RefusedTag extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`{% ${this.name} %} is not allowed in messages (templates cannot load other files)`);
  }
  render(): never {
    throw new Error('unreachable: a refused tag never parses');
  }
}

/** A Liquid engine confined to filling messages; `html` escapes every output (e-mail bodies). */
function messageEngine(html = false): Liquid {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    parseLimit: 200_000,
    renderLimit: 200,
    memoryLimit: 2_000_000,
    relativeReference: false,
    ...(html ? { outputEscape: 'escape' as const } : {}),
  });
  for (const name of ['include', 'render', 'layout']) engine.registerTag(name, RefusedTag);
  return engine;
}

const plain = messageEngine();
const html = messageEngine(true);

/** The reason a variable path is not in the vocabulary, or undefined when it is. */
function unknownVariable(segments: readonly unknown[], tagKeys: ReadonlySet<string>): string | undefined {
  const [root, field, ...rest] = segments;
  const shown = segments.map(String).join('.');
  if (root === 'tag') {
    if (typeof field !== 'string') return `{{ ${shown} }}: name a tag, e.g. {{ tag.aum_tier }}`;
    if (!tagKeys.has(field)) return `{{ ${shown} }}: no tag "${field}" in the catalogue`;
  } else if (typeof root === 'string' && Object.hasOwn(TEMPLATE_FIELDS, root)) {
    const fields: readonly string[] = TEMPLATE_FIELDS[root as keyof typeof TEMPLATE_FIELDS];
    if (typeof field !== 'string' || !fields.includes(field))
      return `{{ ${shown} }}: ${root} has ${fields.join(', ')}`;
  } else {
    return `{{ ${shown} }}: unknown variable; use ${[...Object.keys(TEMPLATE_FIELDS), 'tag'].join(', ')}`;
  }
  return rest.length > 0 ? `{{ ${shown} }}: ${String(root)}.${String(field)} has no fields` : undefined;
}

/**
 * Parses one template text and checks its variables; issues are located, the parsed template returned when none.
 * An e-mail body (a path ending in 'html') is parsed to escape every output: escaping is fixed when parsing.
 */
export function checkTemplate(
  path: (string | number)[],
  source: string,
  tagKeys: ReadonlySet<string>,
): { issues: TemplateIssue[]; template?: Template[] } {
  let template: Template[];
  try {
    template = (path.at(-1) === 'html' ? html : plain).parse(source);
  } catch (error) {
    const at = (error as { token?: { getPosition?: () => [number, number] } }).token?.getPosition?.() ?? [
      1, 1,
    ];
    const message = (error as Error).message.replace(/, line:\d+, col:\d+$/, '');
    return { issues: [{ code: 'template_syntax', path, line: at[0], column: at[1], message }] };
  }
  const issues: TemplateIssue[] = [];
  for (const variables of Object.values(analyzeSync(template, { partials: false }).globals)) {
    for (const variable of variables) {
      const message = unknownVariable(variable.toArray(), tagKeys);
      if (message !== undefined)
        issues.push({
          code: 'unknown_variable',
          path,
          line: variable.location.row,
          column: variable.location.col,
          message,
        });
    }
  }
  return issues.length ? { issues } : { issues, template };
}

/** The values one message is rendered with: the vocabulary's roots, filled for one customer. */
export interface MessageScope {
  readonly customer: Partial<Record<(typeof TEMPLATE_FIELDS)['customer'][number], string>>;
  readonly manager?: Partial<Record<(typeof TEMPLATE_FIELDS)['manager'][number], string>>;
  readonly product?: Partial<Record<(typeof TEMPLATE_FIELDS)['product'][number], string | number>>;
  readonly tag: Readonly<Record<string, string>>;
  readonly link?: { readonly url: string };
  readonly reminder?: Partial<Record<(typeof TEMPLATE_FIELDS)['reminder'][number], string>>;
  readonly activity?: Partial<Record<(typeof TEMPLATE_FIELDS)['activity'][number], string>>;
  readonly bank: { readonly name: string };
}

/**
 * Renders a checked template for one customer. A render cut by the time limit is tried once more: the limit is wall
 * time, so a pause of the whole process (a garbage collection, a busy machine) can cut a render that takes
 * microseconds, which would suppress that one customer's message; a template that is really slow is cut again.
 */
export function renderTemplate(template: Template[], scope: MessageScope): string {
  try {
    return plain.renderSync(template, scope as object) as string;
  } catch (error) {
    if (!/render limit exceeded/.test((error as Error).message)) throw error;
    return plain.renderSync(template, scope as object) as string;
  }
}

/** Parses a template that was checked when its content was saved (an e-mail body with escaping); throws if broken. */
export function parseTemplate(field: string, source: string): Template[] {
  return (field === 'html' ? html : plain).parse(source);
}

/** The tag keys a checked template reads ({{ tag.x }}). */
export function templateTagKeys(template: Template[]): string[] {
  const keys = new Set<string>();
  for (const variable of analyzeSync(template, { partials: false }).globals['tag'] ?? []) {
    const key = variable.toArray()[1];
    if (typeof key === 'string') keys.add(key);
  }
  return [...keys];
}

/** Roots a template reads that differ from one customer to the next (customer, tag, reminder). */
const PER_CUSTOMER_ROOTS = ['customer', 'tag', 'reminder'] as const;

/** The per-customer variables a checked template reads, e.g. ['customer.surname']: none for a one-text message. */
export function perCustomerVariables(template: Template[]): string[] {
  const globals = analyzeSync(template, { partials: false }).globals;
  return PER_CUSTOMER_ROOTS.flatMap((root) =>
    (globals[root] ?? []).map((v) => v.toArray().map(String).join('.')),
  );
}
