import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { Prng } from '../shared/prng.ts';
import { randomRule } from '../../test/support/random-rule.ts';
import { randomWorld, WORLD_TODAY, worldEventResolver } from '../../test/support/random-world.ts';
import { referenceEvaluate } from '../../test/support/segments-reference.ts';

// The bitmap engine must select exactly the customers the row-by-row reference selects, for random rules over
// random worlds. Reproduce a failure with SEGMENT_SEED=<world seed> (and SEGMENT_RULES to run more rules).

const WORLDS = process.env.SEGMENT_SEED
  ? [Number(process.env.SEGMENT_SEED)]
  : [11, 22, 33, 44, 55, 66, 77, 88];
const RULES_PER_WORLD = Number(process.env.SEGMENT_RULES ?? 400);

describe('bitmap engine equals the reference evaluator', () => {
  for (const seed of WORLDS) {
    it(`world ${seed}: ${RULES_PER_WORLD} random rules`, async () => {
      const world = randomWorld(seed);
      const events = worldEventResolver(world);
      const rng = new Prng(seed * 7919);
      const pool: Parameters<typeof randomRule>[3] = []; // sub-rules that later rules may repeat
      for (let n = 0; n < RULES_PER_WORLD; n++) {
        if (n % 20 === 0) pool.length = 0;
        const rule = randomRule(rng, world.vocabulary, 4, pool);
        // random tuning drives both strategies: bitmap selection and candidate filtering
        const tuning = {
          filterBelow: rng.pick([0, 1 / 64, 0.5, 2]),
          filterScansBelow: rng.pick([0, 0.5, 2]),
        };
        const result = await evaluate(rule, world.index, {
          today: WORLD_TODAY,
          events,
          segments: world.segmentRules,
          tuning,
        });
        const expected = [...referenceEvaluate(rule, world.data, WORLD_TODAY)].sort((a, b) => a - b);
        const context = `world seed ${seed}, rule #${n}, tuning ${JSON.stringify(tuning)}:\n${JSON.stringify(rule)}`;
        if (!result.ok) expect.fail(`${context}\nrefused: ${JSON.stringify(result.error)}`);
        const actual = result.value.bitmap.toArray();
        if (actual.length !== expected.length || actual.some((x, i) => x !== expected[i])) {
          const extra = actual.filter((x) => !expected.includes(x)).slice(0, 10);
          const missing = expected.filter((x) => !actual.includes(x)).slice(0, 10);
          expect.fail(
            `${context}\nengine ${actual.length}, reference ${expected.length}; extra ${extra}; missing ${missing}`,
          );
        }
        expect(result.value.count).toBe(expected.length);
      }
    });
  }
});
