// The paying stage of a job: an intent on disk → submit (or re-attach to a job already out there) →
// follow to the result, with retries. Nothing is submitted unless its intent line was written. A submit
// whose answer was lost may still have reached the provider: Replicate is asked (its predictions list,
// matched on exactly what was sent) before anything is sent again; fal.ai has no way to be asked, so the
// job is sent again and the possible duplicate is logged.
import type { GenerationResult, ProgressUpdate, Provider, ProviderContext } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import type { Claim } from './claims';
import { lookUpLostSubmit, reattach } from './jobReattach';
import type { JobRunnerDeps } from './jobTypes';
import type { AdaptiveLimiter } from './limiter';
import type { PlannedJob } from './plan';
import { withRetry } from './retry';

/** What is known of a paid job's life at the provider, as it goes. */
export interface SubmitState {
  /** A paid job, with a journal and claims (the free draft has neither). */
  journaled: boolean;
  /** This process's claim on the job, checked before each submit. */
  claim?: Claim;
  requestId?: string;
  /** An intent line is on disk: a submit may be out there. */
  intent: boolean;
  /** The last submit failed in a way that does not say whether the provider got it. */
  inDoubt: boolean;
  /** When the last submit left, for looking it up. */
  sentAt?: number;
  firstRunningAt?: number;
  /** Its spend was counted by an earlier run (the output could not be stored then). */
  charged: boolean;
  /** The generation deadline passed (as opposed to the user canceling). */
  timedOut: boolean;
}

export function newSubmitState(journaled: boolean, claim?: Claim): SubmitState {
  return { journaled, claim, intent: false, inDoubt: false, charged: false, timedOut: false };
}

export async function submitAndFollow(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  limiter: AdaptiveLimiter,
  signal: AbortSignal,
  state: SubmitState,
): Promise<GenerationResult> {
  const { sink, journal, config } = deps;
  const label = `${job.shotId} v${job.variation}`;
  const info = {
    key: job.key,
    shotId: job.shotId,
    variation: job.variation,
    provider: provider.id,
    model: job.request.model.id,
  };
  // A deadline we hold a reference to (a bare AbortSignal.timeout can be collected before it fires).
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    state.timedOut = true;
    deadline.abort();
  }, config.timeouts.generationMs);
  const onCancel = () => deadline.abort();
  signal.addEventListener('abort', onCancel, { once: true });
  if (signal.aborted) deadline.abort();
  const ctx: ProviderContext = {
    signal: deadline.signal,
    // Only the deadline ends a submit already under way; a cancel waits for its id (see types.ts).
    submitSignal: timeoutOnly(deadline.signal, () => state.timedOut),
    onProgress: ({ state: phase, ...detail }: ProgressUpdate) => {
      if (phase === 'running') state.firstRunningAt ??= Date.now();
      sink.job(job, phase === 'running' ? 'running' : 'submitted', detail);
    },
    onSubmitted: (id: string) => {
      state.requestId = id;
      state.inDoubt = false;
      // A video job takes minutes and may report no steps: its typical length drives the ETA meanwhile.
      const { model } = job.request;
      sink.job(job, 'submitted', model.video ? { expectMs: model.typicalSeconds * 1000 } : {});
      if (!state.journaled) return;
      try {
        journal.submitted({ ...info, requestId: id });
      } catch (err) {
        // The intent is on disk, so a later run can still look this job up where the provider allows it.
        sink.log('warn', 'RENDER', `${label}: journal not written: ${toDailiesError(err).message}`);
      }
    },
    log: (message: string) => sink.log('debug', 'RENDER', `${label}: ${message}`),
    scratchDir: deps.paths.data('tmp'),
  };
  const pending = state.journaled ? journal.pending(job.key) : undefined;
  if (pending?.charged) state.charged = true;
  let lastError: DailiesError | undefined;
  try {
    return await withRetry(
      async (attempt) => {
        if (attempt === 0 && pending && pending.provider === provider.id) {
          const attached = await reattach(deps, job, provider, pending, ctx, state);
          if (attached) return attached;
        }
        // Following a submitted job failed (the job is still there): re-attach instead of paying again.
        if (state.requestId && lastError?.details.reattach && provider.resume) {
          sink.log('info', 'RESUME', `${label}: re-attaching to ${state.requestId}`);
          return await provider.resume(state.requestId, job.request, ctx);
        }
        if (!state.requestId && state.inDoubt && state.journaled) {
          const found = await lookUpLostSubmit(deps, job, provider, ctx, state);
          if (found) return found;
        }
        if (signal.aborted) throw new DailiesError('canceled', 'Canceled');
        if (state.claim && !(await state.claim.isHeld())) {
          throw new DailiesError(
            'internal',
            'Not submitted: another Dailies took this job over (this one was silent too long)',
          );
        }
        if (state.journaled) await writeIntent(deps, info, state);
        state.sentAt = Date.now();
        state.requestId = undefined;
        try {
          return await provider.generate(job.request, ctx);
        } catch (err) {
          const e = toDailiesError(err);
          if (!state.requestId) state.inDoubt = mayHaveArrived(e);
          if (state.timedOut && !signal.aborted) {
            throw new DailiesError(
              'timeout',
              `Generation took longer than ${Math.round(config.timeouts.generationMs / 1000)} s`,
            );
          }
          throw e;
        }
      },
      config.retry,
      {
        signal,
        onRetry: ({ attempt, delayMs, error }) => {
          lastError = error;
          if (error.code === 'rate-limit') {
            limiter.onThrottle();
            deps.scheduler.rate(provider.id).pauseFor(delayMs);
          }
          sink.log(
            'warn',
            'RENDER',
            `${label}: ${error.message}; retry ${attempt}/${config.retry.attempts - 1} in ${(delayMs / 1000).toFixed(1)} s`,
          );
          sink.job(job, 'retrying', { attempt, retryInMs: delayMs, message: error.message });
        },
      },
    );
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onCancel);
  }
}

/** No intent on disk, no submit: a disk that cannot take one line fails the job before any money moves. */
async function writeIntent(
  deps: JobRunnerDeps,
  info: { key: string; shotId: string; variation: number; provider: string; model: string },
  state: SubmitState,
): Promise<void> {
  try {
    await deps.journal.intent(info);
    state.intent = true;
  } catch (err) {
    const e = toDailiesError(err);
    throw new DailiesError(
      'disk',
      `Not submitted: the job could not be recorded on disk first (${e.code === 'disk' ? e.message : `${e.message}; disk`}). Nothing was paid.`,
      { cause: err },
    );
  }
}

/**
 * Whether a failed submit may still have created a job. An HTTP answer other than a gateway error is the
 * provider's word that it did not; a connection that never opened cannot have carried it.
 */
export function mayHaveArrived(e: DailiesError): boolean {
  if (e.code === 'timeout') return true;
  if (e.code === 'network') return !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|cannot resolve/.test(e.message);
  if (e.code === 'server')
    return e.details.status === undefined || [500, 502, 504].includes(e.details.status);
  return false;
}

/** A signal that follows `source` only when the deadline (not the user) aborted it. */
function timeoutOnly(source: AbortSignal, timedOut: () => boolean): AbortSignal {
  const only = new AbortController();
  source.addEventListener('abort', () => {
    if (timedOut()) only.abort();
  });
  return only.signal;
}
