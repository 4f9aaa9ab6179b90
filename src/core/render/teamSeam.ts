// The engine's seam for a studio's team backend (src/core/team): what it hands the engine, and how a
// farm batch differs from a local one. Without a team the engine works on this machine alone.
import type { ContentStore } from '../cache/contentStore';
import type { ResultCache, ResultStore } from '../cache/resultCache';
import type { ClaimStore } from './claims';
import type { JobRunner, JobRunnerDeps, VariationOutcome } from './jobRunner';
import type { JobJournal } from './journal';
import type { PlannedJob } from './plan';

/** Runs one variation of a batch: the JobRunner here, or a farm client (src/core/team). */
export interface VariationRunner {
  run(job: PlannedJob, signal: AbortSignal, force: boolean): Promise<VariationOutcome>;
}

/**
 * A studio's team backend (src/core/team): claims, journal and result index shared through Redis, and
 * a render farm that takes whole batches. Without it the engine works on this machine alone.
 */
export interface EngineTeam {
  claims: ClaimStore;
  journal: JobJournal;
  /** The shared result index layered over this project's own cache and store. */
  results(local: ResultCache, store: ContentStore): ResultStore;
  farm?(deps: JobRunnerDeps, local: JobRunner): VariationRunner;
}

/**
 * Shots of one group a farm batch keeps queued at once: the farm's limits are the account's, enforced by
 * its workers across all of them, not this machine's class limits (which would starve a big farm).
 */
export const FARM_WINDOW = 512;
