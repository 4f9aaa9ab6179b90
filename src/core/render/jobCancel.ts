// After a cancel (the user's, or the generation deadline): a cancel is only a request. fal passes it to
// a running app, which may finish anyway; a job may have finished just before the cancel arrived. So ask
// the provider what became of the job: collect a finished one (it was paid for), forget one that really
// ended, and keep the journal entry of one still running, so the next render re-attaches to it.
import type { GenerationResult, JobCheck, Provider } from '../providers/types';
import { sleep } from '../util/abort';
import { type DailiesError, toDailiesError } from '../util/errors';
import { journalSafely } from './jobOutput';
import type { SubmitState } from './jobSubmit';
import type { JobRunnerDeps } from './jobTypes';
import type { PlannedJob } from './plan';

export type Settled =
  | { state: 'collect'; result: GenerationResult }
  /** Over at the provider without an output: nothing was paid, nothing to re-attach to. */
  | { state: 'ended' }
  /** Still running, or the provider could not be asked: the journal keeps it for the next run. */
  | { state: 'open' };

/** How long a canceled job may take to show it stopped before it is left to the next run. */
const SETTLE_MS = 2_000;

export async function settleAfterCancel(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  requestId: string,
): Promise<Settled> {
  const label = `${job.shotId} v${job.variation}`;
  // Our own bound: the user's signal has already fired, and a dead network must not hold a Ctrl-C.
  const bound = new AbortController();
  const timer = setTimeout(() => bound.abort(), deps.config.timeouts.requestMs + SETTLE_MS);
  try {
    let answer: string | undefined;
    try {
      answer = await provider.cancel?.(requestId, job.request.model);
    } catch (err) {
      answer = `failed: ${toDailiesError(err).message}`;
    }
    if (!provider.check) return { state: 'ended' }; // nothing to ask (an offline or test provider)
    const until = Date.now() + SETTLE_MS;
    let last: JobCheck | undefined;
    for (;;) {
      last = await provider.check(requestId, job.request, bound.signal).catch(() => undefined);
      if (last?.state === 'succeeded') {
        deps.sink.log('info', 'RESUME', `${label}: ${requestId} had already finished; collecting it`);
        return { state: 'collect', result: last.result };
      }
      if (last && last.state !== 'pending') return { state: 'ended' };
      if (Date.now() >= until || bound.signal.aborted) break;
      await sleep(Math.min(deps.config.pollMs, 250), bound.signal).catch(() => undefined);
    }
    deps.sink.log(
      'warn',
      'RESUME',
      `${label}: ${provider.id} has not stopped ${requestId} (cancel ${answer ?? 'sent'}${last ? '' : ', state unknown'}); the next render collects it without paying again`,
    );
    return { state: 'open' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A job that stopped short: after a cancel or the deadline, ask the provider what became of it (a
 * finished job is collected, so its result comes back). Its journal entry goes only once the provider
 * has said the job ended without an output; otherwise the next run re-attaches to it.
 */
export async function afterFailure(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  error: DailiesError,
  state: SubmitState,
): Promise<GenerationResult | undefined> {
  const { journal } = deps;
  const forget = () => journalSafely(deps, () => journal.abandon(job.key, error.code));
  const stopped = error.code === 'canceled' || error.code === 'timeout';
  if (state.requestId && stopped && provider.cancel) {
    const settled = await settleAfterCancel(deps, job, provider, state.requestId);
    if (settled.state === 'collect') return settled.result;
    if (state.journaled && settled.state === 'ended') forget();
    return undefined;
  }
  if (!state.journaled) return undefined;
  if (state.requestId) {
    // Following it failed; the job is still out there unless the provider said it ended.
    const ended =
      error.details.reattach === false ||
      error.code === 'validation' ||
      error.code === 'bad-output' ||
      error.code === 'not-found';
    if (ended) forget();
  } else if (state.intent && !state.inDoubt) {
    forget(); // the provider refused the submit: nothing is out there
  }
  return undefined;
}
