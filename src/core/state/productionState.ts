// What the UI shows for one production, derived from two sources: a plan (what is on disk: fresh, stale,
// never rendered, invalid) and the live event stream (queued, running step n/m, failed with reason).
// The shots tree, the status bar and the storyboard all read this one model; it imports no vscode.
import { BatchProgress } from '../../shared/batchProgress';
import type { RenderEvent } from '../../shared/events';
import type { BatchInfo, SceneInfo, ShotProgress, ShotStatus } from '../../shared/protocol';
import type { ProjectDocument } from '../project/load';
import type { OutputRecord } from '../project/schema';
import type { PlannedShot } from '../render/plan';

export interface ShotView {
  id: string;
  index: number;
  sceneId?: string;
  prompt: string;
  model: string;
  provider: string;
  variations: number;
  status: ShotStatus;
  reason?: string;
  progress?: ShotProgress;
  outputs: OutputRecord[];
  durationS?: number;
  cached?: boolean;
  /** Line of the shot's object in project.json (for "reveal"), 0-based; -1 when unknown. */
  line: number;
}

const PLAN_STATUS: Record<PlannedShot['freshness'], ShotStatus> = {
  fresh: 'fresh',
  stale: 'stale',
  incomplete: 'stale',
  'missing-output': 'stale',
  never: 'never',
  invalid: 'invalid',
};

export class ProductionState {
  title = '';
  aspectRatio = '16:9';
  scenes: SceneInfo[] = [];
  /** A project-level problem (invalid JSON, schema errors); shots keep their last known state. */
  problem: string | undefined;
  private shots = new Map<string, ShotView>();
  private order: string[] = [];
  /** Failures of the last batches: not written to project.json, but the user must see them. */
  private failures = new Map<string, string>();
  private progress: BatchProgress | undefined;
  private activeBatches = new Set<string>();

  /** Replaces the model with a fresh plan; live states of running shots survive. */
  applyPlan(doc: ProjectDocument, planned: PlannedShot[], lines: Map<string, number> = new Map()): void {
    const { project } = doc;
    this.problem = undefined;
    this.title = project.title ?? doc.paths.root.split(/[\\/]/).pop() ?? 'Production';
    this.aspectRatio = project.aspectRatio ?? '16:9';
    this.scenes = (project.scenes ?? []).map((s) => ({ id: s.id, title: s.title ?? s.id }));
    const next = new Map<string, ShotView>();
    for (const p of planned) {
      const prev = this.shots.get(p.shot.id);
      const live = prev && isLive(prev.status) && this.activeBatches.size > 0;
      let status = PLAN_STATUS[p.freshness];
      let reason = p.reason;
      const failure = this.failures.get(p.shot.id);
      if (failure && status !== 'fresh' && status !== 'invalid') {
        status = 'failed';
        reason = failure;
      }
      if (status === 'fresh') this.failures.delete(p.shot.id);
      next.set(p.shot.id, {
        id: p.shot.id,
        index: p.index,
        sceneId: p.shot.scene,
        prompt: p.shot.prompt,
        model: p.spec?.model.id ?? p.shot.model ?? project.defaults?.model ?? '',
        provider: p.spec?.model.provider ?? '',
        variations: p.spec?.variations ?? p.shot.variations ?? 1,
        status: live ? prev.status : status,
        reason: live ? prev.reason : reason,
        progress: live ? prev.progress : undefined,
        outputs: p.shot.render?.outputs ?? [],
        durationS: p.shot.render?.durationMs !== undefined ? p.shot.render.durationMs / 1000 : undefined,
        cached: p.shot.render?.outputs.every((o) => o.cached) || undefined,
        line: lines.get(p.shot.id) ?? -1,
      });
    }
    this.shots = next;
    this.order = planned.map((p) => p.shot.id);
  }

  setProblem(problem: string): void {
    this.problem = problem;
  }

