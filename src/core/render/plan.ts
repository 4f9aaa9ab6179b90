// Turns a loaded project into the work of a batch: which shots are fresh (skipped), which are stale, and
// for each stale one a job per variation. A problem with one shot (a missing ref, an unknown model)
// fails that shot here and never stops the others.
import type { RefPass } from '../cache/refHasher';
import type { DailiesConfig } from '../config';
import type { ProjectDocument } from '../project/load';
import type { RenderRecord, Shot } from '../project/schema';
import { type RefSpec, type ShotSpec, shotSpec, variationSeed } from '../project/spec';
import { StillNotRendered } from '../project/videoSpec';
import type { ModelRegistry } from '../providers/registry';
import type { GenerationRequest, Provider, ProviderId, RefInput } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import { mapLimit } from '../util/mapLimit';
import { OutputCheck } from './outputCheck';
import { providerExtras, shotInputHash, variationKey } from './stale';

export type ShotFreshness = 'fresh' | 'stale' | 'never' | 'incomplete' | 'missing-output' | 'invalid';

export interface PlannedJob {
  shotId: string;
  /** Set when the job runs, so its events name their batch. */
  batchId?: string;
  variation: number;
  key: string;
  request: GenerationRequest;
}

export interface PlannedShot {
  shot: Shot;
  index: number;
  /** The shot as planned; its refs are in `refs` (hashed), not kept twice. */
  spec?: PlannedSpec;
  inputHash?: string;
  freshness: ShotFreshness;
  /** Why it is stale, in words (shown in tooltips and `estimate`). */
  reason: string;
  jobs: PlannedJob[];
  refs: RefInput[];
  error?: DailiesError;
  /** A video shot whose still (this shot id) has no take yet: not rendered, rather than invalid. */
  waitsFor?: string;
}

/**
 * A shot's spec without its unresolved ref list: those are only needed to hash the refs, and a
 * 20,000-shot batch keeps every planned shot until its turn (600 B each for the list alone).
 */
export type PlannedSpec = Omit<ShotSpec, 'refs'>;

export interface PlanContext {
  doc: ProjectDocument;
  registry: ModelRegistry;
  config: DailiesConfig;
  /** One pass of the ref hasher: each distinct ref is resolved and checked once per plan. */
  hasher: Pick<RefPass, 'hash'>;
  providers: Partial<Record<ProviderId, Provider>>;
  /** How outputs are checked on disk (a new check per plan by default). */
  outputs?: OutputCheck;
}

export interface PlanOptions {
  shotIds?: string[];
  force?: boolean;
  /**
   * Take the recorded outputs' existence on trust (no stat per image). For a first look only: opening a
   * 10,000-shot production would otherwise wait on 20,000 stats; a verifying plan follows it, and every
   * render plans with verification.
   */
  trustOutputs?: boolean;
}

/**
 * How long planning may hold the thread before it lets the host in (the editor's requests, the views):
 * memoised refs and output checks run without waiting, so 10,000 shots would plan in one unbroken turn.
 * By time, not by count: a slow disk makes each shot's output check slower.
 */
const SLICE_MS = 8;

export async function planBatch(ctx: PlanContext, options: PlanOptions = {}): Promise<PlannedShot[]> {
  const { project } = ctx.doc;
  const selected = selectShots(project.shots, options.shotIds);
  const shotIssues = new Map<string, string>();
  for (const issue of ctx.doc.issues) {
    for (const id of issue.shots ?? [])
      if (!shotIssues.has(id)) shotIssues.set(id, `${issue.path}: ${issue.message}`);
  }
  // A ref shared by thousands of shots (a cast member, a scene's decor) is resolved and checked once per
  // plan, not once per shot (3 syscalls per image instead of per shot), and shots that name it the same
  // way share one RefInput (read-only from here on).
  const files = new Map<string, Promise<RefInput>>();
  const named = new Map<string, Promise<RefInput>>();
  const hashRef = (r: RefSpec): Promise<RefInput> => {
    const key = `${r.ref}\0${r.role}\0${r.owner}\0${r.label}\0${r.source}`;
    let input = named.get(key);
    if (!input) {
      let base = files.get(r.ref);
      if (!base) {
        base = ctx.hasher.hash(r);
        files.set(r.ref, base);
      }
      input = base.then((b) => ({ ...b, role: r.role, source: r.source, owner: r.owner, label: r.label }));
      named.set(key, input);
    }
    return input;
  };
  const outputs = ctx.outputs ?? new OutputCheck();
  let sliceStart = performance.now();
  return mapLimit(selected, 16, async ({ shot, index }) => {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const problem = shotIssues.get(shot.id);
    if (problem) {
      const error = new DailiesError('project-semantic', problem);
      return {
        shot,
        index,
        freshness: 'invalid',
        reason: problem,
        jobs: [],
        refs: [],
        error,
      } satisfies PlannedShot;
    }
    return planShot(
      ctx,
      hashRef,
      outputs,
      shot,
      index,
      options.force ?? false,
      options.trustOutputs ?? false,
    );
  });
}

