#!/usr/bin/env node
// Runs on `npm ci` / `npm install` in this repository: builds the dashboard so `npm start` serves it at once.
// Skipped when the web sources are absent (e.g. installed as a dependency) or FLYWHEEL_SKIP_WEB_BUILD=1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.FLYWHEEL_SKIP_WEB_BUILD === '1' || !existsSync('web/index.html')) process.exit(0);
const result = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
