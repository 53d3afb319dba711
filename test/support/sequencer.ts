import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// On a fresh clone vitest knows no durations and starts the largest files first, so a slow small file (the SIGKILL
// test, a CLI suite) can start last and run alone on one core for minutes. This sequencer starts files by their
// seconds in a recent full run (test/support/file-durations.json, from .tmp/vitest-report.json; refresh it when the
// suite changes much), files it does not know first, as vitest does.

const durations: Record<string, number> = JSON.parse(
  readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'),
) as Record<string, number>;

/** Longest known files first; unknown ones before them. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (file: TestSpecification) =>
      durations[relative(process.cwd(), file.moduleId)] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
