// The `flywheel` CLI as one ES module for the tests' child processes. Through tsx a child spends ~2 s resolving and
// loading the sources module by module before it does anything; bundled by the same esbuild, it starts in ~0.2 s.
// Each file's `import.meta.url` is replaced by that file's own URL, so the files it locates next to itself
// (migrations, schema.sql, web/dist, the generator worker) are still read from the source tree.
// bin/flywheel.mjs itself stays covered: src/ingest/cli.test.ts and the handover reliability test run it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** Where the bundle is written (relative to the repository root). */
export const CLI_BUNDLE = '.tmp/cli-bundle/flywheel.mjs';

const ownUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Bundles src/cli/main.ts with an entry that runs it; packages stay external (native ones load from node_modules). */
export async function bundleCli(root: string): Promise<string> {
  const outfile = resolve(root, CLI_BUNDLE);
  await build({
    stdin: {
      contents: "import { main } from './src/cli/main.ts';\nawait main(process.argv);\n",
      resolveDir: root,
      sourcefile: 'flywheel-cli-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    plugins: [ownUrl],
    logLevel: 'warning',
  });
  return outfile;
}
