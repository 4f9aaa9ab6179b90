// An artist's connection to the render farm: puts variations in the BullMQ queue of their provider and
// model class, and follows them through BullMQ's queue events (progress, completed, failed) with a state
// check every few seconds as a net under lost events. A job is named by its input hash, so a second artist
// asking for the same render joins the job already there. Redis gone for longer than `lostAfterMs` fails
// the waits with a clear message; what was queued stays queued, and the next render collects it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { ModelClass, ProviderId } from '../project/schema';
import { DailiesError, type ErrorCode } from '../util/errors';
import {
  type FarmJobData,
  type FarmJobResult,
  type FarmProgress,
  parseJobResult,
  queueName,
} from './farmJobs';
import { BULL_PREFIX, bullConnection, keys } from './redis';
import { redactUrl } from './settings';
import type { Team } from './team';

export interface FarmClientOptions {
  log: (level: 'info' | 'warn', message: string) => void;
  /** Redis out of reach this long fails the waits (default 30 s). */
  lostAfterMs?: number;
  /** A job's state is checked about this often, events or not (default 10 s). */
  pollMs?: number;
  /** How long to wait for a worker to (re)connect before a batch is told none serves it (default 15 s). */
  noWorkerWaitMs?: number;
}

interface Waiter {
  onProgress: (p: FarmProgress) => void;
  settle: (r: { ok: FarmJobResult } | { error: DailiesError }) => void;
}

/** A job that failed at the farm, with the worker's error code. */
export class FarmJobFailed extends DailiesError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

