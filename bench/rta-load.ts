// The RTA benchmark's load generator, in a process of its own, with keep-alive connections posting the request
// bodies of a file (base64, one a line) in turn. It uses wrk (Debian's `wrk`, C: the least of the shared two cores
// for itself) when installed, else autocannon. Prints the result as one JSON line.
// Usage: node bin/run-ts.mjs bench/rta-load.ts <url> <seconds> <connections> <bodies file>
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const WRK = '/usr/bin/wrk';
const [url, seconds, connections, file] = process.argv.slice(2);
const bodies = readFileSync(file!, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => Buffer.from(line, 'base64'));

interface LoadResult {
  generator: 'wrk' | 'autocannon';
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** A Lua string literal of bytes ("\ddd" escapes): the bodies are binary. */
const luaBytes = (b: Buffer) => `"${[...b].map((x) => `\\${x}`).join('')}"`;

function withWrk(): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-wrk-'));
  try {
    const script = join(dir, 'rta.lua');
    writeFileSync(
      script,
      `local bodies = {${bodies.map(luaBytes).join(',\n')}}
local i = 0
local headers = { ["Content-Type"] = "application/x-protobuf" }
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"total":%d,"micros":%d,"non2xx":%d,"errors":%d,"timeouts":%d,"p50":%f,"p99":%f,"max":%f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`,
    );
    const out = execFileSync(WRK, ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url!], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const r = JSON.parse(line.slice('RESULT '.length)) as Record<string, number>;
    return {
      generator: 'wrk',
      requestsPerSecond: r['total']! / (r['micros']! / 1e6),
      total: r['total']!,
      non2xx: r['non2xx']!,
      errors: r['errors']!,
      timeouts: r['timeouts']!,
      latencyMs: { p50: r['p50']!, p99: r['p99']!, max: r['max']! },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withAutocannon(): Promise<LoadResult> {
  const result = await autocannon({
    url: url!,
    duration: Number(seconds),
    connections: Number(connections),
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    requests: bodies.map((body) => ({ method: 'POST' as const, body })),
  });
  return {
    generator: 'autocannon',
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

const useWrk = process.env['BENCH_RTA_LOADGEN'] !== 'autocannon' && existsSync(WRK);
console.log(JSON.stringify(useWrk ? withWrk() : await withAutocannon()));
