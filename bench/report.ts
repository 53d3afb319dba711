// `npm run bench:report [-- file.jsonl]`: renders benchmark results as the Markdown table kept in the README, so the
// figures there are copied from measured JSON, never typed by hand. Default input: the newest bench/results file.
// When a figure was measured more than once in the file, the last measurement wins.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Line {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  details?: Record<string, unknown>;
  at: string;
  machine?: { cpus?: number; memGiB?: number; loadAvg1?: number };
}

const dir = 'bench/results';
const file =
  process.argv.slice(2).find((a) => a.endsWith('.jsonl')) ??
  join(
    dir,
    readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .at(-1) ?? '',
  );
const latest = new Map<string, Line>();
for (const text of readFileSync(file, 'utf8').split('\n')) {
  if (!text.trim()) continue;
  const line = JSON.parse(text) as Line;
  latest.set(`${line.bench} ${line.metric}`, line);
}

/** Small details worth showing beside a figure (sizes, percentiles, ratios), as `k=v` pairs. */
function notes(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`)
    .join(', ');
}

console.log('| benchmark | metric | value | target | pass | measured (load) | details |');
console.log('|---|---|---|---|---|---|---|');
for (const l of latest.values()) {
  const pass = l.pass === undefined ? '' : l.pass ? 'yes' : '**no**';
  console.log(
    `| ${l.bench} | ${l.metric} | ${l.value} ${l.unit} | ${l.target ?? ''} | ${pass} | ${l.at.slice(0, 16).replace('T', ' ')} (${l.machine?.loadAvg1 ?? '?'}) | ${notes(l.details)} |`,
  );
}
