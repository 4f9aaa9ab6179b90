// What the UI shows for one production, derived from two sources: a plan (what is on disk: done, stale,
// not rendered, invalid) and the live event stream (queued, running step n/m, failed with reason). The
// shots tree, the status bar and the storyboard all read this one model, in the one vocabulary of
// src/shared/shotState.ts; it imports no vscode. Both inputs report what they changed, so a view can
// redraw the rows that changed instead of everything.
import { BatchProgress } from '../../shared/batchProgress';
import type { RenderEvent } from '../../shared/events';
import type { BatchInfo, SceneInfo, ShotProgress } from '../../shared/protocol';
import { emptyReviewCounts, type ReviewCounts, type ReviewStatus } from '../../shared/review';
import { emptyCounts, type ShotCounts, type ShotState, stateOfOutcome } from '../../shared/shotState';
import type { ProjectDocument } from '../project/load';
import { linesOf } from '../project/scan';
import type { OutputRecord } from '../project/schema';
import type { PlannedShot } from '../render/plan';
import { type ReviewView, readReview } from '../review/reviewData';
import { circledOutput } from '../review/takes';

export interface ShotView {
  id: string;
  index: number;
  sceneId?: string;
  prompt: string;
  model: string;
  provider: string;
  variations: number;
  status: ShotState;
  reason?: string;
  progress?: ShotProgress;
  outputs: OutputRecord[];
  durationS?: number;
  cached?: boolean;
  /** Line of the shot's object in project.json (for "reveal"), 0-based; -1 when unknown. */
  line: number;
  /** The take as circled in project.json (it may name no rendered variation: see `circled`). */
  take?: number;
  /** Status and notes, when the shot has a review (absent: pending, no notes). */
  review?: ReviewView;
  /** Kept versions (every recorded render). */
  versions?: number;
  /** The input hash of the render recorded in project.json (which kept version it is: hash + bytes). */
  renderHash?: string;
}

export function reviewStatusOf(shot: ShotView): ReviewStatus {
  return shot.review?.status ?? 'pending';
}

/** The output the edit uses: the circled take's, else variation 1's (see review/takes.ts). */
export function circled(shot: ShotView): OutputRecord | undefined {
  return circledOutput({ take: shot.take, render: { outputs: shot.outputs } });
}

/** What a re-plan changed, so views redraw no more than that. */
export interface PlanChange {
  /** Shots added, removed or reordered, scenes or the title changed: views rebuild. */
  structural: boolean;
  /** The shots whose view changed (all of them when structural). */
  ids: string[];
}

/** A batch's verdict on a shot, kept across re-plans (project.json records only successes). */
interface Verdict {
  state: 'failed' | 'canceled';
  reason: string;
  /** The inputs it was about: once they change, the verdict is obsolete and the shot is just stale. */
  inputHash: string | undefined;
}

/** The key of the group of shots with no scene, or a scene that is not declared. */
export const LOOSE_SCENE = '';

function planState(p: PlannedShot): ShotState {
  switch (p.freshness) {
    case 'fresh':
      return p.shot.render?.outputs.length && p.shot.render.outputs.every((o) => o.cached)
        ? 'cached'
        : 'done';
    case 'never':
      return 'not-rendered';
    case 'invalid':
      return 'invalid';
    default:
      return 'stale';
  }
}

export class ProductionState {
  title = '';
  aspectRatio = '16:9';
  scenes: SceneInfo[] = [];
  /** A project-level problem (invalid JSON, schema errors); shots keep their last known state. */
  problem: string | undefined;
  private shots = new Map<string, ShotView>();
  private order: ShotView[] = [];
  private byScene = new Map<string, ShotView[]>();
  private sceneKeyOf = new Map<string, string>();
  private verdicts = new Map<string, Verdict>();
  /**
   * Shots a batch just finished, by the inputs it rendered: a re-plan of a file the write-back has not
   * reached yet must not show them stale again (the record lands with a later flush).
   */
  private landed = new Map<string, { state: 'done' | 'cached'; inputHash: string | undefined }>();
  private inputHashes = new Map<string, string | undefined>();
  private progress: BatchProgress | undefined;
  private activeBatches = new Set<string>();

