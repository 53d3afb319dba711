import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../test/support/cli.ts';
import { parseServices } from './services.ts';

const dir = mkdtempSync(join(tmpdir(), 'flywheel-services-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--services', () => {
  it('reads a comma-separated list of api and worker, and names what is unknown', () => {
    const both = parseServices('api,worker');
    expect(both.ok && [...both.value].sort()).toEqual(['api', 'worker']);
    const worker = parseServices(' worker ');
    expect(worker.ok && [...worker.value]).toEqual(['worker']);
    expect(parseServices('api,mailer')).toEqual({
      ok: false,
      error: 'unknown service "mailer": the services are api, worker, rta',
    });
    expect(parseServices(',')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^no service named/),
    });
  });

  it('flywheel start with an unknown service exits 2 before opening anything', async () => {
    const run = await cliOn(dir)('start', '--services=api,mailer');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--services: unknown service "mailer": the services are api, worker, rta');
  });
});
