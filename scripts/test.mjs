#!/usr/bin/env node
// `npm test`: says which server-backed suites will run or be skipped, runs vitest, and ends with one
// plain summary line ("tests: N passed, N failed, N skipped") that CI and people can read alike.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

const required = ['1', 'true'].includes(process.env.FLYWHEEL_REQUIRE_SERVERS ?? '');

function reachable(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, timeout: 1500 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const pg = await reachable(5432);
const chromium = existsSync(process.env.FLYWHEEL_CHROMIUM ?? '/usr/bin/chromium');
console.log(
  `PostgreSQL (127.0.0.1:5432): ${pg ? 'available' : 'not reachable — PostgreSQL suites will be skipped'}`,
);
console.log(
  `Chromium (/usr/bin/chromium): ${chromium ? 'available' : 'missing — browser suites will be skipped'}`,
);
if (required && (!pg || !chromium)) {
  console.error('FLYWHEEL_REQUIRE_SERVERS=1 but a required server is missing; failing.');
  process.exit(1);
}

if (!existsSync('web/dist/index.html')) {
  console.log('Building the dashboard for the browser suites (vite build web)…');
  const built = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
const child = spawn(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code) => {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch {
    console.log('tests: no report was written');
  }
  process.exit(code ?? 1);
});
