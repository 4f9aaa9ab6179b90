// One shot of a batch, from its variations' jobs to what is recorded and reported: the shot's outcome,
// the summary counts, the render record for project.json (paid-for outputs are always recorded, even
// when a sibling variation failed or was canceled) and the shot event.
import type { BatchSummary, RenderEvent, ShotOutcome } from '../../shared/events';
import type { DailiesConfig } from '../config';
import type { OutputRecord, RenderRecord } from '../project/schema';
import type { DailiesError } from '../util/errors';
import type { JobRunner, VariationOutcome } from './jobRunner';
import type { PlannedShot } from './plan';
import type { ShotControllers } from './shotControllers';

export interface ShotRunDeps {
  /** The JobRunner here, or a farm client for `render --farm` (src/core/team). */
  runner: Pick<JobRunner, 'run'>;
  config: DailiesConfig;
  controllers: ShotControllers;
  /** Queues the shot's render record (and what review keeps of it: a version, pending again). */
  record(planned: PlannedShot, record: RenderRecord): void;
  fire(event: RenderEvent): void;
}

export async function renderShot(
  deps: ShotRunDeps,
  batchId: string,
  planned: PlannedShot,
  batchSignal: AbortSignal,
  force: boolean,
  summary: BatchSummary,
): Promise<void> {
  const shotId = planned.shot.id;
  const controller = deps.controllers.open(shotId, batchId, batchSignal);
  const started = Date.now();
  const run = (job: (typeof planned.jobs)[number]) =>
    deps.runner.run({ ...job, batchId }, controller.signal, force);
  let outcomes: VariationOutcome[];
  try {
    if (deps.config.parallelVariations) {
      outcomes = await Promise.all(planned.jobs.map(run));
    } else {
      outcomes = [];
      for (const job of planned.jobs) outcomes.push(await run(job));
    }
  } finally {
    // Also when a job throws: the shot's listener must come off the batch signal (see shotControllers).
    deps.controllers.close(shotId, controller);
  }
  const outputs = outcomes.map((o) => o.output).filter((o): o is OutputRecord => o !== undefined);
  const failed = outcomes.filter((o) => o.state === 'failed');
  const canceled = outcomes.filter((o) => o.state === 'canceled');
  const cost = outcomes.reduce((n, o) => n + o.costUsd, 0);
  summary.costUsd += cost;
  summary.variations.rendered += outcomes.filter((o) => o.state === 'done').length;
  summary.variations.cached += outcomes.filter((o) => o.state === 'cached').length;
  summary.variations.failed += failed.length;
  summary.variations.canceled += canceled.length;
  outcomes.forEach((o, i) => {
    if (o.state !== 'failed') return;
    const variation = planned.jobs[i]?.variation;
    summary.errors.push({
      shotId,
      variation,
      code: o.error?.code ?? 'internal',
      message: o.error?.message ?? 'failed',
    });
  });
  let outcome: ShotOutcome;
  if (failed.length === 0 && canceled.length === 0) {
    outcome = outcomes.every((o) => o.state === 'cached') ? 'cached' : 'rendered';
  } else if (outputs.length === 0) {
    outcome = failed.length > 0 ? 'failed' : 'canceled';
  } else {
    outcome = failed.length > 0 ? 'partial' : 'canceled';
  }
  if (outcome === 'rendered') summary.shots.rendered++;
  else if (outcome === 'cached') summary.shots.cached++;
  else if (outcome === 'canceled') summary.shots.canceled++;
  else summary.shots.failed++;

  // Paid-for outputs are always recorded, even when a sibling variation failed or was canceled.
  if (outputs.length > 0 && planned.inputHash && planned.spec) {
    const firstError =
      failed[0]?.error?.message ?? (canceled.length ? 'some variations were canceled' : undefined);
    const record: RenderRecord = {
      status: outputs.length === planned.spec.variations ? 'done' : 'partial',
      inputHash: planned.inputHash,
      provider: planned.spec.model.provider,
      model: planned.spec.model.id,
      seed: planned.spec.baseSeed,
      outputs: outputs.sort((a, b) => a.variation - b.variation),
      renderedAt: new Date().toISOString(),
      durationMs: renderDuration(outcomes),
      queueMs: Math.round(Math.max(0, ...outcomes.map((o) => o.queueMs))),
      costUsd: cost ? Math.round(cost * 1e6) / 1e6 : undefined,
      error: outputs.length === planned.spec.variations ? undefined : firstError,
    };
    deps.record(planned, record);
  }
  const error = failed[0]?.error;
  deps.fire({
    type: 'shot',
    batchId,
    shotId,
    outcome,
    outputs: outputs.map((o) => ({
      variation: o.variation,
      image: o.image,
      thumb: o.thumb,
      sha256: o.sha256,
      ...(o.video ? { video: o.video, proxy: o.proxy, seconds: o.seconds, fps: o.fps } : {}),
    })),
    error: error ? { code: error.code, message: error.message } : undefined,
    durationMs: renderDuration(outcomes) ?? Date.now() - started,
  });
}

/** Wall time from the first variation's start to the last one's end; undefined when nothing rendered. */
function renderDuration(outcomes: VariationOutcome[]): number | undefined {
  const starts = outcomes.map((o) => o.startedAt).filter((t): t is number => t !== undefined);
  const ends = outcomes.map((o) => o.finishedAt).filter((t): t is number => t !== undefined);
  if (!starts.length || !ends.length) return undefined;
  return Math.max(...ends) - Math.min(...starts);
}

/** Stale or never rendered, and renderable: fresh shots are skipped and invalid ones fail without a call. */
export function needsRender(s: PlannedShot): boolean {
  return s.freshness !== 'fresh' && s.freshness !== 'invalid';
}

/** A shot that ends without a call: fresh (skipped), or canceled before its turn came. */
export function settleShot(
  fire: (event: RenderEvent) => void,
  summary: BatchSummary,
  batchId: string,
  shotId: string,
  outcome: 'skipped' | 'canceled',
): void {
  summary.shots[outcome]++;
  fire({ type: 'shot', batchId, shotId, outcome });
}

/** A shot that fails before any of its jobs runs (invalid, or its still never got a take). */
export function failShot(
  fire: (event: RenderEvent) => void,
  summary: BatchSummary,
  batchId: string,
  shotId: string,
  error: DailiesError,
): void {
  summary.shots.failed++;
  summary.errors.push({ shotId, code: error.code, message: error.message });
  fire({ type: 'log', level: 'error', tag: 'ERROR', message: `${shotId}: ${error.message}` });
  fire({
    type: 'shot',
    batchId,
    shotId,
    outcome: 'failed',
    error: { code: error.code, message: error.message },
  });
}
