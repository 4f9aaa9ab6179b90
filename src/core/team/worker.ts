// A render worker (`dailies worker`): takes variations from the farm's BullMQ queues — only those of the
// providers it has keys for — and runs each through the same JobRunner as a local render: claim by input
// hash (Redis), the account's limits across all workers (Redis), intent before submit and request ids in the
// shared journal, re-attach to a job a dead worker left, download → verify → thumbnail → shared store →
// result index. It keeps nothing of its own: the artist's process materializes the result in its project.
// Shutdown: stop taking jobs, let the running ones finish; past the deadline (or on a second signal) hand
// them back — never mid-submit, with the claim released and the request id in the journal, so the worker
// that picks a job up re-attaches to it instead of paying again.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { type Job, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LogTag } from '../../shared/events';
import type { DailiesConfig } from '../config';
import { MetricsStore } from '../metrics/metricsStore';
import { ProjectPaths } from '../project/paths';
import type { OutputRecord } from '../project/schema';
import { cloudProviders } from '../providers/cloud';
import { createProviders, type ProviderKeys } from '../providers/factory';
import type { Provider, ProviderId } from '../providers/types';
import { JobRunner } from '../render/jobRunner';
import type { PlannedJob } from '../render/plan';
import { sleep } from '../util/abort';
import { DailiesError } from '../util/errors';
import {
  CLASSES,
  checkJobKey,
  type FarmJobResult,
  type FarmProgress,
  fromJobData,
  PAID_PROVIDERS,
  queueName,
} from './farmJobs';
import { SlotEvents, TeamScheduler } from './globalLimits';
import { BULL_PREFIX, bullConnection, keys, openRedis } from './redis';
import type { TeamSettings } from './settings';
import { SharedObjectStore } from './sharedStore';
import { SharedUploads } from './sharedUploads';
import { openTeam, type Team } from './team';

export interface WorkerOptions {
  settings: TeamSettings;
  config: DailiesConfig;
  keys: ProviderKeys;
  name?: string;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** BullMQ lock: a job whose worker stopped renewing it for this long is recovered (default 30 s). */
  lockMs?: number;
  /** Claims and slot leases outlive a dead worker by this long (default 30 s). */
  leaseMs?: number;
}

interface Active {
  bull: Job;
  token: string;
  planned: PlannedJob;
  controller: AbortController;
  /** Where its paid part is: before an intent, a submit in flight, following a request id, or done there. */
  phase: 'before' | 'submitting' | 'submitted' | 'collected';
  handingBack: boolean;
  handBack: (why: string) => void;
  lastProgressAt: number;
  /** The last state relayed to the artists. */
  lastState?: string;
}

const REGISTRY_BEAT_MS = 5_000;

export class FarmWorker {
  readonly id: string;
  private team: Team | undefined;
  private subscriber: Redis | undefined;
  private events: SlotEvents | undefined;
  private runner: JobRunner | undefined;
  private readonly workers: Worker[] = [];
  private readonly active = new Map<string, Active>();
  private readonly byPlanned = new Map<PlannedJob, Active>();
  /** Results handed back by the runner, by input hash (two queue jobs may share one render). */
  private readonly results = new Map<string, FarmJobResult['result']>();
  private beat: NodeJS.Timeout | undefined;
  private providers: ProviderId[] = [];
  private clients: Partial<Record<ProviderId, Provider>> = {};
  private stopping: Promise<void> | undefined;
  private completed = 0;

  constructor(private readonly options: WorkerOptions) {
    this.id = options.name ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  }

  get queues(): string[] {
    return this.workers.map((w) => w.name);
  }