export class FarmClient {
  readonly requester = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly queues = new Map<string, Promise<{ queue: Queue; events: QueueEvents }>>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly workerCounts = new Map<string, { n: number; at: number }>();
  private readonly lostAfterMs: number;
  private readonly pollMs: number;
  private downSince: number | undefined;
  private readonly watch: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly team: Team,
    private readonly options: FarmClientOptions,
  ) {
    this.lostAfterMs = options.lostAfterMs ?? 30_000;
    this.pollMs = options.pollMs ?? 10_000;
    this.watch = setInterval(() => this.checkConnection(), 500);
    this.watch.unref();
  }

  /**
   * Live workers serving this provider and class (cached for a few seconds). None: waits a little, since
   * workers reconnect a moment after a Redis restart, before answering 0.
   */
  async workersFor(provider: ProviderId, cls: ModelClass): Promise<number> {
    const name = queueName(provider, cls);
    const cached = this.workerCounts.get(name);
    if (cached && Date.now() - cached.at < 5_000) return cached.n;
    let pending = this.counting.get(name);
    if (!pending) {
      pending = this.countWorkers(name).finally(() => this.counting.delete(name));
      this.counting.set(name, pending);
    }
    return pending;
  }

  private readonly counting = new Map<string, Promise<number>>();

  private async countWorkers(name: string): Promise<number> {
    const { queue } = await this.open(name);
    const until = Date.now() + (this.options.noWorkerWaitMs ?? 15_000);
    let n = await queue.getWorkersCount();
    if (n === 0) this.options.log('info', `no worker is connected to ${name} yet; waiting for one`);
    while (n === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      n = await queue.getWorkersCount();
    }
    this.workerCounts.set(name, { n, at: Date.now() });
    return n;
  }

  /** Queues the job (or joins the one already there) and returns its id. */
  async submit(data: FarmJobData, provider: ProviderId, cls: ModelClass): Promise<string> {
    const { queue } = await this.open(queueName(provider, cls));
    const jobId = data.force ? `${data.key}-force-${data.since.toString(36)}` : data.key;
    await this.team.redis.sadd(keys.waiters(jobId), this.requester);
    await this.team.redis.pexpire(keys.waiters(jobId), 24 * 3600_000);
    await queue.add('render', data, {
      jobId,
      attempts: 1,
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    });
    // A job of the same inputs that failed before this request began is tried again, not reported again.
    const job = await Job.fromId(queue, jobId);
    if (job && (await job.getState()) === 'failed' && (job.finishedOn ?? 0) < data.since) {
      await job.retry('failed').catch(() => undefined); // another artist may have just done so
    }
    return jobId;
  }

  /** Follows a queued job to its end. */
  async wait(
    jobId: string,
    provider: ProviderId,
    cls: ModelClass,
    onProgress: (p: FarmProgress) => void,
    signal: AbortSignal,
  ): Promise<FarmJobResult> {
    const { queue } = await this.open(queueName(provider, cls));
    let settled: { ok: FarmJobResult } | { error: DailiesError } | undefined;
    let wake: () => void = () => undefined;
    const waiter: Waiter = {
      onProgress,
      settle: (r) => {
        settled ??= r;
        wake();
      },
    };
    const set = this.waiters.get(jobId) ?? new Set<Waiter>();
    this.waiters.set(jobId, set);
    set.add(waiter);
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (!settled && !signal.aborted) await this.checkState(queue, jobId, waiter);
        if (settled) {
          if ('ok' in settled) return settled.ok;
          throw settled.error;
        }
        if (signal.aborted) throw new DailiesError('canceled', 'Canceled');
        await new Promise<void>((resolve) => {
          // Only a net under lost events: spread out, so thousands of waits do not poll in step.
          const timer = setTimeout(resolve, this.pollMs * (0.5 + Math.random()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(jobId);
    }
  }

  /** This artist no longer wants the job: it stops only if nobody else is waiting for it. */
  /** Cancels on their way to Redis: `close` lets them land (a batch canceled just before it closes). */
  private readonly cancels = new Set<Promise<unknown>>();

  cancel(jobId: string, provider: ProviderId, cls: ModelClass): Promise<void> {
    const sending = this.sendCancel(jobId, provider, cls);
    const tracked = sending.catch(() => undefined).finally(() => this.cancels.delete(tracked));
    this.cancels.add(tracked);
    return sending;
  }

  private async sendCancel(jobId: string, provider: ProviderId, cls: ModelClass): Promise<void> {
    const { queue } = await this.open(queueName(provider, cls));
    await this.team.redis.srem(keys.waiters(jobId), this.requester);
    if ((await this.team.redis.scard(keys.waiters(jobId))) > 0) return;
    const job = await Job.fromId(queue, jobId);
    if (!job) return;
    const removed = await job.remove().then(
      () => true,
      () => false, // running on a worker: ask that worker to cancel it (it asks the provider)
    );
    if (!removed) await this.team.redis.publish(keys.cancelChannel, jobId);
  }

  /** A finished job whose output is gone from the store: removed, so the next submit renders it again. */
  async forget(jobId: string, provider: ProviderId, cls: ModelClass): Promise<void> {
    const { queue } = await this.open(queueName(provider, cls));
    await (await Job.fromId(queue, jobId))?.remove().catch(() => undefined);
  }

  async done(jobId: string): Promise<void> {
    await this.team.redis.srem(keys.waiters(jobId), this.requester).catch(() => undefined);
  }

  async close(): Promise<void> {
    // A cancel still in flight must reach the farm, or its workers render (and pay for) what nobody wants.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.cancels]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 10_000);
      }),
    ]);
    clearTimeout(timer);
    this.closed = true;
    clearInterval(this.watch);
    for (const set of this.waiters.values())
      for (const w of set) w.settle({ error: new DailiesError('canceled', 'Canceled') });
    const opened = await Promise.allSettled(this.queues.values());
    await Promise.all(
      opened.flatMap((o) =>
        o.status === 'fulfilled' ? [o.value.events.close(), o.value.queue.close()] : [],
      ),
    ).catch(() => undefined);
  }

  private async checkState(queue: Queue, jobId: string, waiter: Waiter): Promise<void> {
    let state: string;
    try {
      state = await queue.getJobState(jobId);
    } catch {
      return; // Redis away: the connection watch decides when that is too long
    }
    if (state === 'completed' || state === 'failed') {
      const job = await Job.fromId(queue, jobId).catch(() => undefined);
      if (!job) return;
      if (state === 'completed') {
        const ok = parseJobResult(job.returnvalue);
        waiter.settle(
          ok ? { ok } : { error: new DailiesError('bad-output', 'The farm returned an unreadable result') },
        );
      } else waiter.settle({ error: failure(job.failedReason) });
    } else if (state === 'unknown') {
      waiter.settle({ error: new DailiesError('not-found', 'The farm no longer has this job') });
    }
  }

  private open(name: string): Promise<{ queue: Queue; events: QueueEvents }> {
    let opened = this.queues.get(name);
    if (!opened) {
      opened = (async () => {
        const connection = bullConnection(this.team.settings.redisUrl, `artist:${name}`);
        const queue = new Queue(name, { connection, prefix: BULL_PREFIX });
        const events = new QueueEvents(name, { connection, prefix: BULL_PREFIX });
        queue.on('error', () => undefined);
        events.on('error', () => undefined);
        events.on('completed', ({ jobId, returnvalue }) => {
          const ok = parseJobResult(typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue);
          for (const w of this.waiters.get(jobId) ?? [])
            w.settle(
              ok
                ? { ok }
                : { error: new DailiesError('bad-output', 'The farm returned an unreadable result') },
            );
        });
        events.on('failed', ({ jobId, failedReason }) => {
          for (const w of this.waiters.get(jobId) ?? []) w.settle({ error: failure(failedReason) });
        });
        events.on('progress', ({ jobId, data }) => {
          if (typeof data !== 'object' || data === null) return;
          for (const w of this.waiters.get(jobId) ?? []) w.onProgress(data as FarmProgress);
        });
        await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
        return { queue, events };
      })();
      opened.catch(() => this.queues.delete(name));
      this.queues.set(name, opened);
    }
    return opened;
  }

  private checkConnection(): void {
    if (this.closed) return;
    const ready = this.team.redis.status === 'ready';
    if (ready) {
      if (this.downSince !== undefined) this.options.log('info', 'the team Redis is back');
      this.downSince = undefined;
      return;
    }
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.options.log(
        'warn',
        `lost the team Redis at ${redactUrl(this.team.settings.redisUrl)}; waiting for it`,
      );
      return;
    }
    if (Date.now() - this.downSince < this.lostAfterMs) return;
    const error = new DailiesError(
      'network',
      `Lost the team Redis at ${redactUrl(this.team.settings.redisUrl)} for ${Math.round(this.lostAfterMs / 1000)} s. What was queued stays on the farm: render again to collect it (nothing is paid twice).`,
      { retryable: true },
    );
    for (const set of this.waiters.values()) for (const w of set) w.settle({ error });
  }
}

function failure(reason: string | undefined): DailiesError {
  const parsed = safeJson(reason ?? '') as { code?: ErrorCode; message?: string } | undefined;
  if (parsed && typeof parsed.message === 'string')
    return new FarmJobFailed(parsed.code ?? 'internal', parsed.message);
  return new FarmJobFailed('internal', `Failed on the farm: ${reason ?? 'no reason given'}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
