// A cross-process lock (mkdir-based, works on network drives) so the extension, the CLI and a second
// VS Code window never interleave read-modify-write cycles on the same file.
import type * as Lockfile from 'proper-lockfile';
import { DailiesError } from './errors';

let lockfile: typeof Lockfile | undefined;

// The CLI and the extension must agree on these, or one would steal the other's live lock.
const STALE_MS = 10_000;
const UPDATE_MS = 2_000;

export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    // Loaded at the first lock: with it come signal-exit and node:assert, and a run that writes nothing
    // (a no-op re-run) should not pay for them.
    lockfile ??= require('proper-lockfile') as typeof Lockfile;
    release = await lockfile.lock(file, {
      stale: STALE_MS,
      update: UPDATE_MS,
      realpath: false,
      retries: { retries: 200, minTimeout: 10, maxTimeout: 250, factor: 1.3, randomize: true },
      // The default throws from a timer, which would be an uncaught error in the extension host.
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    throw new DailiesError('project-io', `Could not lock ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const result = await fn();
    if (compromised) throw new DailiesError('project-io', `Lost the lock on ${file}: ${compromised.message}`);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
