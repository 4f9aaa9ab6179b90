// Cross-process claims on paid jobs: before a job is submitted, the process that will pay for it creates
// `.dailies/claims/<job key>.json` with O_EXCL (atomic on local disks, NFS and SMB), naming its pid, host
// and a random token; it touches the file's mtime as a heartbeat while it holds it. Another window, the
// CLI beside the editor, or an artist on the same share then waits for that job's result instead of
// paying for it again. A claim whose owner is dead (same host, no such pid) or silent for `staleMs`
// (another host) is taken over, under a short takeover lock so two processes never both take it.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { DailiesError, toDailiesError } from '../util/errors';

export interface ClaimOwner {
  pid: number;
  host: string;
  token: string;
  shotId: string;
  variation: number;
  /** Epoch ms the claim was taken. */
  since: number;
}

export interface Claim {
  readonly key: string;
  /** Whether the claim file is still ours (not taken over while this process was frozen, say). */
  isHeld(): Promise<boolean>;
  /** Removes the claim file, if it is still ours. */
  release(): Promise<void>;
}

export type ClaimAttempt = { claim: Claim } | { heldBy: ClaimOwner | undefined };

/** Where claims live: files under `.dailies/claims` here, Redis for a team (src/core/team/redisClaims). */
export interface ClaimStore {
  /** Claims `key` for this process, or says who holds it. Errors are thrown (nothing may be paid). */
  tryAcquire(key: string, job: { shotId: string; variation: number }): Promise<ClaimAttempt>;
}

export interface ClaimOptions {
  /** A claim not touched for this long belongs to a dead or unreachable process (default 30 s). */
  staleMs?: number;
  /** How often held claims are touched (default 5 s). */
  heartbeatMs?: number;
}

const HOST = hostname();

export class Claims implements ClaimStore {
  private readonly held = new Map<string, { file: string; token: string }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly staleMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly dir: string,
    options: ClaimOptions = {},
  ) {
    this.staleMs = options.staleMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  /** Claims `key` for this process, or says who holds it. Disk errors are thrown (nothing may be paid). */
  async tryAcquire(key: string, job: { shotId: string; variation: number }): Promise<ClaimAttempt> {
    const file = path.join(this.dir, `${key}.json`);
    for (let round = 0; round < 5; round++) {
      const token = randomBytes(12).toString('hex');
      const owner: ClaimOwner = { pid: process.pid, host: HOST, token, ...job, since: Date.now() };
      if (await this.create(file, owner)) {
        this.held.set(key, { file, token });
        this.startHeartbeat();
        return {
          claim: {
            key,
            isHeld: async () => {
              const current = await readClaim(file).catch(() => 'missing' as const);
              return current !== 'missing' && current.owner?.token === token;
            },
            release: () => this.release(key, token),
          },
        };
      }
      const current = await readClaim(file);
      if (current === 'missing') continue; // released between our create and our read: try again
      if (!this.isStale(current.owner, current.mtimeMs)) return { heldBy: current.owner };
      if (!(await this.takeOver(file, current.owner?.token))) return { heldBy: current.owner };
    }
    return { heldBy: undefined };
  }

  private async create(file: string, owner: ClaimOwner): Promise<boolean> {
    await fs.mkdir(this.dir, { recursive: true });
    let handle: fs.FileHandle;
    try {
      // O_EXCL also refuses a symlink planted at the path: a claim never writes through one.
      handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw claimError(err);
    }
    try {
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return true;
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.unlink(file).catch(() => undefined);
      throw claimError(err);
    }
  }

  /** Dead owner on this host (its pid is gone), or no heartbeat for `staleMs` (any host). */
  private isStale(owner: ClaimOwner | undefined, mtimeMs: number): boolean {
    if (owner?.host === HOST && owner.pid !== process.pid && !pidAlive(owner.pid)) return true;
    return Date.now() - mtimeMs > this.staleMs;
  }

  /** Removes a stale claim under a takeover lock; false when another process is taking it over. */
  private async takeOver(file: string, staleToken: string | undefined): Promise<boolean> {
    const lock = `${file}.takeover`;
    try {
      await fs.mkdir(lock);
    } catch {
      // Someone else is taking it over; a lock left by a process that died doing so is cleared.
      const st = await fs.stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > this.staleMs) await fs.rmdir(lock).catch(() => undefined);
      return false;
    }
    try {
      const current = await readClaim(file);
      if (current === 'missing') return true;
      // Only the claim we judged stale goes: a fresh one made meanwhile is left alone.
      if (current.owner?.token !== staleToken || !this.isStale(current.owner, current.mtimeMs)) return false;
      await fs.unlink(file).catch(() => undefined);
      return true;
    } finally {
      await fs.rmdir(lock).catch(() => undefined);
    }
  }

  /** Never throws: a claim left behind is taken over once this process is gone or silent. */
  private async release(key: string, token: string): Promise<void> {
    const mine = this.held.get(key);
    if (mine?.token !== token) return;
    this.held.delete(key);
    if (this.held.size === 0) this.stopHeartbeat();
    const current = await readClaim(mine.file).catch(() => 'missing' as const);
    if (current !== 'missing' && current.owner?.token === token)
      await fs.unlink(mine.file).catch(() => undefined);
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = new Date();
      for (const { file } of this.held.values()) void fs.utimes(file, now, now).catch(() => undefined);
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

async function readClaim(
  file: string,
): Promise<{ owner: ClaimOwner | undefined; mtimeMs: number } | 'missing'> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    // Unreadable (a symlink planted there, permissions): treat as held by nobody we know, judged by age.
    const st = await fs.lstat(file).catch(() => undefined);
    return st ? { owner: undefined, mtimeMs: st.mtimeMs } : 'missing';
  }
  try {
    const st = await handle.stat();
    const text = await handle.readFile('utf8');
    return { owner: parseOwner(text), mtimeMs: st.mtimeMs };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** An empty or torn file (its creator died mid-write, or is writing now) has no owner; its age decides. */
function parseOwner(text: string): ClaimOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<ClaimOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string')
      return v as ClaimOwner;
  } catch {
    // fall through
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function claimError(err: unknown): DailiesError {
  const e = toDailiesError(err);
  return new DailiesError(
    e.code === 'internal' ? 'disk' : e.code,
    `Not submitted: the job could not be claimed on disk (${e.message})`,
    { cause: err },
  );
}
