// After a cancel (the user's, or the generation deadline): a cancel is only a request. fal passes it to
// a running app, which may finish anyway; a job may have finished just before the cancel arrived. So ask
// the provider what became of the job: collect a finished one (it was paid for), forget one that really
// ended, and keep the journal entry of one still running, so the next render re-attaches to it.
import type { GenerationResult, JobCheck, Provider } from '../providers/types';
import { sleep } from '../util/abort';
import { toDailiesError } from '../util/errors';
import type { JobRunnerDeps } from './jobRunner';
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
