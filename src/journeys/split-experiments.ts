import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import { splitExperimentId, type JourneyNode } from './model.ts';

// Each split node is an experiment (control = its first arm, metric: converted) so that the experiments analysis shows
// its lift and checks its sample ratio. A sample-ratio check holds for one allocation only: when a later version
// changes a split's arms or shares, the customers assigned from then on go to an experiment of their own,
// `journey-<id>-<node>-v<version>`, while customers still on an earlier version keep filling the experiment of that
// version's shares. Node ids hold no '-', so a node's experiments are its base id and those starting `<base>-v`.

type Split = Extract<JourneyNode, { kind: 'split' }>;

/** A split's arms and shares as the experiment's expected allocation. */
const allocationOf = (node: Split): Record<string, number> =>
  Object.fromEntries(node.arms.map((a) => [a.key, a.share]));

const sameAllocation = (a: unknown, b: Record<string, number>) => {
  const x = (typeof a === 'string' ? JSON.parse(a) : a) as Record<string, number> | null;
  if (!x) return false;
  const keys = Object.keys(b);
  return Object.keys(x).length === keys.length && keys.every((k) => x[k] === b[k]);
};

/** The experiments of split nodes of a journey, newest first. */
function experimentsOf(db: Kysely<Database>, journeyId: number, nodeIds: readonly string[]) {
  const bases = nodeIds.map((nodeId) => splitExperimentId(journeyId, nodeId));
  return db
    .selectFrom('experiments')
    .select(['id', 'allocation'])
    .where((eb) =>
      eb.or(
        bases.flatMap((base) => [
          eb('id', '=', base),
          eb(sql<boolean>`starts_with(id, ${`${base}-v`})`, '=', true),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
}

/** At publish: each split of the version has an experiment with its allocation (a new one when the shares changed). */
export async function ensureSplitExperiments(
  tx: Transaction<Database>,
  input: {
    readonly journeyId: number;
    readonly name: string;
    readonly version: number;
    readonly nodes: readonly JourneyNode[];
    readonly actor: string;
    readonly now: Date;
  },
): Promise<void> {
  for (const node of input.nodes) {
    if (node.kind !== 'split') continue;
    const allocation = allocationOf(node);
    const existing = await experimentsOf(tx, input.journeyId, [node.id]).execute();
    if (existing.some((e) => sameAllocation(e.allocation, allocation))) continue;
    const base = splitExperimentId(input.journeyId, node.id);
    const first = existing.length === 0;
    await tx
      .insertInto('experiments')
      .values({
        id: first ? base : `${base}-v${input.version}`,
        name: `${input.name} · ${node.id}${first ? '' : ` (v${input.version})`}`.slice(0, 200),
        description:
          `The arms of split ${node.id} of journey ${input.journeyId}` +
          (first ? '' : ` as version ${input.version} shares them`) +
          "; converted = reached the journey's goal",
        control_arm: node.arms[0]!.key,
        metrics: JSON.stringify([{ name: 'converted', kind: 'binary' }]),
        allocation: JSON.stringify(allocation),
        created_by: input.actor,
        created_at: input.now,
        updated_by: input.actor,
        data_changed_at: input.now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/** The experiment a split's customers are recorded in: the one of the node's present arms and shares. */
export async function splitExperimentFor(
  db: Kysely<Database>,
  journeyId: number,
  node: Split,
): Promise<string> {
  const allocation = allocationOf(node);
  const found = (await experimentsOf(db, journeyId, [node.id]).execute()).find((e) =>
    sameAllocation(e.allocation, allocation),
  );
  // Published versions always have theirs (ensureSplitExperiments); the base id is the first version's.
  return found?.id ?? splitExperimentId(journeyId, node.id);
}

/** Every experiment of the splits `nodeIds` of a journey (the units a goal converts). */
export async function splitExperimentIds(
  db: Kysely<Database>,
  journeyId: number,
  nodeIds: readonly string[],
): Promise<string[]> {
  return (await experimentsOf(db, journeyId, nodeIds).execute()).map((e) => e.id);
}
