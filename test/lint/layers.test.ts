import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOMS } from '../../eslint.layers.js';

// The allowed directions between the rooms of src/ (eslint.layers.js) are enforced by `npm run lint`, which CI runs:
// an import that runs back up a floor, src/ importing test code, or the dashboard importing server code fails it.

const eslint = new ESLint();
const problems = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

describe('layer lint', () => {
  it.each([
    [
      'src/tags/probe.ts',
      "import { startServer } from '../server/start.ts';\nexport const x = startServer;\n",
      /src\/tags may import only/,
    ],
    [
      'src/segments/probe.ts',
      "import { tagSource } from '../tags/segment-source.ts';\nexport const x = tagSource;\n",
      /src\/segments may import only/,
    ],
    [
      'src/ingest/probe.ts',
      "import { experimentImportTarget } from '../analytics/experiments/import.ts';\nexport const x = experimentImportTarget;\n",
      /src\/ingest may import only/,
    ],
    [
      'src/dictionary/probe.ts',
      "import { SegmentService } from '../segments/service.ts';\nexport const x = SegmentService;\n",
      /src\/dictionary may import only/,
    ],
    [
      'src/api/probe.ts',
      "import { startServer } from '../server/start.ts';\nexport const x = startServer;\n",
      /src\/api may import only/,
    ],
    [
      'src/shared/probe.ts',
      "import { SegmentService } from '../segments/service.ts';\nexport const x = SegmentService;\n",
      /src\/shared may import only nothing else/,
    ],
    [
      'src/pool/probe.ts',
      "import { createTestApp } from '../../test/support/app.ts';\nexport const x = createTestApp;\n",
      /never imports it/,
    ],
    [
      'web/src/probe.ts',
      "import { AppError } from '../../src/shared/errors.ts';\nexport const x = AppError;\n",
      /only as types/,
    ],
  ])('refuses a backwards import in %s', async (file, code, message) => {
    const found = await problems(file, code);
    expect(found.join('\n')).toMatch(message);
  });

  it.each([
    [
      'src/server/probe.ts',
      "import { createApp } from './app.ts';\nimport { SegmentService } from '../segments/service.ts';\nexport const x = [createApp, SegmentService];\n",
    ],
    [
      'src/tags/probe.ts',
      "import { walkRule } from '../segments/rule-walk.ts';\nimport { RoaringBitmap32 } from '../shared/bitmap.ts';\nexport const x = [walkRule, RoaringBitmap32];\n",
    ],
    [
      'src/ingest/probe.ts',
      "import { registerEventNames } from '../dictionary/registry.ts';\nexport const x = registerEventNames;\n",
    ],
    [
      'web/src/probe.ts',
      "import type { AppError } from '../../src/shared/errors.ts';\nimport { csvValue } from '../../src/shared/csv.ts';\nexport type E = AppError;\nexport const x = csvValue;\n",
    ],
  ])('allows the arrows that point down in %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });

  it('knows every folder of src/ as a room (an unlisted folder would be under no rule)', () => {
    const folders = readdirSync('src', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.filter((f) => !ROOMS.includes(f))).toEqual([]);
  });

  it('lets no two rooms import each other, directly or round a longer cycle', async () => {
    const rooms = readdirSync('src', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const may = new Map<string, string[]>();
    for (const room of rooms) {
      const config = (await eslint.calculateConfigForFile(`src/${room}/probe.ts`)) as {
        rules?: Record<string, [unknown, { patterns?: { group?: string[] }[] }?]>;
      };
      const banned = new Set(
        (config.rules?.['no-restricted-imports']?.[1]?.patterns ?? []).flatMap((p) => p.group ?? []),
      );
      may.set(
        room,
        rooms.filter((r) => r !== room && !banned.has(`**/${r}/**`)),
      );
    }
    // Depth-first search for a path that comes back to where it started.
    const cycles: string[] = [];
    const walk = (path: readonly string[]) => {
      for (const next of may.get(path.at(-1)!) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' → '));
        else if (!path.includes(next) && next > path[0]!) walk([...path, next]);
      }
    };
    for (const room of rooms) walk([room]);
    expect(cycles).toEqual([]);
  });
});