  /** Folds one event in; returns the ids of shots whose view changed. */
  applyEvent(e: RenderEvent): string[] {
    switch (e.type) {
      case 'batch-start': {
        if (this.activeBatches.size === 0) this.progress = new BatchProgress();
        this.activeBatches.add(e.batchId);
        this.progress?.apply(e);
        const changed: string[] = [];
        for (const s of e.shots) {
          const view = this.shots.get(s.shotId);
          if (!view || !s.stale) continue;
          view.status = 'queued';
          view.reason = undefined;
          view.progress = undefined;
          changed.push(s.shotId);
        }
        return changed;
      }
      case 'job': {
        this.progress?.apply(e);
        const view = this.shots.get(e.shotId);
        if (!view) return [];
        if (e.state === 'done' || e.state === 'cached' || e.state === 'failed' || e.state === 'canceled') {
          if (view.progress?.variation === e.variation) view.progress = undefined;
          return [e.shotId];
        }
        view.status = e.state === 'queued' && view.status !== 'running' ? 'queued' : 'running';
        view.progress = {
          variation: e.variation,
          variations: e.variations,
          state: e.state,
          step: e.step ?? (view.progress?.variation === e.variation ? view.progress.step : undefined),
          steps: e.steps ?? (view.progress?.variation === e.variation ? view.progress.steps : undefined),
          queuePosition: e.queuePosition,
        };
        if (e.state === 'retrying') view.reason = e.message;
        return [e.shotId];
      }
      case 'shot': {
        this.progress?.apply(e);
        const view = this.shots.get(e.shotId);
        if (!view) return [];
        view.progress = undefined;
        switch (e.outcome) {
          case 'skipped':
            return [];
          case 'rendered':
          case 'cached':
            view.status = e.outcome === 'cached' ? 'cached' : 'done';
            view.reason = undefined;
            view.cached = e.outcome === 'cached';
            this.failures.delete(e.shotId);
            break;
          case 'partial':
          case 'failed':
            view.status = e.outcome;
            view.reason = e.error?.message;
            if (e.error) this.failures.set(e.shotId, e.error.message);
            break;
          case 'canceled':
            view.status = 'canceled';
            view.reason = 'canceled';
            break;
        }
        if (e.outputs?.length) {
          view.outputs = e.outputs.map((o) => ({
            variation: o.variation,
            image: o.image,
            thumb: o.thumb,
            sha256: o.sha256,
          }));
        }
        if (e.durationMs !== undefined) view.durationS = e.durationMs / 1000;
        return [e.shotId];
      }
      case 'prewarm':
        this.progress?.apply(e);
        return [];
      case 'batch-end':
        this.progress?.apply(e);
        this.activeBatches.delete(e.batchId);
        return [];
      default:
        return [];
    }
  }

  get running(): boolean {
    return this.activeBatches.size > 0;
  }

  batch(now: number = Date.now()): BatchInfo | undefined {
    const p = this.progress;
    if (!p) return undefined;
    return {
      running: this.running,
      shotsDone: p.shotsDone,
      shotsTotal: p.shotsTotal,
      jobsDone: p.jobsFinished,
      jobsTotal: p.jobsTotal,
      etaMs: this.running ? p.etaMs(now) : undefined,
    };
  }

  get(id: string): ShotView | undefined {
    return this.shots.get(id);
  }

  all(): ShotView[] {
    return this.order.map((id) => this.shots.get(id)).filter((s): s is ShotView => s !== undefined);
  }

  /** The shots of a declared scene; for `undefined`, those with no scene or a scene that is not declared. */
  shotsInScene(sceneId: string | undefined): ShotView[] {
    if (sceneId !== undefined) return this.all().filter((s) => s.sceneId === sceneId);
    const declared = new Set(this.scenes.map((s) => s.id));
    return this.all().filter((s) => s.sceneId === undefined || !declared.has(s.sceneId));
  }

  counts(): Record<ShotStatus, number> {
    const out = {
      fresh: 0,
      stale: 0,
      never: 0,
      queued: 0,
      running: 0,
      cached: 0,
      done: 0,
      partial: 0,
      failed: 0,
      canceled: 0,
      invalid: 0,
    };
    for (const s of this.shots.values()) out[s.status]++;
    return out;
  }
}

function isLive(status: ShotStatus): boolean {
  return status === 'queued' || status === 'running';
}
