// The second wave of a batch (videoWaves.ts) on the engine's own steps: video shots planned again once
// their stills are recorded, then pre-warmed and rendered like the first wave.
import type { BatchSummary } from '../../shared/events';
import type { BatchDeps } from './batchDeps';
import { failShot, renderShot, type ShotRunDeps, settleShot } from './shotOutcome';
import type { WaveHost } from './videoWaves';

export function waveHost(
  deps: BatchDeps,
  batchId: string,
  signal: AbortSignal,
  force: boolean,
  summary: BatchSummary,
  /** A farm batch: the second wave goes to the farm too (its workers upload the refs, so no pre-warm). */
  farm?: ShotRunDeps,
): WaveHost {
  return {
    signal,
    flush: () => deps.flush(),
    plan: async (ids) => (await deps.plan({ shots: ids, force })).shots,
    skip: (shotId) => settleShot(deps.fire, summary, batchId, shotId, 'skipped'),
    fail: (shotId, error) => failShot(deps.fire, summary, batchId, shotId, error),
    cancel: (shotId) => settleShot(deps.fire, summary, batchId, shotId, 'canceled'),
    render: async (work) => {
      const uploads = await deps.prewarm(batchId, farm ? [] : work, signal);
      summary.uploads.new += uploads.new;
      summary.uploads.cached += uploads.cached;
      summary.uploads.revalidated += uploads.revalidated;
      await Promise.all(work.map((s) => renderShot(farm ?? deps.shot, batchId, s, signal, force, summary)));
    },
  };
}
