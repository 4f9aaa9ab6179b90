// A batch's opening, between its plan and its first upload: the spend is confirmed once for everything it
// may pay for, the batch is announced, and its fresh and invalid shots are settled without a call.
import type { BatchSummary } from '../../shared/events';
import { DailiesError } from '../util/errors';
import type { BatchDeps, BatchOptions } from './batchDeps';
import type { PlannedShot } from './plan';
import { refuseConflicts } from './preflight';
import { failShot, needsRender, settleShot } from './shotOutcome';
import { expectedJobs } from './videoWaves';
import { assertWritable } from './writable';

export interface StartedBatch {
  /** Rendered now. */
  work: PlannedShot[];
  /** Video shots that wait for a still of this batch (see videoWaves.ts). */
  later: PlannedShot[];
  /** Scratch voice lines, spoken after the pictures. */
  voice: PlannedShot[];
}

/** Plans the batch, announces it and settles its fresh and invalid shots; returns what is left to do. */
export async function startBatch(
  deps: BatchDeps,
  batchId: string,
  started: number,
  options: BatchOptions,
  summary: BatchSummary,
): Promise<StartedBatch> {
  const { doc, shots: planned } = await deps.plan(options);
  refuseConflicts(planned);
  const { first: shots, later, provisional } = deps.waves(doc, planned);
  const voice = deps.voice(doc, options.shots);
  summary.shots.total = planned.length;
  const work = shots.filter(needsRender);
  // One confirmation for both waves: the waiting clips are priced before their stills exist.
  await deps.confirm(
    [...work, ...provisional, ...voice],
    () => deps.estimate([...shots, ...provisional, ...voice], options.force),
    options,
  );
  if (work.length || later.length) await assertWritable(deps.paths);
  // From here on every shot of the batch can be canceled, even while it waits for its turn.
  deps.controllers.expect(
    batchId,
    [...work, ...later].map((s) => s.shot.id),
  );
  const waiting = new Set(later);
  deps.fire({
    type: 'batch-start',
    batchId,
    projectFile: deps.paths.projectFile,
    startedAt: started,
    shots: planned.map((s) => ({
      shotId: s.shot.id,
      variations: s.spec?.variations ?? 1,
      stale: s.freshness !== 'fresh' || waiting.has(s),
    })),
    jobs: shots.reduce((n, s) => n + s.jobs.length, 0) + expectedJobs(doc.project, later),
  });
  for (const s of shots) {
    if (s.freshness === 'fresh') {
      settleShot(deps.fire, summary, batchId, s.shot.id, 'skipped');
    } else if (s.freshness === 'invalid') {
      failShot(deps.fire, summary, batchId, s.shot.id, s.error ?? new DailiesError('internal', s.reason));
    }
  }
  if (work.length > 0) {
    deps.log(
      'info',
      'RENDER',
      `${work.length} of ${shots.length} shots to render (${work.reduce((n, s) => n + s.jobs.length, 0)} variations)`,
    );
  } else {
    deps.log('info', 'RENDER', `all ${shots.length} shots are up to date`);
  }
  return { work, later, voice };
}
