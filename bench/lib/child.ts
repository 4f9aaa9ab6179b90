// Runs a node script as a child process and reports what it cost: wall time, CPU (all threads) and peak
// RSS, read by the child itself on exit (bench/lib/rusage.cjs), so nothing of the parent is counted.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface ChildCost {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

const RUSAGE = path.join(__dirname, 'rusage.cjs');

export async function runMeasured(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<ChildCost> {
  const out = path.join(tmpdir(), `dailies-rusage-${process.pid}-${Date.now().toString(36)}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '-r', RUSAGE, script, ...args], {
    env: { ...process.env, ...env, DAILIES_BENCH_RUSAGE: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const wallMs = performance.now() - started;
  const usage = JSON.parse(await fs.readFile(out, 'utf8')) as {
    maxRssKiB: number;
    userMs: number;
    systemMs: number;
  };
  await fs.rm(out, { force: true });
  return {
    code,
    stdout,
    stderr,
    wallMs,
    cpuMs: usage.userMs + usage.systemMs,
    peakRssMiB: usage.maxRssKiB / 1024,
  };
}
