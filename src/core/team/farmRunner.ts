// `render --farm` on an artist's machine: each paid variation goes to the farm instead of a provider. A
// result the team already has is taken from the shared store without queueing anything; otherwise the
// refs go to the shared store (once), the job to its queue, and the worker's progress comes back as the
// same job events a local render emits, so the tree, status bar and storyboard follow it unchanged. The
// finished output is copied from the shared store into this project by this process, which alone writes
// its project.json. Free draft shots render here. Redis lost before a job was queued: only with
// `--farm-fallback local` is it rendered here instead (with this machine's own claims and journal).
import type { ModelClass, ProviderId } from '../project/schema';
import { Claims } from '../render/claims';
import type { VariationRunner } from '../render/engine';
import { JobRunner, type JobRunnerDeps, type VariationOutcome } from '../render/jobRunner';
import { Journal } from '../render/journal';
import type { PlannedJob } from '../render/plan';
import { DailiesError, toDailiesError } from '../util/errors';
import type { FarmClient } from './farmClient';
import { type FarmJobResult, type FarmProgress, PAID_PROVIDERS, toJobData } from './farmJobs';
import type { FarmFallback } from './settings';
import { TeamResults } from './sharedResults';
import type { SharedStore } from './sharedStore';
import { REF_EXT } from './sharedUploads';

export interface FarmRunnerOptions {
  client: FarmClient;
  store: SharedStore;
  fallback: FarmFallback;
  /** Claims for a local fallback: on the shared folder when the store is one, so artists still see them. */
  fallbackClaimsDir?: string;
  /** The project's name in `farm status`. */
  project: string;
}

const KEY_HINT: Record<string, string> = { fal: 'FAL_KEY', replicate: 'REPLICATE_API_TOKEN' };

