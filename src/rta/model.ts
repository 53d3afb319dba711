import { z } from 'zod';
import { Population } from '../contracts/population.ts';
import { text } from '../shared/text.ts';

// An RTA strategy as the API, the CLI and the store see it. Its id is the `out_target_id` registered with the ad
// platform beforehand; the decision answers it for devices whose customer is in the target (or for devices the bank
// does not know, when `unknownDevices` says so).

/** The platform honours a bid multiplier only in this range (else treats it as 1.0). */
export const BID_FACTOR_MIN = 0.2;
export const BID_FACTOR_MAX = 5;

/** Most strategies active at once: one bit each in a per-customer Uint32 mask. */
export const MAX_ACTIVE_STRATEGIES = 32;

/** Local date and time in the bank's zone, 'YYYY-MM-DD HH:MM'. */
const LocalTime = text()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, "expected 'YYYY-MM-DD HH:MM' (the bank's time zone)")
  .describe("'YYYY-MM-DD HH:MM' in the bank's time zone");

const factor = z.number().min(BID_FACTOR_MIN).max(BID_FACTOR_MAX);

/** A constant bid multiplier, or one read from the customer's look-alike score (0..1 mapped linearly to min..max). */
export const BidFactor = z.union([
  factor,
  z
    .strictObject({ score: z.literal('lookalike'), min: factor, max: factor })
    .refine((b) => b.min <= b.max, { message: 'min must not exceed max', path: ['max'] }),
]);
export type BidFactor = z.infer<typeof BidFactor>;

/** Who a strategy selects. */
export const StrategyTarget = z.strictObject({
  population: Population.describe('customers: a saved segment or a rule of the shared rule language'),
  unknownDevices: z
    .boolean()
    .default(false)
    .describe(
      'also match devices the bank does not know (e.g. "not a customer": unknown devices + no holdings)',
    ),
  minLookalike: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('only customers whose look-alike score is at least this (unknown devices have no score)'),
});
export type StrategyTarget = z.infer<typeof StrategyTarget>;

/** A strategy as it is written (create and edit). */
export const StrategyInput = z.strictObject({
  id: text()
    .regex(
      /^[A-Za-z0-9_.-]{1,64}$/,
      'letters, digits, _ . - (1–64): the out_target_id registered with the platform',
    )
    .describe('out_target_id'),
  name: text().min(1).max(200),
  target: StrategyTarget,
  bidFactor: BidFactor.default(1),
  cacheSeconds: z.number().int().min(0).max(86_400).default(600),
  priority: z.number().int().min(0).max(1_000_000).default(100).describe('lower answers first'),
  activeFrom: LocalTime.optional(),
  activeUntil: LocalTime.optional(),
  status: z.enum(['active', 'paused']).default('active'),
});
export type StrategyInput = z.input<typeof StrategyInput>;
export type StrategyDefinition = z.output<typeof StrategyInput>;

/** A stored strategy: its definition at its current version. */
export interface Strategy extends StrategyDefinition {
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: string;
}
