// What the stages of a job (jobRunner, jobClaim, jobSubmit, jobCancel, jobOutput) share.
import type { JobState, LogTag, UserError } from '../../shared/events';
import type { ObjectStore } from '../cache/contentStore';
import type { CachedResult, ResultStore } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import type { MetricsStore } from '../metrics/metricsStore';
import type { ProjectPaths } from '../project/paths';
import type { OutputRecord } from '../project/schema';
import type { Provider, ProviderId } from '../providers/types';
import type { DailiesError } from '../util/errors';
import type { ClaimStore } from './claims';
import type { JobJournal } from './journal';
import type { PlannedJob } from './plan';
import type { Scheduler } from './scheduler';

export interface JobEventSink {
  job(
    job: PlannedJob,
    state: JobState,
    extra?: {
      step?: number;
      steps?: number;
      queuePosition?: number;
      expectMs?: number;
      attempt?: number;
      retryInMs?: number;
      message?: string;
      error?: UserError;
      output?: { variation: number; image: string; thumb?: string };
    },
  ): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string): void;
}

export interface RefUploader {
  /** Fills `request.refUrls` for every ref, uploading (or re-uploading) whatever is not usable. */
  ensureRefs(provider: Provider, job: PlannedJob, signal: AbortSignal): Promise<void>;
}

export interface JobRunnerDeps {
  config: DailiesConfig;
  paths: ProjectPaths;
  providers: Partial<Record<ProviderId, Provider>>;
  /** Why a provider is not available (e.g. no key), per provider id. */
  unavailable: Partial<Record<ProviderId, string>>;
  scheduler: Scheduler;
  store: ObjectStore;
  results: ResultStore;
  journal: JobJournal;
  metrics: MetricsStore;
  uploader?: RefUploader;
  sink: JobEventSink;
  /** Cross-process claims; by default under the project's `.dailies/claims`. */
  claims?: ClaimStore;
  /**
   * Where a finished variation goes: the project's renders/ by default. A render-farm worker has no
   * project; it hands the stored result back to the artist's process instead (src/core/team/worker.ts).
   */
  materialize?: (job: PlannedJob, result: CachedResult) => Promise<OutputRecord>;
}

export interface VariationOutcome {
  state: 'done' | 'cached' | 'failed' | 'canceled';
  output?: OutputRecord;
  error?: DailiesError;
  /** What the provider charged for it (also when it failed after the provider finished). */
  costUsd: number;
  queueMs: number;
  /** When it got its slot and when its files were in place (rendered variations only). */
  startedAt?: number;
  finishedAt?: number;
}
