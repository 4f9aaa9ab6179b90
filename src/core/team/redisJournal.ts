// The journal of a team's paid jobs, in Redis (hash `dailies:journal`, one field per job key), so the
// guarantees of the per-machine journal hold across machines: a worker that dies mid-job leaves its intent
// and the provider's request id where the next worker to claim the job finds them, and re-attaches instead
// of paying again. `intent` resolves only once Redis has the line (no submit otherwise; with appendonly the
// write is in the AOF before Redis answers). The other writes go out in order on the same connection and
// never reject: a lost `output` line only leaves an entry the next claimant resolves from the result index.
import type { Redis } from 'ioredis';
import type { JobJournal, PendingJob } from '../render/journal';
import { DailiesError, toDailiesError } from '../util/errors';
import { keys } from './redis';

export class RedisJournal implements JobJournal {
  /** What was last read or written per key; `refresh(key)` re-reads one before a job looks at it. */
  private readonly cache = new Map<string, PendingJob>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly log: (message: string) => void = () => undefined,
    /** Told of every write as it is issued (a worker uses it to know whether a submit is in flight). */
    private readonly onWrite: (key: string, what: 'intent' | 'submit' | 'resolved') => void = () => undefined,
  ) {}

  async load(): Promise<void> {
    // Nothing to preload: entries are read per job, right after its claim.
  }

  async refresh(key?: string): Promise<void> {
    if (key === undefined) return;
    const text = await this.redis.hget(keys.journal, key);
    const entry = text === null ? undefined : parseEntry(text);
    if (entry) this.cache.set(key, entry);
    else this.cache.delete(key);
  }

  pending(key: string): PendingJob | undefined {
    return this.cache.get(key);
  }

  async intent(job: Omit<PendingJob, 'at' | 'requestId' | 'charged'>): Promise<void> {
    const charged = this.cache.get(job.key)?.charged;
    const entry: PendingJob = { ...job, at: Date.now(), ...(charged ? { charged } : {}) };
    this.onWrite(job.key, 'intent');
    try {
      await this.redis.hset(keys.journal, job.key, JSON.stringify(entry));
    } catch (err) {
      throw new DailiesError(
        'network',
        `the team Redis did not take the intent (${toDailiesError(err).message})`,
        {
          cause: err,
        },
      );
    }
    this.cache.set(job.key, entry);
  }

  submitted(job: Omit<PendingJob, 'at' | 'charged'> & { requestId: string }): void {
    const charged = this.cache.get(job.key)?.charged;
    const entry: PendingJob = { ...job, at: Date.now(), ...(charged ? { charged } : {}) };
    this.cache.set(job.key, entry);
    this.onWrite(job.key, 'submit');
    this.write('submit', this.redis.hset(keys.journal, job.key, JSON.stringify(entry)));
  }

  charged(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    entry.charged = true;
    this.write('charged', this.redis.hset(keys.journal, key, JSON.stringify(entry)));
  }

  output(key: string): void {
    this.cache.delete(key);
    this.onWrite(key, 'resolved');
    this.write('output', this.redis.hdel(keys.journal, key));
  }

  abandon(key: string): void {
    this.cache.delete(key);
    this.onWrite(key, 'resolved');
    this.write('abandon', this.redis.hdel(keys.journal, key));
  }

  /** Resolves once every write issued so far has been answered (or failed). */
  flushed(): Promise<void> {
    return this.writes.then(() => undefined);
  }

  async compact(): Promise<void> {
    // Each entry is one hash field, deleted when its job resolves: nothing to compact.
  }

  close(): void {
    this.cache.clear();
  }

  private write(what: string, command: Promise<unknown>): void {
    const done = command.catch((err: unknown) =>
      this.log(`journal ${what} not written to the team Redis: ${toDailiesError(err).message}`),
    );
    this.writes = Promise.all([this.writes, done]);
  }
}

function parseEntry(text: string): PendingJob | undefined {
  try {
    const v = JSON.parse(text) as Partial<PendingJob>;
    if (
      typeof v.key === 'string' &&
      typeof v.provider === 'string' &&
      typeof v.model === 'string' &&
      typeof v.at === 'number' &&
      (v.requestId === undefined || typeof v.requestId === 'string')
    )
      return v as PendingJob;
  } catch {
    // A hand-edited or foreign field: ignored, as the file journal ignores a torn line.
  }
  return undefined;
}
