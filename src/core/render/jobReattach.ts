// Re-attaching instead of paying again: to a job an earlier run (or another process) left in the journal,
// and to a submit of this run whose answer was lost on the way back.
import type { GenerationResult, Provider, ProviderContext } from '../providers/types';
import { toDailiesError } from '../util/errors';
import { journalSafely } from './jobOutput';
import type { SubmitState } from './jobSubmit';
import type { JobRunnerDeps } from './jobTypes';
import type { PendingJob } from './journal';
import type { PlannedJob } from './plan';

/**
 * Picks up a job an earlier run left behind: by its request id, or — when that run died while the submit
 * was in flight — by asking the provider whether it received it. Undefined means "submit it now".
 */
export async function reattach(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  pending: PendingJob,
  ctx: ProviderContext,
  state: SubmitState,
): Promise<GenerationResult | undefined> {
  const { sink } = deps;
  const label = `${job.shotId} v${job.variation}`;
  state.intent = true;
  let id = pending.requestId;
  if (!id && provider.findSubmission) {
    id = await provider.findSubmission(job.request, pending.at, ctx.signal).catch(() => undefined);
  }
  if (!id) {
    sink.log(
      'warn',
      'RESUME',
      `${label}: a submit was in flight when Dailies stopped and ${provider.id} cannot be asked about it; submitting again`,
    );
    return undefined;
  }
  sink.log('info', 'RESUME', `${label}: re-attaching to ${id}`);
  ctx.onSubmitted(id); // journals the id, so a further crash re-attaches directly
  // A job canceled or failed at the provider meanwhile has nothing to collect: submit afresh.
  const now = await provider.check?.(id, job.request, ctx.signal).catch(() => undefined);
  if (now?.state === 'succeeded') return now.result;
  if (now && now.state !== 'pending') {
    sink.log('info', 'RESUME', `${id} ended without an output (${now.state}); submitting again`);
    journalSafely(deps, () => deps.journal.abandon(job.key, now.state));
    state.requestId = undefined;
    state.charged = false;
    return undefined;
  }
  try {
    return await provider.resume!(id, job.request, ctx);
  } catch (err) {
    const e = toDailiesError(err);
    if (e.code !== 'not-found') throw e;
    sink.log('info', 'RESUME', `${id} is gone at the provider; submitting again`);
    state.requestId = undefined;
    return undefined;
  }
}

/** The last submit's answer was lost: find the job it may have created before paying for another. */
export async function lookUpLostSubmit(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  ctx: ProviderContext,
  state: SubmitState,
): Promise<GenerationResult | undefined> {
  const label = `${job.shotId} v${job.variation}`;
  if (!provider.findSubmission || !provider.resume) {
    deps.sink.log(
      'warn',
      'RESUME',
      `${label}: the last submit may have been received by ${provider.id} (its answer was lost), and ${provider.id} cannot be asked; submitting again — at most one duplicate charge`,
    );
    return undefined;
  }
  const id = await provider
    .findSubmission(job.request, state.sentAt ?? Date.now(), ctx.signal)
    .catch(() => undefined);
  if (!id) {
    deps.sink.log(
      'info',
      'RESUME',
      `${label}: the lost submit never reached ${provider.id}; submitting again`,
    );
    return undefined;
  }
  deps.sink.log(
    'info',
    'RESUME',
    `${label}: the lost submit did reach ${provider.id} as ${id}; following it`,
  );
  ctx.onSubmitted(id);
  return provider.resume(id, job.request, ctx);
}
