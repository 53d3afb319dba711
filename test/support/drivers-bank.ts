import type { Kysely } from 'kysely';
import { Prng } from '../../src/shared/prng.ts';
import type { Database } from '../../src/store/operational/database.ts';

/** One customer of the drivers bank, as seeded. */
export interface DriversCustomer {
  readonly id: number;
  readonly gender: 'M' | 'F';
  readonly plan: 'basic' | 'plus' | 'premium';
  readonly complaints: number;
  readonly tenure: number;
  readonly churned: 0 | 1;
}

/**
 * A bank of `n` customers (ids 1..n, numbers D000001…) whose churn depends on known drivers: the plan (basic churns
 * most), complaints (0–3, each raises it) and tenure (years, longer lowers it); gender has no effect. Attributes:
 * plan, complaints, tenure, churned (0/1). Deterministic from the seed.
 */
export async function seedDriversBank(db: Kysely<Database>, n: number, seed = 5): Promise<DriversCustomer[]> {
  const rng = new Prng(seed);
  const rows: DriversCustomer[] = [];
  for (let id = 1; id <= n; id++) {
    const plan = (['basic', 'basic', 'plus', 'premium'] as const)[rng.int(0, 3)]!;
    const complaints = rng.weighted([6, 3, 2, 1]);
    const tenure = rng.int(0, 15);
    const eta =
      -1.6 + (plan === 'basic' ? 1.0 : plan === 'plus' ? 0.3 : 0) + 0.6 * complaints - 0.08 * tenure;
    const churned = rng.chance(1 / (1 + Math.exp(-eta))) ? 1 : 0;
    rows.push({ id, gender: rng.chance(0.5) ? 'M' : 'F', plan, complaints, tenure, churned });
  }
  for (let from = 0; from < rows.length; from += 1000) {
    await db
      .insertInto('customers')
      .values(
        rows.slice(from, from + 1000).map((c) => ({
          id: c.id,
          customer_no: `D${String(c.id).padStart(6, '0')}`,
          gender: c.gender,
          aum: 1000 * (c.id % 97),
          attributes: JSON.stringify({
            plan: c.plan,
            complaints: c.complaints,
            tenure: c.tenure,
            churned: c.churned,
          }),
        })),
      )
      .execute();
  }
  return rows;
}
