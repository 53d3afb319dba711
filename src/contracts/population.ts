import { z } from 'zod';
import { text } from '../shared/text.ts';
import { RuleSchema } from './rule.ts';

// Which customers an analysis covers and how it splits them: one schema each for every analysis of the API, the CLI
// and the dashboard (OpenAPI components `Population` and `Breakdown`).

/** A saved segment's id as requests name it. */
export const SegmentId = text().min(1).max(64);

/**
 * The customers an analysis covers: a saved segment's members, or an ad-hoc rule's, on the analysis day's segment
 * index. A request leaves `population` out for the whole bank.
 */
export const Population = z
  .union([
    z.strictObject({ segmentId: SegmentId.describe("a saved segment: its members (its current rule's)") }),
    z.strictObject({ rule: RuleSchema }),
  ])
  .meta({
    id: 'Population',
    description: 'the customers analysed: a saved segment or a rule; leave it out for the whole bank',
    examples: [{ segmentId: 'high_value' }, { rule: { tag: 'aum_tier', in: ['gold', 'platinum'] } }],
  });
export type Population = z.infer<typeof Population>;

/** How the answer is split into groups of customers: a tag's values, a string or boolean attribute's, or segments. */
export const Breakdown = z
  .discriminatedUnion('by', [
    z.strictObject({ by: z.literal('tag'), tag: text().min(1).max(256) }),
    z.strictObject({ by: z.literal('attribute'), attribute: text().min(1).max(256) }),
    z.strictObject({ by: z.literal('segment'), segments: z.array(SegmentId).min(1).max(20) }),
  ])
  .meta({
    id: 'Breakdown',
    description: 'groups of customers to split the answer by (the segment index of the analysis day)',
    examples: [
      { by: 'tag', tag: 'aum_tier' },
      { by: 'segment', segments: ['young', 'retired'] },
    ],
  });
export type Breakdown = z.infer<typeof Breakdown>;

/** The population as an answer states it: `customers` is null for the whole bank. */
export const PopulationView = z.object({
  kind: z.enum(['bank', 'segment', 'rule']),
  segment: z.string().nullable(),
  evaluatedOn: z.string().nullable().describe('the day the segment or rule was evaluated on'),
  customers: z.number().int().nullable(),
});
export type PopulationView = z.infer<typeof PopulationView>;