export class FarmRunner implements VariationRunner {
  private readonly pushed = new Map<string, Promise<void>>();
  private offline: Promise<JobRunner> | undefined;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly local: JobRunner,
    private readonly options: FarmRunnerOptions,
  ) {}

  async run(job: PlannedJob, signal: AbortSignal, force: boolean): Promise<VariationOutcome> {
    const provider = job.request.model.provider;
    const cls = job.request.model.class;
    // Free renders (the offline draft) never need the farm.
    if (!(PAID_PROVIDERS as readonly string[]).includes(provider)) return this.local.run(job, signal, force);
    const { sink } = this.deps;
    const since = Date.now();
    let queued = false;
    sink.job(job, 'queued', { message: 'Waiting for the farm' });
    try {
      if (!force) {
        const hit = await this.deps.results.get(job.key);
        if (hit)
          return await this.finish(
            job,
            { result: hit, state: 'cached', costUsd: 0, queueMs: 0, worker: '', requester: '' },
            false,
          );
      }
      if ((await this.options.client.workersFor(provider, cls)) === 0)
        return await this.noWorker(job, signal, force);
      await this.pushRefs(job);
      for (let round = 0; ; round++) {
        const data = toJobData(job, {
          force,
          since,
          requester: this.options.client.requester,
          project: this.options.project,
        });
        const jobId = await this.options.client.submit(data, provider, cls);
        queued = true;
        try {
          const done = await this.follow(job, jobId, provider, cls, signal);
          // A job's answer names the inputs it is the output of: another shot's result is never taken.
          if (done.result.key !== job.key)
            throw new DailiesError(
              'bad-output',
              `The farm answered ${label(job)} with the result of other inputs (${done.result.key.slice(0, 12)}…); not used`,
            );
          if (await this.adopt(done)) return await this.finish(job, done, true);
          if (round >= 2)
            throw new DailiesError(
              'not-found',
              'The farm rendered it but its output is missing from the shared store',
            );
          await this.options.client.forget(jobId, provider, cls);
        } catch (err) {
          const e = toDailiesError(err);
          // Another artist canceled the job we were sharing, or it vanished: queue it again for ourselves.
          if ((e.code === 'canceled' && !signal.aborted) || e.code === 'not-found') {
            if (round >= 2) throw e;
            continue;
          }
          throw e;
        } finally {
          await this.options.client.done(jobId);
        }
      }
    } catch (err) {
      const error = toDailiesError(err);
      if (!queued && error.code === 'network' && this.options.fallback === 'local' && !signal.aborted) {
        sink.log(
          'warn',
          'RENDER',
          `${label(job)}: the farm is out of reach; rendering here (--farm-fallback local)`,
        );
        return (await this.offlineRunner()).run(job, signal, force);
      }
      const state = error.code === 'canceled' ? 'canceled' : 'failed';
      sink.job(job, state, state === 'failed' ? { error: { code: error.code, message: error.message } } : {});
      return { state, error, costUsd: 0, queueMs: 0 };
    }
  }

  private async follow(
    job: PlannedJob,
    jobId: string,
    provider: ProviderId,
    cls: ModelClass,
    signal: AbortSignal,
  ): Promise<FarmJobResult> {
    const onCancel = () => void this.options.client.cancel(jobId, provider, cls).catch(() => undefined);
    signal.addEventListener('abort', onCancel, { once: true });
    try {
      return await this.options.client.wait(jobId, provider, cls, (p) => this.progress(job, p), signal);
    } finally {
      signal.removeEventListener('abort', onCancel);
    }
  }

  private progress(job: PlannedJob, p: FarmProgress): void {
    if (p.state) {
      const { state, log: _log, ...extra } = p;
      this.deps.sink.job(job, state, extra);
    }
    if (p.log) this.deps.sink.log(p.log.level, p.log.tag, `${p.log.message} (on the farm)`);
  }

  /** The worker's output, copied from the shared store into this project's store and cache. */
  private async adopt(done: FarmJobResult): Promise<boolean> {
    const results = this.deps.results;
    if (results instanceof TeamResults) return results.adopt(done.result);
    return (await results.get(done.result.key)) !== undefined;
  }

  private async finish(job: PlannedJob, done: FarmJobResult, fromFarm: boolean): Promise<VariationOutcome> {
    const { metrics, sink } = this.deps;
    this.deps.sink.job(job, 'downloading', { message: 'From the shared store' });
    const output = await this.local.materialize(job, done.result);
    const model = job.request.model;
    const key = { provider: model.provider, model: model.id, feature: 'render' as const };
    // Only the artist whose request started the render counts its cost; the others adopted it.
    const own = fromFarm && done.state === 'done' && done.requester === this.options.client.requester;
    if (own) {
      metrics.record(key, 'success', {
        latencyMs: (done.finishedAt ?? 0) - (done.startedAt ?? 0),
        queueMs: done.queueMs,
        costUsd: done.costUsd,
      });
      sink.job(job, 'done', { output });
      return {
        state: 'done',
        output,
        costUsd: done.costUsd,
        queueMs: done.queueMs,
        startedAt: done.startedAt,
        finishedAt: done.finishedAt,
      };
    }
    metrics.record(key, 'cached');
    sink.job(job, 'cached', { output });
    return { state: 'cached', output: { ...output, cached: true }, costUsd: 0, queueMs: 0 };
  }

  /** Nobody on the farm holds a key for this provider: say so (or render here, if allowed). */
  private async noWorker(job: PlannedJob, signal: AbortSignal, force: boolean): Promise<VariationOutcome> {
    const provider = job.request.model.provider;
    if (this.options.fallback === 'local') {
      this.deps.sink.log(
        'warn',
        'RENDER',
        `${label(job)}: no farm worker takes ${provider} jobs; rendering here (--farm-fallback local)`,
      );
      return this.local.run(job, signal, force);
    }
    throw new DailiesError(
      'auth',
      `No render worker on the farm takes ${provider} ${job.request.model.class} jobs (none runs with ${KEY_HINT[provider] ?? 'a key'}). Start \`dailies worker\` with the key on a render box, or render here without --farm.`,
    );
  }

  /** A worker uploads the refs to the provider; it reads their bytes from the shared store. */
  private async pushRefs(job: PlannedJob): Promise<void> {
    const { readFile } = await import('node:fs/promises');
    await Promise.all(
      job.request.refs
        .filter((r) => !r.url && r.abs)
        .map((ref) => {
          let pending = this.pushed.get(ref.sha256);
          if (!pending) {
            // put, not has + put: a folder store replaces a damaged copy instead of keeping it.
            pending = readFile(ref.abs!).then((data) => this.options.store.put(ref.sha256, REF_EXT, data));
            pending.catch(() => this.pushed.delete(ref.sha256));
            this.pushed.set(ref.sha256, pending);
          }
          return pending;
        }),
    );
  }

  /** This machine alone, as without a team: its own claims (on the shared folder if any) and journal. */
  private offlineRunner(): Promise<JobRunner> {
    this.offline ??= (async () => {
      const journal = new Journal(this.deps.paths.data('journal.jsonl'));
      await journal.load();
      const results = this.deps.results instanceof TeamResults ? this.deps.results.local : this.deps.results;
      const claims = new Claims(this.options.fallbackClaimsDir ?? this.deps.paths.data('claims'));
      return new JobRunner({ ...this.deps, journal, results, claims });
    })();
    return this.offline;
  }
}

function label(job: PlannedJob): string {
  return `${job.shotId} v${job.variation}`;
}