  async start(): Promise<void> {
    const { config, settings, log } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    const team = await openTeam(settings, {
      role: `worker:${this.id}`,
      claimTtlMs: leaseMs,
      log: (m) => log('warn', m),
      onJournalWrite: (key, what) => this.onJournal(key, what),
    });
    this.team = team;
    this.subscriber = openRedis(settings.redisUrl, { role: `worker-events:${this.id}`, commandTimeoutMs: 0 });
    this.events = new SlotEvents(this.subscriber);
    const scheduler = new TeamScheduler(config, team.redis, this.events, { leaseMs });
    const { providers, unavailable } = createProviders(config, this.options.keys, cloudProviders, {
      fal: { rate: scheduler.rate('fal') },
      replicate: { rate: scheduler.rate('replicate') },
    });
    this.providers = PAID_PROVIDERS.filter((p) => providers[p]);
    this.clients = providers;
    if (this.providers.length === 0) {
      await this.close();
      throw new DailiesError(
        'auth',
        'This worker has no provider key (set FAL_KEY and/or REPLICATE_API_TOKEN): it could render nothing',
      );
    }
    const uploader = new SharedUploads(team.redis, team.store, config);
    uploader.attach({ log: (level, tag, m) => log(level, `[${tag}] ${m}`), metrics: new MetricsStore() });
    this.runner = new JobRunner({
      config,
      paths: new ProjectPaths(path.join(process.cwd(), 'farm-worker.json')),
      providers,
      unavailable,
      scheduler,
      store: new SharedObjectStore(team.store),
      results: team.results,
      journal: team.journal,
      metrics: new MetricsStore(),
      uploader,
      claims: team.claims,
      sink: {
        job: (job, state, extra) => this.onJobEvent(job, state, extra),
        log: (level, tag, message) => this.onLog(level, tag, message),
      },
      materialize: (job, result) => this.keep(job, result),
    });
    await this.subscriber.subscribe(keys.cancelChannel);
    this.subscriber.on('message', (channel: string, jobId: string) => {
      if (channel === keys.cancelChannel) this.active.get(jobId)?.controller.abort();
    });
    const lockDuration = this.options.lockMs ?? 30_000;
    for (const provider of this.providers) {
      for (const cls of CLASSES) {
        const worker = new Worker(queueName(provider, cls), (job, token) => this.process(job, token ?? ''), {
          connection: bullConnection(settings.redisUrl, `bull:${this.id}`),
          prefix: BULL_PREFIX,
          name: this.id,
          // More jobs than slots: while one downloads and stores its output (outside the slot), the next
          // is already waiting for that slot, so the account's capacity never idles between jobs.
          concurrency: Math.max(2, config.limits[cls] * 2),
          lockDuration,
          stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
          // A job may outlive many killed workers; each death is one stall, never a failure.
          maxStalledCount: 1000,
          metrics: { maxDataPoints: 60 * 24 },
        });
        worker.on('error', (err) => this.connectionTrouble(`queue ${worker.name}: ${err.message}`));
        this.workers.push(worker);
      }
    }
    await this.register();
    this.beat = setInterval(() => void this.register().catch(() => undefined), REGISTRY_BEAT_MS);
    this.beat.unref();
    const missing = PAID_PROVIDERS.filter((p) => !providers[p]);
    log(
      'info',
      `worker ${this.id} serving ${this.queues.join(', ')}${missing.length ? ` (no key for ${missing.join(', ')}: not taking those jobs)` : ''}`,
    );
  }

  private lastTrouble = 0;

  /** BullMQ reports every failed reconnect of every queue: one line per outage is enough. */
  private connectionTrouble(message: string): void {
    const now = Date.now();
    if (now - this.lastTrouble > 30_000)
      this.options.log('warn', `${message} (the team Redis is away; reconnecting)`);
    this.lastTrouble = now;
  }

  /** Stops taking jobs; running ones finish until `deadlineMs`, then are handed back to the queue. */
  stop(deadlineMs = 300_000): Promise<void> {
    this.stopping ??= this.shutdown(deadlineMs);
    return this.stopping;
  }

