import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';

/** One benchmark figure, printed as a JSON line. */
export interface BenchResult {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly pass?: boolean;
  readonly details?: Record<string, unknown>;
}

/** Describes the machine a run was measured on. */
export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine skews every figure; the 1-minute load average when the figure was written says how much.
    loadAvg1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Peak resident set of a live process in MB (VmHWM), or null when it has exited. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Current resident set of a live process in MB (VmRSS). */
export function rssMb(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the flywheel CLI as a child process; resolves with exit code, output and its peak RSS (sampled). */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; seconds: number; peakRssMb: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/flywheel.mjs', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sampler = setInterval(() => {
      const v = child.pid ? peakRssMb(child.pid) : null;
      if (v !== null) peak = Math.max(peak, v);
    }, 200);
    child.on('exit', (code) => {
      clearInterval(sampler);
      resolve({
        code: code ?? 1,
        stdout,
        stderr,
        seconds: (performance.now() - started) / 1000,
        peakRssMb: Math.round(peak),
      });
    });
  });
}

/** Starts `flywheel start` and resolves when `ready(url)` first returns true; returns the process and elapsed seconds. */
export async function startServerProcess(
  env: Record<string, string>,
  ready: (url: string) => Promise<boolean>,
  timeoutMs: number,
): Promise<{ child: ChildProcess; url: string; seconds: number; output: () => string }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(process.env['BENCH_SERVER_NODE_ARGS']?.split(' ') ?? []), 'bin/flywheel.mjs', 'start'],
    {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (await ready(url).catch(() => false)) {
      return { child, url, seconds: (performance.now() - started) / 1000, output: () => output };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready within ${timeoutMs} ms:\n${output}`);
}

/** Stops a child process with SIGTERM and waits for it. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  });
}