function selectShots(shots: Shot[], ids: string[] | undefined): { shot: Shot; index: number }[] {
  const all = shots.map((shot, index) => ({ shot, index }));
  if (!ids) return all;
  const wanted = new Set(ids);
  const known = new Set(shots.map((s) => s.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length)
    throw new DailiesError(
      'project-semantic',
      `Unknown shot id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    );
  return all.filter(({ shot }) => wanted.has(shot.id));
}

async function planShot(
  ctx: PlanContext,
  hashRef: (r: RefSpec) => Promise<RefInput>,
  outputs: OutputCheck,
  shot: Shot,
  index: number,
  force: boolean,
  trustOutputs: boolean,
): Promise<PlannedShot> {
  let spec: ShotSpec;
  let refs: RefInput[];
  try {
    spec = shotSpec(ctx.doc.project, shot, index, ctx.registry, ctx.config);
    refs = await Promise.all(
      spec.refs.map((r) =>
        hashRef(r).catch((err: unknown) => {
          const e = toDailiesError(err);
          throw new DailiesError(e.code, `${r.source}: ${e.message}`, e.details);
        }),
      ),
    );
  } catch (err) {
    const error = toDailiesError(err);
    if (err instanceof StillNotRendered) {
      // Not a problem with the shot: its still renders first, in the same batch (see videoWaves.ts).
      const freshness = shot.render ? 'stale' : 'never';
      const reason = `waits for its still ${err.stillId} to be rendered`;
      return { shot, index, freshness, reason, jobs: [], refs: [], error, waitsFor: err.stillId };
    }
    return { shot, index, freshness: 'invalid', reason: error.message, jobs: [], refs: [], error };
  }
  const provider = ctx.providers[spec.model.provider];
  // Each request is built once; the keys and the recorded hash are taken from the very object the
  // provider will receive, so what is hashed and what is sent cannot drift apart. A fresh shot needs
  // only its first request (for the hash), so a no-op re-plan of 20,000 shots builds no jobs at all.
  const first = requestFor(spec, refs, 1);
  const firstExtra = providerExtras(provider, first);
  const inputHash = shotInputHash(first, firstExtra);
  const { freshness, reason } = force
    ? { freshness: 'stale' as const, reason: 'forced re-render' }
    : await freshnessOf(ctx, outputs, shot.render, inputHash, spec.variations, trustOutputs);
  const jobs: PlannedJob[] = [];
  for (let v = 1; freshness !== 'fresh' && v <= spec.variations; v++) {
    const request = v === 1 ? first : requestFor(spec, refs, v);
    const extra = v === 1 ? firstExtra : providerExtras(provider, request);
    jobs.push({ shotId: shot.id, variation: v, key: variationKey(request, extra), request });
  }
  const { refs: _unresolved, ...planned } = spec;
  return { shot, index, spec: planned, inputHash, freshness, reason, jobs, refs };
}

async function freshnessOf(
  ctx: PlanContext,
  outputs: OutputCheck,
  record: RenderRecord | undefined,
  inputHash: string,
  variations: number,
  trustOutputs: boolean,
): Promise<{ freshness: ShotFreshness; reason: string }> {
  if (!record) return { freshness: 'never', reason: 'never rendered' };
  if (record.inputHash !== inputHash)
    return { freshness: 'stale', reason: 'inputs changed since the last render' };
  if (record.status !== 'done')
    return {
      freshness: 'incomplete',
      reason: `last render ${record.status}${record.error ? `: ${record.error}` : ''}`,
    };
  if (record.outputs.length < variations)
    return { freshness: 'incomplete', reason: 'some variations were never rendered' };
  for (const out of trustOutputs ? [] : record.outputs) {
    const ok = await outputExists(ctx, outputs, out.image);
    if (!ok) return { freshness: 'missing-output', reason: `output ${out.image} is missing` };
  }
  return { freshness: 'fresh', reason: 'up to date' };
}

function outputExists(ctx: PlanContext, outputs: OutputCheck, rel: string): boolean | Promise<boolean> {
  let abs: string;
  try {
    abs = ctx.doc.paths.resolveFile(rel).abs;
  } catch {
    return false;
  }
  return outputs.isFile(abs);
}

export function requestFor(spec: ShotSpec, refs: RefInput[], variation: number): GenerationRequest {
  return {
    shotId: spec.shot.id,
    variation,
    variations: spec.variations,
    model: spec.model,
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    seed: variationSeed(spec, variation),
    steps: spec.steps,
    width: spec.width,
    height: spec.height,
    aspectRatio: spec.aspectRatio,
    params: spec.params,
    refs,
    labels: spec.labels,
    refUrls: new Map(),
    ...(spec.video ? { video: { seconds: spec.video.seconds } } : {}),
  };
}