  /**
   * Replaces the model with a fresh plan; live states of running shots survive. `versions` counts each
   * shot's kept versions (unchanged when not given).
   */
  applyPlan(
    doc: ProjectDocument,
    planned: PlannedShot[],
    versions?: ReadonlyMap<string, number>,
  ): PlanChange {
    const { project } = doc;
    const hadProblem = this.problem !== undefined;
    this.problem = undefined;
    const title = project.title ?? doc.paths.root.split(/[\\/]/).pop() ?? 'Production';
    const scenes = (project.scenes ?? []).map((s) => ({ id: s.id, title: s.title ?? s.id }));
    let structural =
      hadProblem ||
      title !== this.title ||
      scenes.length !== this.scenes.length ||
      scenes.some((s, i) => s.id !== this.scenes[i]?.id || s.title !== this.scenes[i]?.title) ||
      planned.length !== this.order.length;
    this.title = title;
    this.aspectRatio = project.aspectRatio ?? '16:9';
    this.scenes = scenes;
    const declared = new Set(scenes.map((s) => s.id));
    // Offsets come from the BOM-less text the parser saw; lines do not care about one leading char.
    const bom = doc.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const lines = linesOf(
      doc.text,
      doc.shotStarts.map((o) => o + bom),
    );
    const live = this.activeBatches.size > 0;
    const next = new Map<string, ShotView>();
    const order: ShotView[] = [];
    const byScene = new Map<string, ShotView[]>();
    const sceneKeyOf = new Map<string, string>();
    const changed: string[] = [];
    planned.forEach((p, i) => {
      const id = p.shot.id;
      const prev = this.shots.get(id);
      if (this.order[i]?.id !== id) structural = true;
      this.inputHashes.set(id, p.inputHash);
      let status = planState(p);
      let reason: string | undefined = p.reason;
      const verdict = this.verdicts.get(id);
      if (verdict && (status === 'stale' || status === 'not-rendered') && verdict.inputHash === p.inputHash) {
        status = verdict.state;
        reason = verdict.reason;
      } else if (verdict) this.verdicts.delete(id);
      // Only while a batch runs: the engine flushes every record before it ends the batch.
      const landed = live ? this.landed.get(id) : undefined;
      const stillLanding =
        landed !== undefined &&
        (status === 'stale' || status === 'not-rendered') &&
        landed.inputHash === p.inputHash &&
        prev !== undefined;
      if (stillLanding) status = landed.state;
      else if (landed) this.landed.delete(id);
      const keepLive = live && prev !== undefined && (prev.status === 'queued' || prev.status === 'running');
      const render = p.shot.render;
      const view: ShotView = {
        id,
        index: p.index,
        sceneId: p.shot.scene,
        prompt: p.shot.prompt,
        model: p.spec?.model.id ?? p.shot.model ?? project.defaults?.model ?? '',
        provider: p.spec?.model.provider ?? '',
        variations: p.spec?.variations ?? p.shot.variations ?? 1,
        status: keepLive ? prev.status : status,
        reason: keepLive ? prev.reason : reason,
        progress: keepLive ? prev.progress : undefined,
        outputs: stillLanding ? prev.outputs : (render?.outputs ?? []),
        durationS: render?.durationMs !== undefined ? render.durationMs / 1000 : undefined,
        cached: (render?.outputs.length && render.outputs.every((o) => o.cached)) || undefined,
        line: lines[p.index] ?? -1,
        take: typeof p.shot.take === 'number' ? p.shot.take : undefined,
        review: p.shot.review === undefined ? undefined : readReview(p.shot.review),
        renderHash: render?.inputHash,
        versions: versions?.get(id) ?? prev?.versions ?? 0,
      };
      const key = view.sceneId !== undefined && declared.has(view.sceneId) ? view.sceneId : LOOSE_SCENE;
      if (prev && this.sceneKeyOf.get(id) !== key) structural = true;
      if (!prev || differs(prev, view)) changed.push(id);
      next.set(id, view);
      order.push(view);
      sceneKeyOf.set(id, key);
      const group = byScene.get(key);
      if (group) group.push(view);
      else byScene.set(key, [view]);
    });
    for (const id of this.inputHashes.keys()) if (!next.has(id)) this.inputHashes.delete(id);
    if (!live) this.landed.clear();
    for (const id of this.landed.keys()) if (!next.has(id)) this.landed.delete(id);
    this.shots = next;
    this.order = order;
    this.byScene = byScene;
    this.sceneKeyOf = sceneKeyOf;
    return { structural, ids: structural ? order.map((v) => v.id) : changed };
  }

