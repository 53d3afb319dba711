import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Files share their worker process (and its loaded modules) instead of each importing the app afresh: the import
    // was ~3 s a file, a fifth of the suite. Every file closes what it opens (stores, servers, browsers), and an
    // embedded event store re-binds to another directory once the earlier one is closed (chdb-store.ts).
    isolate: false,
    // Bundles the CLI the child-process tests run (test/support/cli-bundle.ts).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB binds one data directory per process, and the machine has 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
    // Longest files first (known from a recent run): no slow file is left to run alone at the end.
    sequence: { sequencer: LongestFirstSequencer },
    // Browser suites poll the page for the state a user would wait for; on two loaded cores a re-render can take
    // seconds, and vitest's 1 s default turned slow into failed.
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
