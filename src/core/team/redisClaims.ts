// Claims across a team's machines: before a paid job is submitted, the process that will pay for it sets
// `dailies:claim:<input hash>` with SET NX PX (atomic), naming its machine, pid and a random token. It
// renews the expiry while it works (compare-and-renew in Lua) and releases it by compare-and-delete, so
// a claim is only ever renewed or removed by its owner. Another artist or worker asking for the same input
// waits for the owner's result instead of paying again. A claim whose owner died expires on its own; on
// the owner's own machine a dead pid is noticed at once and its claim removed (again compare-and-delete,
// so two processes never both take it over).
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Claim, ClaimAttempt, ClaimOwner, ClaimStore } from '../render/claims';
import { DailiesError, toDailiesError } from '../util/errors';
import { keys } from './redis';

/** Renews the expiry only while the value is still ours. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Deletes only our own claim (or the exact stale one judged dead): never a fresh claim made meanwhile. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A team claim's owner: the local claim's fields plus the machine (hostname alone can repeat). */
export interface TeamClaimOwner extends ClaimOwner {
  machine: string;
}

export interface RedisClaimOptions {
  /** A claim not renewed for this long belongs to a dead or cut-off process (default 30 s). */
  ttlMs?: number;
  /** Where a renewal that failed is reported (the claim may then be taken over). */
  log?: (message: string) => void;
}

export const MACHINE = machineId();

interface Held {
  redisKey: string;
  value: string;
  lost: boolean;
  /** Being handed back: the job must not be submitted again from here. */
  closing: boolean;
  /** isHeld() answers under way (a submit may follow each one that says yes). */
  checks: Set<Promise<boolean>>;
}

export class RedisClaims implements ClaimStore {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisClaimOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  async tryAcquire(key: string, job: { shotId: string; variation: number }): Promise<ClaimAttempt> {
    const redisKey = keys.claim(key);
    try {
      for (let round = 0; round < 5; round++) {
        const owner: TeamClaimOwner = {
          pid: process.pid,
          host: hostname(),
          machine: MACHINE,
          token: randomBytes(12).toString('hex'),
          ...job,
          since: Date.now(),
        };
        const value = JSON.stringify(owner);
        if ((await this.redis.set(redisKey, value, 'PX', this.ttlMs, 'NX')) === 'OK') {
          const held: Held = { redisKey, value, lost: false, closing: false, checks: new Set() };
          this.held.set(key, held);
          this.startHeartbeat();
          return { claim: this.claimOf(key, held) };
        }
        const current = await this.redis.get(redisKey);
        if (current === null) continue; // released between our SET and our GET: try again
        const other = parseOwner(current);
        if (!other || !ownerIsDead(other)) return { heldBy: other };
        // Its process is gone from this machine: remove exactly that claim, then try again.
        await this.redis.eval(RELEASE, 1, redisKey, current);
      }
      return { heldBy: undefined };
    } catch (err) {
      throw new DailiesError(
        'network',
        `Not submitted: the job could not be claimed in the team Redis (${toDailiesError(err).message})`,
        { cause: err },
      );
    }
  }

  /** Gives up this process's claim on `key` (a worker handing a job back to the farm). */
  async releaseKey(key: string): Promise<void> {
    const held = this.held.get(key);
    if (held) await this.release(key, held);
  }

  /**
   * Stops this process from submitting `key` again: from now on its claim answers "not held", and this
   * resolves once every answer already under way has been acted on (so an intent that one of them let
   * through is visible in the journal before the claim is handed back).
   */
  async close(key: string): Promise<void> {
    const held = this.held.get(key);
    if (!held) return;
    held.closing = true;
    await Promise.allSettled([...held.checks]);
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Every claim this process holds right now (for `farm status` and shutdown). */
  heldKeys(): string[] {
    return [...this.held.keys()];
  }

  stop(): void {
    this.stopHeartbeat();
  }

  private claimOf(key: string, held: Held): Claim {
    return {
      key,
      isHeld: () => {
        if (held.lost || held.closing) return Promise.resolve(false);
        const check = this.redis.get(held.redisKey).then(
          (v) => v === held.value && !held.closing,
          () => false, // cannot tell: not knowing is a "no" before money moves
        );
        held.checks.add(check);
        void check.finally(() => held.checks.delete(check));
        return check;
      },
      release: () => this.release(key, held),
    };
  }

  /** Never throws: a claim left behind expires on its own. */
  private async release(key: string, held: Held): Promise<void> {
    if (this.held.get(key) === held) this.held.delete(key);
    if (this.held.size === 0) this.stopHeartbeat();
    await this.redis.eval(RELEASE, 1, held.redisKey, held.value).catch(() => undefined);
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renewAll(): Promise<void> {
    const all = [...this.held.values()].filter((h) => !h.lost);
    if (all.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const h of all) pipeline.eval(RENEW, 1, h.redisKey, h.value, String(this.ttlMs));
    let answers: [Error | null, unknown][] | null;
    try {
      answers = await pipeline.exec();
    } catch {
      return; // Redis away: renewed at the next beat, or the claim expires and isHeld() says so
    }
    answers?.forEach(([err, renewed], i) => {
      const h = all[i];
      if (!h || err || renewed === 1) return;
      h.lost = true;
      this.options.log?.(`claim on ${h.redisKey.slice(-12)} expired while held (a long pause?)`);
    });
  }
}

export function parseOwner(text: string): TeamClaimOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<TeamClaimOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string')
      return { machine: '', shotId: '', variation: 0, since: 0, ...v } as TeamClaimOwner;
  } catch {
    // fall through
  }
  return undefined;
}

/** Only a process on this very machine can be known dead; any other owner is judged by its expiry. */
function ownerIsDead(owner: TeamClaimOwner): boolean {
  if (owner.machine !== MACHINE || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/**
 * Hostnames repeat across a studio, and containers of one image share a machine id: a pid is only
 * meaningful within one host, machine id and pid namespace together.
 */
function machineId(): string {
  const parts = [hostname()];
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id) {
        parts.push(id);
        break;
      }
    } catch {
      // try the next
    }
  }
  try {
    parts.push(readlinkSync('/proc/self/ns/pid'));
  } catch {
    // not Linux
  }
  return parts.join('/');
}
