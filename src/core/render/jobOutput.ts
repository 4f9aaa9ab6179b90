// The last stage of a job: the provider has finished (and charged) → download → verify + thumbnail →
// content store → renders/, and the accounting around it. Spend is counted once per finished job, even
// when the download or decode then fails (the provider charged all the same), and such a failure counts
// as an error. A failure that a later try could mend (network, disk) keeps the job in the journal, so
// the next run re-fetches the output without paying again.
import type { CachedResult } from '../cache/resultCache';
import type { OutputRecord } from '../project/schema';
import type { GenerationResult, Provider, ProviderOutput } from '../providers/types';
import { jobCostUsd } from '../providers/videoModels';
import { toDailiesError } from '../util/errors';
import type { JobRunnerDeps, VariationOutcome } from './jobTypes';
import type { PlannedJob } from './plan';

/** Download → verify → store, and store → renders/ (JobRunner's own steps). */
export interface OutputFiles {
  storeOutput(
    job: PlannedJob,
    provider: Provider,
    outputs: ProviderOutput[],
    signal: AbortSignal,
  ): Promise<CachedResult>;
  materialize(job: PlannedJob, r: CachedResult): Promise<OutputRecord>;
}

export interface JobTimes {
  queuedAt: number;
  startedAt: number;
  firstRunningAt?: number;
  doneAt: number;
}

/** A finished paid (or free) job → files in place, result cache, journal, metrics, outcome. */
export async function finishJob(
  deps: JobRunnerDeps,
  files: OutputFiles,
  job: PlannedJob,
  provider: Provider,
  result: GenerationResult,
  times: JobTimes,
  opts: { journaled: boolean; alreadyCharged: boolean },
): Promise<VariationOutcome> {
  const { model } = job.request;
  const metricKey = { provider: provider.id, model: model.id, feature: 'render' as const };
  const { queuedAt, startedAt, firstRunningAt, doneAt } = times;
  const queueMs =
    startedAt - queuedAt + (result.queueMs ?? (firstRunningAt ? firstRunningAt - startedAt : 0));
  const runMs = result.runMs ?? (firstRunningAt ? doneAt - firstRunningAt : doneAt - startedAt);
  const cost = opts.alreadyCharged ? 0 : (jobCostUsd(job.request) ?? 0);
  // Paid for: a cancel from now on would only throw the money away. The download has its own timeouts.
  const collecting = new AbortController().signal;
  let stored: CachedResult | undefined;
  try {
    stored = await files.storeOutput(job, provider, result.outputs, collecting);
    if (opts.journaled) journalSafely(deps, () => deps.journal.output(job.key, stored!.sha256));
    const output = await files.materialize(job, stored);
    deps.metrics.record(metricKey, 'success', {
      latencyMs: doneAt - startedAt,
      queueMs,
      runMs,
      costUsd: cost,
    });
    deps.sink.job(job, 'done', { output });
    return { state: 'done', output, costUsd: cost, queueMs, startedAt, finishedAt: Date.now() };
  } catch (err) {
    const error = toDailiesError(err);
    deps.metrics.record(metricKey, 'error', { latencyMs: Date.now() - startedAt, queueMs, costUsd: cost });
    if (opts.journaled && !stored) {
      // Mendable (network, disk): keep the job for the next run, which must not count its cost again.
      if (error.retryable || error.code === 'disk') journalSafely(deps, () => deps.journal.charged(job.key));
      else journalSafely(deps, () => deps.journal.abandon(job.key, error.code));
    }
    deps.sink.job(job, 'failed', { error: { code: error.code, message: error.message } });
    return { state: 'failed', error, costUsd: cost, queueMs, startedAt };
  }
}

/** After the money moved, a full disk must not turn a finished render into a failed one. */
export function journalSafely(deps: JobRunnerDeps, write: () => void): void {
  try {
    write();
  } catch (err) {
    deps.sink.log('warn', 'RENDER', `journal not written: ${toDailiesError(err).message}`);
  }
}
