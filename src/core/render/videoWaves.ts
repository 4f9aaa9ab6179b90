// A video shot starts from its still shot's circled take. When one batch renders both, the video must
// wait for the still: planned against the still's old take (or none) it would be paid for, then be stale
// at once. So a batch runs in two waves: everything else first, then — with the stills' records written
// — the waiting video shots are planned again, from their stills' new takes, and rendered.
import type { DailiesConfig } from '../config';
import type { Project } from '../project/schema';
import { shotSpec } from '../project/spec';
import { namedStill } from '../project/videoSpec';
import type { ModelRegistry } from '../providers/registry';
import { DailiesError, toDailiesError } from '../util/errors';
import { type PlannedShot, requestFor } from './plan';

/** The video shots whose start or end frame is a still shot that this batch renders. */
export function waitingOnStills(project: Project, planned: readonly PlannedShot[]): PlannedShot[] {
  const rendering = new Set(
    planned
      .filter((s) => s.freshness !== 'fresh' && s.freshness !== 'invalid' && !s.waitsFor)
      .map((s) => s.shot.id),
  );
  if (rendering.size === 0) return [];
  return planned.filter((s) =>
    [s.shot.from, s.shot.to].some((value) => {
      if (value === undefined) return false;
      const still = namedStill(project, value);
      return still !== undefined && still.id !== s.shot.id && rendering.has(still.id);
    }),
  );
}

/**
 * What the first wave renders: everything but the waiting shots. A shot waiting for a still that this
 * batch does not render cannot be rendered at all: it fails, saying which still to render first.
 */
export function firstWave(planned: readonly PlannedShot[], waiting: ReadonlySet<PlannedShot>): PlannedShot[] {
  return planned
    .filter((s) => !waiting.has(s))
    .map((s) =>
      s.waitsFor ? { ...s, freshness: 'invalid' as const, reason: s.error?.message ?? s.reason } : s,
    );
}

/** A planned batch in its two waves. */
export interface Waves {
  /** Rendered first: everything but the waiting shots. */
  first: PlannedShot[];
  /** Video shots that wait for a still this batch renders (planned again once it is recorded). */
  later: PlannedShot[];
  /** The waiting shots as the estimate and the spend confirmation see them (see provisionalPlan). */
  provisional: PlannedShot[];
}

export function splitWaves(
  project: Project,
  planned: readonly PlannedShot[],
  registry: ModelRegistry,
  config: DailiesConfig,
): Waves {
  const later = waitingOnStills(project, planned);
  const first = firstWave(planned, new Set(later));
  return { first, later, provisional: later.map((s) => provisionalPlan(project, s, registry, config)) };
}

/** Variations a waiting shot will render, for the batch's job count (its plan may not have jobs yet). */
export function expectedJobs(project: Project, later: readonly PlannedShot[]): number {
  return later.reduce(
    (n, s) => n + (s.spec?.variations ?? s.shot.variations ?? project.defaults?.variations ?? 1),
    0,
  );
}

/**
 * A waiting shot as an estimate sees it: its model, clip length and variations are known before its still
 * is rendered, so its cost is in the total a user confirms (its start frame, and so its cache key, are not).
 */
export function provisionalPlan(
  project: Project,
  s: PlannedShot,
  registry: ModelRegistry,
  config: DailiesConfig,
): PlannedShot {
  try {
    const spec = shotSpec(project, s.shot, s.index, registry, config, false);
    const jobs = Array.from({ length: spec.variations }, (_, i) => ({
      shotId: s.shot.id,
      variation: i + 1,
      key: `waiting:${s.shot.id}:${i + 1}`,
      request: requestFor(spec, [], i + 1),
    }));
    return { ...s, spec, freshness: 'stale', reason: 'waits for its still', jobs, error: undefined };
  } catch {
    return s; // refused on its own account (model, length): the estimate shows why
  }
}

/** What the second wave needs from the engine (its own private steps, passed in as closures). */
export interface WaveHost {
  signal: AbortSignal;
  /** Writes the first wave's records to project.json. */
  flush(): Promise<void>;
  /** Plans these shots again, from the project as it is now. */
  plan(ids: string[]): Promise<PlannedShot[]>;
  skip(shotId: string): void;
  fail(shotId: string, error: DailiesError): void;
  cancel(shotId: string): void;
  /** Pre-warms and renders, exactly like the first wave. */
  render(work: PlannedShot[]): Promise<void>;
}

export async function renderAfterStills(host: WaveHost, later: readonly PlannedShot[]): Promise<void> {
  const ids = later.map((s) => s.shot.id);
  if (host.signal.aborted) {
    for (const id of ids) host.cancel(id);
    return;
  }
  await host.flush();
  let shots: PlannedShot[];
  try {
    shots = await host.plan(ids);
  } catch (err) {
    // e.g. a waiting shot was deleted from project.json meanwhile: each one says why it did not render.
    const error = toDailiesError(err);
    for (const id of ids) host.fail(id, error);
    return;
  }
  const work: PlannedShot[] = [];
  for (const s of shots) {
    if (s.freshness === 'fresh') host.skip(s.shot.id);
    // Still no take (its still failed or was canceled in the first wave): it fails, saying so.
    else if (s.freshness === 'invalid' || s.waitsFor)
      host.fail(s.shot.id, s.error ?? new DailiesError('internal', s.reason));
    else work.push(s);
  }
  if (work.length) await host.render(work);
}
