import type { Kysely } from 'kysely';
import type { SegmentService } from '../segments/service.ts';
import type { Database } from '../store/operational/database.ts';
import type { JourneyBody } from './model.ts';
import type { JourneyProblem } from './validate.ts';

// The rules a journey evaluates as it runs, checked against today's segment catalogue by the shared rule language's
// own checker (the segment service's `check`): each branch arm's rule, and a schedule entry's population — its rule,
// or its saved segment's current rule — so that a rule the engine or the schedule could never evaluate is refused
// when the journey is saved, checked or published rather than failing at each step or slot.

type Segments = Pick<SegmentService, 'check'>;

/** The first issue of a rule against the catalogue, or undefined when it holds. */
async function ruleIssue(segments: Segments, rule: unknown, selfId?: string): Promise<string | undefined> {
  const checked = await segments.check(rule, selfId === undefined ? {} : { selfId });
  if (checked.ok) return undefined;
  const issues = checked.error.code === 'invalid_rule' ? checked.error.issues : [];
  return issues[0]?.message ?? checked.error.message;
}

/** The problems of a body's rules (branch arms, a schedule entry's population), each located. */
export async function ruleProblems(
  db: Kysely<Database>,
  segments: Segments,
  body: JourneyBody,
): Promise<JourneyProblem[]> {
  const problems: JourneyProblem[] = [];
  const { entry } = body;
  if (entry.kind === 'schedule') {
    if ('rule' in entry.population) {
      const issue = await ruleIssue(segments, entry.population.rule);
      if (issue)
        problems.push({
          code: 'invalid_rule',
          path: ['entry', 'population', 'rule'],
          message: `entry: the schedule's population rule: ${issue}`,
        });
    } else {
      // An unknown segment is validate.ts's `unknown_segment`; a saved one's rule may have gone stale since it was
      // saved (a tag or attribute removed), and the schedule would fail at every slot.
      const id = entry.population.segmentId;
      const saved = await db.selectFrom('segments').select('rule').where('id', '=', id).executeTakeFirst();
      const issue = saved ? await ruleIssue(segments, saved.rule, id) : undefined;
      if (issue)
        problems.push({
          code: 'invalid_rule',
          path: ['entry', 'population', 'segmentId'],
          message: `entry: the rule of segment ${id}, the schedule's population: ${issue}`,
        });
    }
  }
  for (const [i, node] of body.nodes.entries()) {
    if (node.kind !== 'branch') continue;
    for (const [j, arm] of node.arms.entries()) {
      const issue = await ruleIssue(segments, arm.rule);
      if (issue)
        problems.push({
          code: 'invalid_rule',
          node: node.id,
          path: ['nodes', i, 'arms', j, 'rule'],
          message: `branch ${node.id}, arm ${arm.key}: ${issue}`,
        });
    }
  }
  return problems;
}