  /** Hands every running job back now (a second Ctrl-C, or the deadline). */
  async handBackAll(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => this.handBack(a)));
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    const { log } = this.options;
    await Promise.all(this.workers.map((w) => w.pause(true).catch(() => undefined)));
    // Jobs still waiting for their claim or a slot go straight back to the queue: another worker starts
    // them sooner than this one would. Those already at the provider finish here.
    const notStarted = [...this.active.values()].filter((a) => a.phase === 'before');
    await Promise.all(notStarted.map((a) => this.handBack(a)));
    if (this.active.size) log('info', `finishing ${this.active.size} running job(s) (taking no new ones)`);
    const until = Date.now() + deadlineMs;
    while (this.active.size > 0 && Date.now() < until) await sleep(100);
    if (this.active.size > 0) await this.handBackAll();
    await this.close();
  }

  private async close(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    await this.team?.redis.hdel(keys.workers, this.id).catch(() => undefined);
    this.events?.close();
    await this.team?.close();
  }

  private async process(bull: Job, token: string): Promise<FarmJobResult> {
    if (this.stopping) {
      await bull.moveToWait(token);
      throw new WaitingError();
    }
    const { planned, data } = fromJobData(bull.data);
    try {
      checkJobKey(planned, this.clients[planned.request.model.provider]);
    } catch (err) {
      const e = err as DailiesError;
      this.options.log('warn', e.message);
      throw new Error(JSON.stringify({ code: e.code, message: e.message }));
    }
    const controller = new AbortController();
    let handedBack: (why: string) => void = () => undefined;
    const back = new Promise<'handed-back'>((resolve) => {
      handedBack = () => resolve('handed-back');
    });
    const entry: Active = {
      bull,
      token,
      planned,
      controller,
      phase: 'before',
      handingBack: false,
      handBack: handedBack,
      lastProgressAt: 0,
    };
    const jobId = bull.id ?? data.key;
    this.active.set(jobId, entry);
    this.byPlanned.set(planned, entry);
    const startedAt = Date.now();
    try {
      const outcome = await Promise.race([this.runner!.run(planned, controller.signal, data.force), back]);
      if (outcome === 'handed-back') throw new WaitingError();
      const kept = this.results.get(planned.key);
      if ((outcome.state === 'done' || outcome.state === 'cached') && kept) {
        this.completed++;
        return {
          result: kept,
          state: outcome.state,
          costUsd: outcome.costUsd,
          queueMs: outcome.queueMs,
          startedAt: outcome.startedAt ?? startedAt,
          finishedAt: outcome.finishedAt ?? Date.now(),
          worker: this.id,
          requester: data.requester,
        };
      }
      const error = outcome.error ?? new DailiesError('canceled', 'Canceled');
      throw new Error(JSON.stringify({ code: error.code, message: error.message }));
    } finally {
      this.active.delete(jobId);
      this.byPlanned.delete(planned);
      if (![...this.active.values()].some((a) => a.planned.key === planned.key))
        this.results.delete(planned.key);
    }
  }

  /** Gives a running job back to the queue without canceling it at the provider. */
  private async handBack(a: Active): Promise<void> {
    if (a.handingBack) return;
    a.handingBack = true;
    const { claims, journal } = this.team!;
    await claims.close(a.planned.key); // no submit from here on
    const live = () => [...this.active.values()].includes(a);
    for (let waited = 0; a.phase === 'submitting' && live() && waited < 120_000; waited += 50)
      await sleep(50);
    if (!live()) return; // it ended meanwhile (its submit refused, say): nothing to hand back
    // Not at the provider (or its submit was refused): stop waiting for a slot. Nothing to cancel there.
    if (a.phase === 'before') a.controller.abort();
    await journal.flushed(); // the request id is in Redis before anyone else can claim the job
    await claims.releaseKey(a.planned.key);
    await a.bull.moveToWait(a.token).catch(() => undefined);
    this.options.log('info', `handed ${a.planned.shotId} v${a.planned.variation} back to the farm`);
    a.handBack('shutdown');
  }

  private onJournal(key: string, what: 'intent' | 'submit' | 'resolved'): void {
    for (const a of this.active.values()) {
      if (a.planned.key !== key) continue;
      a.phase = what === 'intent' ? 'submitting' : what === 'submit' ? 'submitted' : 'collected';
    }
  }

  private async keep(job: PlannedJob, result: FarmJobResult['result']): Promise<OutputRecord> {
    this.results.set(job.key, result);
    return {
      variation: job.variation,
      image: '',
      sha256: result.sha256,
      width: result.width,
      height: result.height,
      seed: result.seed,
    };
  }

  private onJobEvent(job: PlannedJob, state: string, extra: Omit<FarmProgress, 'state' | 'log'> = {}): void {
    const a = this.byPlanned.get(job);
    if (!a || state === 'done' || state === 'cached' || state === 'failed' || state === 'canceled') return;
    const now = Date.now();
    // Step updates of a running job are thinned out; the change to "running" itself always goes.
    const stepOnly =
      state === 'running' &&
      a.lastState === 'running' &&
      extra.step !== undefined &&
      now - a.lastProgressAt < 200;
    if (stepOnly) return;
    a.lastProgressAt = now;
    a.lastState = state;
    const { step, steps, queuePosition, attempt, retryInMs, message } = extra;
    const progress: FarmProgress = {
      state: state as FarmProgress['state'],
      step,
      steps,
      queuePosition,
      attempt,
      retryInMs,
      message,
    };
    void a.bull.updateProgress(progress as object).catch(() => undefined);
  }

  private onLog(level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string): void {
    if (level !== 'debug') this.options.log(level, `[${tag}] ${message}`);
    if (level === 'debug' || (tag !== 'RESUME' && level === 'info')) return;
    // A job's own warnings travel with it to the artists following it.
    for (const a of this.active.values()) {
      if (!message.startsWith(`${a.planned.shotId} v${a.planned.variation}`)) continue;
      void a.bull
        .updateProgress({ log: { level, tag, message } } satisfies FarmProgress)
        .catch(() => undefined);
    }
  }

  /** `dailies farm status` lists live workers from this registry (an entry not renewed is a dead one). */
  private async register(): Promise<void> {
    const entry = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      providers: this.providers,
      queues: this.queues,
      active: this.active.size,
      completed: this.completed,
      lastSeen: Date.now(),
    };
    await this.team!.redis.hset(keys.workers, this.id, JSON.stringify(entry));
  }
}
