// The RTA benchmark's load generator, in a process of its own: autocannon with keep-alive connections posting the
// request bodies of a file (base64, one a line) in turn. Prints autocannon's result as one JSON line.
// Usage: node bin/run-ts.mjs bench/rta-load.ts <url> <seconds> <connections> <bodies file>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, seconds, connections, file] = process.argv.slice(2);
const bodies = readFileSync(file!, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => Buffer.from(line, 'base64'));
const result = await autocannon({
  url: url!,
  duration: Number(seconds),
  connections: Number(connections),
  method: 'POST',
  headers: { 'content-type': 'application/x-protobuf' },
  requests: bodies.map((body) => ({ method: 'POST' as const, body })),
});
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  }),
);
