import { z } from 'zod';
import { journeyBodySchema, nodeIdSchema } from '../../journeys/model.ts';
import { text } from '../../shared/text.ts';
import { rowId } from '../http.ts';
import { comparison } from './analytics-experiments-schemas.ts';

// Request and response shapes of the journey routes (journeys.ts). A version's body is the domain's own schema
// (src/journeys/model.ts), registered as the `JourneyBody` component; what it cannot say (the graph, the world it
// names) is a 400 validation_failed whose `details` list `{ path, message, code }`, path a JSON pointer. The check
// route answers the same problems with 200 and the node each concerns, for a canvas that asks as the graph changes.

export const JourneyBody = journeyBodySchema.meta({ id: 'JourneyBody' });

export const journeyId = z.object({ id: rowId });

const name = text().min(1).max(200);
const count = z.number().int();
const status = z.enum(['draft', 'live', 'paused', 'stopped']);

export const journeyDraft = z.object({ name, body: JourneyBody });
export const journeyRevision = z.object({
  name: name.optional().describe('a new name for the journey; unchanged when left out'),
  body: JourneyBody,
});

export const created = z.object({ id: count, versionId: count });
export const revised = z.object({ versionId: count, version: count });

export const checkRequest = z.object({
  body: z.unknown().describe('a journey body as drawn, however incomplete: every problem is answered'),
});
export const checkAnswer = z.object({
  problems: z
    .array(
      z.object({
        path: z.string().describe('JSON pointer into the body'),
        message: z.string(),
        code: z.string(),
        node: z.string().optional().describe('the node the problem is about'),
      }),
    )
    .describe('empty: the body is valid'),
});

export const journeyList = z.object({
  items: z.array(
    z.object({
      id: count,
      name: z.string(),
      status,
      currentVersion: count
        .nullable()
        .describe('the version new customers enter; null until first published'),
      latestVersion: count,
      hasDraft: z.boolean().describe('the latest version is not published yet'),
      entry: z
        .enum(['event', 'date', 'segment', 'lifecycle', 'schedule'])
        .describe("the latest version's entry"),
      inside: count,
      entered: count.describe('entries into the graph (the control group left out)'),
      converted: count,
      updatedAt: z.string(),
    }),
  ),
});

export const journeyDetail = z.object({
  id: count,
  name: z.string(),
  status,
  currentVersionId: count.nullable(),
  latest: z.object({ id: count, version: count, body: JourneyBody, publishedAt: z.string().nullable() }),
  versions: z
    .array(
      z.object({
        id: count,
        version: count,
        author: z.string(),
        createdAt: z.string(),
        publishedAt: z.string().nullable(),
        inside: count.describe('customers inside the journey on this version now'),
      }),
    )
    .describe('newest first'),
});

const mapping = z
  .record(nodeIdSchema, nodeIdSchema)
  .refine((m) => Object.keys(m).length <= 200, 'at most 200 nodes')
  .describe('each node of the version left → a node of the published version');

export const migration = z.object({
  fromVersionId: z.int().positive().max(2_147_483_647).describe('the version whose live customers move'),
  mapping,
});

export const migrationPreview = z.object({
  toVersionId: count,
  moves: z.array(z.object({ from: z.string(), to: z.string(), customers: count })),
  orphans: z
    .array(
      z.object({
        node: z.string(),
        customers: count,
        reason: z
          .enum(['unmapped', 'unknown_node', 'not_a_wait'])
          .describe(
            'unmapped: the mapping leaves the node out; unknown_node: it maps it to no node of the published ' +
              'version; not_a_wait: customers waiting there would land on a node that is not a wait',
          ),
      }),
    )
    .describe('non-empty: publishing with this mapping is refused'),
  staying: count.describe('customers on other versions, who finish on theirs'),
});

export const publishRequest = z
  .object({
    migrate: migration
      .optional()
      .describe(
        'move the live customers of a version onto the published one; left out: they finish on theirs',
      ),
  })
  .nullish();
export const published = z.object({ versionId: count });
export const statusAnswer = z.object({ status });

export const countsQuery = z.object({
  versionId: rowId.optional().describe('one version (default: every version)'),
});
const exits = z.record(z.string(), count);
export const counts = z.object({
  versionId: count.nullable(),
  nodes: z.array(
    z.object({
      node: z.string(),
      entered: count.describe('arrivals at the node'),
      waiting: count.describe('customers resting on it now'),
      exits: exits.describe('steps that left it, by exit'),
      converted: count.describe('entries that reached it and then the goal'),
    }),
  ),
  totals: z.object({
    entered: count,
    inside: count,
    exited: exits.describe('by reason: exit, goal, stopped, no_path…'),
    converted: count,
    control: count,
    controlConverted: count,
  }),
});

const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });
const rate = {
  entries: count,
  converted: count,
  rate: z.number().nullable(),
  interval: interval.nullable().describe('Wilson 95%'),
  reason: z.string().nullable().describe('why the rate or interval is null'),
};
const eventMatch = journeyBodySchema.shape.goal.unwrap();

export const results = z.object({
  journeyId: count,
  goal: eventMatch.nullable(),
  goalReason: z.string().nullable(),
  treated: z.object(rate).describe('entries into the graph'),
  control: z.object(rate).describe('entries held out at entry'),
  lift: comparison.nullable().describe('treated − control: Wald 95% interval, z test'),
  liftReason: z.string().nullable(),
  splits: z.array(
    z.object({
      node: z.string(),
      arms: z.array(
        z.object({
          arm: z.string(),
          ...rate,
          vsControl: comparison.nullable(),
          vsControlReason: z.string().nullable(),
          vsFirst: comparison.nullable().describe("against the split's first arm"),
          vsFirstReason: z.string().nullable(),
        }),
      ),
    }),
  ),
  branches: z
    .array(z.object({ node: z.string(), arms: z.array(z.object({ arm: z.string(), ...rate })) }))
    .describe('descriptive: who took an arm was chosen by its rule'),
  definitions: z.record(z.string(), z.string()),
});
