// Turns a loaded project into the work of a batch: which shots are fresh (skipped), which are stale, and
// for each stale one a job per variation. A problem with one shot (a missing ref, an unknown model)
// fails that shot here and never stops the others.
import { promises as fs } from 'node:fs';
import type { RefHasher } from '../cache/refHasher';
import type { DailiesConfig } from '../config';
import type { ProjectDocument } from '../project/load';
import type { RenderRecord, Shot } from '../project/schema';
import { type ShotSpec, shotSpec, variationSeed } from '../project/spec';
import type { ModelRegistry } from '../providers/registry';
import type { GenerationRequest, Provider, ProviderId, RefInput } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import { mapLimit } from '../util/mapLimit';
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
  spec?: ShotSpec;
  inputHash?: string;
  freshness: ShotFreshness;
  /** Why it is stale, in words (shown in tooltips and `estimate`). */
  reason: string;
  jobs: PlannedJob[];
  refs: RefInput[];
  error?: DailiesError;
}

export interface PlanContext {
  doc: ProjectDocument;
  registry: ModelRegistry;
  config: DailiesConfig;
  hasher: RefHasher;
  providers: Partial<Record<ProviderId, Provider>>;
}

export interface PlanOptions {
  shotIds?: string[];
  force?: boolean;
}

export async function planBatch(ctx: PlanContext, options: PlanOptions = {}): Promise<PlannedShot[]> {
  const { project } = ctx.doc;
  const selected = selectShots(project.shots, options.shotIds);
  const shotIssues = new Map<string, string>();
  for (const issue of ctx.doc.issues) {
    if (issue.shotId && !shotIssues.has(issue.shotId))
      shotIssues.set(issue.shotId, `${issue.path}: ${issue.message}`);
  }
  return mapLimit(selected, 16, ({ shot, index }) => {
    const problem = shotIssues.get(shot.id);
    if (problem) {
      const error = new DailiesError('project-semantic', problem);
      return Promise.resolve<PlannedShot>({
        shot,
        index,
        freshness: 'invalid',
        reason: problem,
        jobs: [],
        refs: [],
        error,
      });
    }
    return planShot(ctx, shot, index, options.force ?? false);
  });
}

function selectShots(shots: Shot[], ids: string[] | undefined): { shot: Shot; index: number }[] {
  const all = shots.map((shot, index) => ({ shot, index }));
  if (!ids) return all;
  const wanted = new Set(ids);
  const unknown = ids.filter((id) => !shots.some((s) => s.id === id));
  if (unknown.length)
    throw new DailiesError(
      'project-semantic',
      `Unknown shot id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    );
  return all.filter(({ shot }) => wanted.has(shot.id));
}

async function planShot(ctx: PlanContext, shot: Shot, index: number, force: boolean): Promise<PlannedShot> {
  let spec: ShotSpec;
  let refs: RefInput[];
  try {
    spec = shotSpec(ctx.doc.project, shot, index, ctx.registry, ctx.config);
    refs = await Promise.all(
      spec.refs.map((r) =>
        ctx.hasher.hash(r).catch((err: unknown) => {
          const e = toDailiesError(err);
          throw new DailiesError(e.code, `${r.source}: ${e.message}`, e.details);
        }),
      ),
    );
  } catch (err) {
    const error = toDailiesError(err);
    return { shot, index, freshness: 'invalid', reason: error.message, jobs: [], refs: [], error };
  }
  const provider = ctx.providers[spec.model.provider];
  // Each request is built once; the keys and the recorded hash are taken from the very object the
  // provider will receive, so what is hashed and what is sent cannot drift apart.
  const jobs: PlannedJob[] = [];
  let inputHash = '';
  for (let v = 1; v <= spec.variations; v++) {
    const request = requestFor(spec, refs, v);
    const extra = providerExtras(provider, request);
    if (v === 1) inputHash = shotInputHash(request, extra);
    jobs.push({ shotId: shot.id, variation: v, key: variationKey(request, extra), request });
  }
  const { freshness, reason } = force
    ? { freshness: 'stale' as const, reason: 'forced re-render' }
    : await freshnessOf(ctx, shot.render, inputHash, spec.variations);
  return { shot, index, spec, inputHash, freshness, reason, jobs: freshness === 'fresh' ? [] : jobs, refs };
}

async function freshnessOf(
  ctx: PlanContext,
  record: RenderRecord | undefined,
  inputHash: string,
  variations: number,
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
  for (const out of record.outputs) {
    const ok = await outputExists(ctx, out.image);
    if (!ok) return { freshness: 'missing-output', reason: `output ${out.image} is missing` };
  }
  return { freshness: 'fresh', reason: 'up to date' };
}

async function outputExists(ctx: PlanContext, rel: string): Promise<boolean> {
  try {
    const { abs } = ctx.doc.paths.resolveFile(rel);
    return (await fs.stat(abs)).isFile();
  } catch {
    return false;
  }
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
  };
}
