// The rooms of src/ and which rooms each may import (docs/ARCHITECTURE.md, "Rooms and arrows"). Lower floors never
// import higher ones; a room not listed in another's `may` is refused by `npm run lint` (CI runs it). Import paths
// are matched by folder name, e.g. '../server/start.ts' is the room `server`.

/** Every room of src/, lowest first. */
export const ROOMS = [
  'shared',
  // The schemas requests and answers share (API, CLI, dashboard): on the kernel only, and every room above may use them.
  'contracts',
  'config',
  'store',
  'audit',
  'auth',
  // The data dictionary (display names of events, properties, attributes, tags): on the kernel only, so ingestion
  // can register the events it sees without importing any other domain.
  'dictionary',
  'segments',
  'tags',
  'customers',
  'ingest',
  'pool',
  'analytics',
  'campaigns',
  // Journeys: operations that follow each customer through a graph (waits, branches, splits, sends), their sends
  // through the campaign engine's one delivery path.
  'journeys',
  // Offline activities: invitations through the campaign engine's one path (the journeys' owned-campaign runs), RSVP,
  // check-in, attendance sheets, leads that become customers, follow-up tasks, conversion against control.
  'activities',
  // OGSM plans and reviews, and the scenes analysis: goals bound to what campaigns and journeys measured (and
  // offline activities, through an adapter wired after they merge).
  'ogsm',
  // WeCom (企业微信): the client and simulator of WeCom's server API, callbacks, friend sync, tags both ways, the
  // handover's transfers and group messages as a channel — on the pool and the operations engine.
  'wecom',
  // Saved reports and dashboards: what a user chose to look at again, shared by role; on the kernel only (the
  // analyses they name run through the API, which checks the viewer's scope each time).
  'reports',
  // Media value: spend and brand reports (through ingest's runner), acquisition attributed to channels, the channels
  // compared on five dimensions; reads the lifecycle tag's snapshots.
  'media',
  // The RTA decision service: strategies over the segment engine's populations, the device table and decisions, the
  // look-alike score (the drivers' logistic regression).
  'rta',
  'demo',
  'api',
  'server',
  'cli',
];

/** The domains: the rooms between the kernel and the HTTP layer. */
const DOMAINS = ROOMS.slice(ROOMS.indexOf('dictionary'), ROOMS.indexOf('api'));

/** The kernel every domain sits on. */
const KERNEL = ['shared', 'contracts', 'config', 'store', 'audit', 'auth'];

/** What each room may import besides itself. */
const MAY = {
  shared: [],
  contracts: ['shared'],
  config: ['shared', 'contracts'],
  store: ['shared', 'contracts'],
  audit: ['shared', 'contracts', 'store'],
  auth: ['shared', 'contracts', 'config', 'store', 'audit'],
  // Domains sit on the kernel and stores and may use one another, except where an arrow would run back up:
  // ingest hands rows to targets other domains give it, and never imports them; tags build on the segment engine's
  // rule language, and the segment index reads tags through the `TagSource` it is given, never imports them.
  dictionary: [...KERNEL],
  segments: [...KERNEL],
  tags: [...KERNEL, 'segments'],
  customers: [...KERNEL, 'segments', 'tags'],
  ingest: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers'],
  pool: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers', 'ingest'],
  analytics: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers', 'ingest', 'pool'],
  // Operations act on customers: content, the contact policy, campaigns and their delivery; results measure lift
  // with the experiment statistics of analytics.
  campaigns: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers', 'pool', 'analytics'],
  journeys: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers', 'pool', 'analytics', 'campaigns'],
  activities: [
    ...KERNEL,
    'dictionary',
    'segments',
    'tags',
    'customers',
    'ingest',
    'pool',
    'analytics',
    'campaigns',
    'journeys',
  ],
  ogsm: [
    ...KERNEL,
    'dictionary',
    'segments',
    'tags',
    'customers',
    'pool',
    'analytics',
    'campaigns',
    'journeys',
    'activities',
  ],
  wecom: [...KERNEL, 'dictionary', 'segments', 'tags', 'customers', 'pool', 'campaigns'],
  reports: [...KERNEL],
  media: [...KERNEL, 'ingest', 'tags'],
  rta: [...KERNEL, 'segments', 'analytics'],
  demo: [...KERNEL, ...DOMAINS.filter((d) => d !== 'demo')],
  api: [...KERNEL, ...DOMAINS],
  server: [...KERNEL, ...DOMAINS, 'api'],
  cli: [...KERNEL, ...DOMAINS, 'api', 'server'],
};

const FASTIFY = {
  group: ['fastify', '@fastify/*'],
  message: 'Only src/api and src/server may import Fastify.',
};
const TEST_CODE = {
  group: ['**/test/**', '**/bench/**', 'vitest'],
  message: 'Test and benchmark code lives under test/ and bench/; src/ never imports it.',
};

/** One flat-config entry per room: its forbidden rooms, test code, and Fastify outside api/server. */
export function layerConfigs() {
  const configs = ROOMS.map((room) => {
    const banned = ROOMS.filter((r) => r !== room && !MAY[room].includes(r));
    const patterns = [
      ...(banned.length
        ? [
            {
              group: banned.map((r) => `**/${r}/**`),
              message: `src/${room} may import only ${MAY[room].length ? MAY[room].join(', ') : 'nothing else'} (eslint.layers.js).`,
            },
          ]
        : []),
      TEST_CODE,
      ...(room === 'api' || room === 'server' ? [] : [FASTIFY]),
    ];
    return {
      files: [`src/${room}/**/*.ts`],
      ignores: ['src/**/*.test.ts', 'src/**/*.contract.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
  // The dashboard shares the server's schemas and types, never its code — except the CSV module, the journey graph's
  // exits (so the canvas draws a node's exits by the server's own rule) and the analyses' reasons (so a reason the
  // server gave in English is shown in the page's language): modules with no imports.
  configs.push({
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!shared/csv\\.ts$|journeys/exits\\.ts$|analytics/reasons\\.ts$)',
              allowTypeImports: true,
              message:
                'The dashboard imports the server only as types (import type), apart from src/shared/csv.ts, src/journeys/exits.ts and src/analytics/reasons.ts.',
            },
          ],
        },
      ],
    },
  });
  return configs;
}