  /** Marks the production invalid (its shots keep their last known state); true when that is news. */
  setProblem(problem: string): boolean {
    const changed = this.problem !== problem;
    this.problem = problem;
    return changed;
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
          // An invalid shot fails at once without a call: it stays invalid, never queued.
          if (!view || !s.stale || view.status === 'invalid') continue;
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
      case 'shot':
        this.progress?.apply(e);
        return this.applyOutcome(e);
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

  private applyOutcome(e: Extract<RenderEvent, { type: 'shot' }>): string[] {
    const view = this.shots.get(e.shotId);
    const state = stateOfOutcome(e.outcome);
    if (!view || !state || view.status === 'invalid') return [];
    view.progress = undefined;
    view.status = state;
    if (state === 'done' || state === 'cached') {
      view.reason = undefined;
      view.cached = state === 'cached';
      this.verdicts.delete(e.shotId);
      this.landed.set(e.shotId, { state, inputHash: this.inputHashes.get(e.shotId) });
    } else {
      // A cancel replaces an earlier failure: the shot shows what happened last, in its own words.
      view.reason =
        state === 'canceled'
          ? 'canceled before it finished'
          : e.outcome === 'partial'
            ? `some variations failed${e.error ? `: ${e.error.message}` : ''}`
            : (e.error?.message ?? 'failed');
      this.verdicts.set(e.shotId, {
        state: state === 'canceled' ? 'canceled' : 'failed',
        reason: view.reason,
        inputHash: this.inputHashes.get(e.shotId),
      });
    }
    if (e.outputs?.length) {
      view.outputs = e.outputs.map((o) => ({
        variation: o.variation,
        image: o.image,
        thumb: o.thumb,
        sha256: o.sha256,
        ...(o.video ? { video: o.video, proxy: o.proxy, seconds: o.seconds, fps: o.fps } : {}),
      }));
    }
    if (e.durationMs !== undefined) view.durationS = e.durationMs / 1000;
    return [e.shotId];
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

  all(): readonly ShotView[] {
    return this.order;
  }

  get size(): number {
    return this.order.length;
  }

  /** The shots of a declared scene; for `undefined`, those with no scene or a scene that is not declared. */
  shotsInScene(sceneId: string | undefined): readonly ShotView[] {
    return this.byScene.get(sceneId ?? LOOSE_SCENE) ?? [];
  }

  /** The scene group a shot is listed under (LOOSE_SCENE for none or an undeclared one). */
  sceneKey(shotId: string): string | undefined {
    return this.sceneKeyOf.get(shotId);
  }

  counts(): ShotCounts {
    const out = emptyCounts();
    for (const s of this.order) out[s.status]++;
    return out;
  }

  reviewCounts(): ReviewCounts {
    const out = emptyReviewCounts();
    for (const s of this.order) out[reviewStatusOf(s)]++;
    return out;
  }
}

/** Did anything a surface shows change? (The line moves with every edit above; nobody draws it.) */
function differs(a: ShotView, b: ShotView): boolean {
  if (
    a.status !== b.status ||
    a.reason !== b.reason ||
    a.prompt !== b.prompt ||
    a.model !== b.model ||
    a.provider !== b.provider ||
    a.variations !== b.variations ||
    a.durationS !== b.durationS ||
    a.cached !== b.cached ||
    a.index !== b.index ||
    a.outputs.length !== b.outputs.length ||
    a.take !== b.take ||
    a.versions !== b.versions ||
    a.renderHash !== b.renderHash ||
    JSON.stringify(a.review) !== JSON.stringify(b.review)
  )
    return true;
  return a.outputs.some((o, i) => {
    const p = b.outputs[i];
    return (
      !p ||
      o.image !== p.image ||
      o.thumb !== p.thumb ||
      o.sha256 !== p.sha256 ||
      o.seed !== p.seed ||
      o.proxy !== p.proxy
    );
  });
}
