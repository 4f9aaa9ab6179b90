// Child processes the run starts, and their guaranteed end: cleanups run once, in reverse order, on
// success, on failure and on Ctrl-C / SIGTERM, so no code-server or Chromium outlives the run.
import { type SpawnOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { say } from './env';

type Cleanup = () => Promise<void> | void;
const cleanups: { name: string; fn: Cleanup }[] = [];

export function onCleanup(name: string, fn: Cleanup): void {
  cleanups.push({ name, fn });
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const { name, fn } = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export function exitOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping code-server and Chromium`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}

/** Runs a command to completion with its output on ours; rejects with its exit code. */
export function runCommand(cmd: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

/** Ends a process group we started (detached), politely first. */
export async function killGroup(pid: number, graceMs = 3000): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
