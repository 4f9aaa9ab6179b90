// The first stage of a paid job: claim it across processes (see claims.ts). While another Dailies holds
// the claim, wait for its result in the shared result cache and take it from there without paying; when
// the claim is free (released, or its owner dead), take it, then read what the other process left in the
// journal, so a job it submitted is re-attached to rather than submitted again.
import type { CachedResult } from '../cache/resultCache';
import { sleep, throwIfAborted } from '../util/abort';
import type { Claim, ClaimStore } from './claims';
import type { JobRunnerDeps } from './jobTypes';
import type { PlannedJob } from './plan';

const WAIT_POLL_MS = 300;

export type ClaimOutcome = { claim: Claim } | { adopted: CachedResult };

/**
 * `since`: when this request for the job began. With `force`, only a result made after it counts (one
 * another window rendered while we waited), never an older cached one.
 */
export async function claimJob(
  deps: JobRunnerDeps,
  claims: ClaimStore,
  job: PlannedJob,
  signal: AbortSignal,
  force: boolean,
  since: number,
): Promise<ClaimOutcome> {
  const usable = (hit: CachedResult | undefined) => hit && (!force || hit.createdAt >= since);
  let told = false;
  for (;;) {
    throwIfAborted(signal);
    const attempt = await claims.tryAcquire(job.key, { shotId: job.shotId, variation: job.variation });
    if ('claim' in attempt) {
      // The previous holder may have finished, or left a submitted job in the journal, just now.
      await deps.journal.refresh(job.key);
      const hit = await deps.results.get(job.key);
      if (usable(hit)) {
        await attempt.claim.release();
        return { adopted: hit! };
      }
      return attempt;
    }
    if (!told) {
      told = true;
      const who = attempt.heldBy ? `pid ${attempt.heldBy.pid} on ${attempt.heldBy.host}` : 'another process';
      deps.sink.log(
        'info',
        'RENDER',
        `${job.shotId} v${job.variation}: another Dailies (${who}) is rendering it; waiting for its result`,
      );
      deps.sink.job(job, 'queued', { message: 'Rendering in another Dailies window' });
    }
    const hit = await deps.results.get(job.key);
    if (usable(hit)) return { adopted: hit! };
    await sleep(WAIT_POLL_MS, signal);
  }
}
