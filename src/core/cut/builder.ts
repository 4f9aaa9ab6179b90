// The animatic of one production, kept current: `build()` on demand (the command, the CLI), and — once
// attached to a render engine — again as shots land, debounced, so the cut is watchable before the batch
// ends. Builds never overlap: a request during a build runs once after it (requests coalesce). Used the
// same way by the extension and the CLI; it imports neither vscode nor the DOM.

import type { RenderEvent } from '../../shared/events';
import type { ProjectPaths } from '../project/paths';
import type { Project } from '../project/schema';
import { type Disposable, Emitter } from '../util/emitter';
import { canceled, type DailiesError, isAbortError, toDailiesError } from '../util/errors';
import { type AnimaticResult, type BuildEvent, buildAnimatic } from './build';
import { CutError } from './errors';
import type { AnimaticOptions } from './options';

export type AnimaticEvent =
  | BuildEvent
  | { type: 'scheduled'; shotIds: string[] }
  | { type: 'done'; result: AnimaticResult }
  | { type: 'failed'; error: DailiesError; shotId?: string; canceled: boolean };

export interface AnimaticBuilderOptions {
  paths: ProjectPaths;
  /** The project as it is now (the editor's buffer in VS Code, the file in the CLI). */
  load: () => Promise<Project>;
  options: () => AnimaticOptions;
  /** The ffmpeg binary, looked up per build (a setting may have changed). */
  ffmpeg: () => string;
  /** Quiet time after the last shot landed before a rebuild (default 1.5 s)… */
  debounceMs?: number;
  /** …but never longer than this after the first one, so a steady stream of shots still shows (default 8 s). */
  maxWaitMs?: number;
  concurrency?: number;
  idleTimeoutMs?: number;
  onSpawn?: (pid: number) => void;
}

const LANDED = new Set(['rendered', 'cached', 'partial']);

export class AnimaticBuilder implements Disposable {
  private readonly emitter = new Emitter<AnimaticEvent>();
  readonly onEvent = this.emitter.event;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<AnimaticResult> | undefined;
  private controller: AbortController | undefined;
  private readonly landed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstLandedAt = 0;
  /** A shot landed since the last batch ended: that batch's end must cut once more. */
  private landedInBatch = false;
  private disposed = false;
  /** The last successful build. */
  last: AnimaticResult | undefined;

  constructor(private readonly o: AnimaticBuilderOptions) {}

  get building(): boolean {
    return this.controller !== undefined;
  }

  /** Builds now, or right after the running build; concurrent requests share one build. */
  build(reason = 'build', signal?: AbortSignal): Promise<AnimaticResult> {
    if (this.disposed) return Promise.reject(canceled('The animatic builder was disposed'));
    if (signal?.aborted) return Promise.reject(canceled());
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let run = this.queued;
    if (!run) {
      run = this.chain.then(() => {
        this.queued = undefined;
        return this.runOnce(reason);
      });
      this.queued = run;
      this.chain = run.catch(() => undefined);
    }
    return run.finally(() => signal?.removeEventListener('abort', onAbort));
  }

  /** Stops the running build (its ffmpeg is killed, the previous animatic stays) and any pending rebuild. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.landed.clear();
    this.controller?.abort();
  }

  /** Feed render events here (or use `attach`): shots that land schedule a debounced rebuild. */
  onRenderEvent(e: RenderEvent): void {
    if (this.disposed) return;
    if (e.type === 'shot' && LANDED.has(e.outcome)) {
      if (this.landed.size === 0) this.firstLandedAt = Date.now();
      this.landed.add(e.shotId);
      this.landedInBatch = true;
      this.emitter.fire({ type: 'scheduled', shotIds: [...this.landed] });
      this.schedule();
    } else if (e.type === 'batch-end' && this.landedInBatch) {
      // project.json holds every result by now (the engine flushed before batch-end), while a debounced
      // build may have read it before the last results were written: cut once more, at once.
      this.landedInBatch = false;
      void this.flush(true);
    }
  }

  attach(events: (listener: (e: RenderEvent) => void) => Disposable): Disposable {
    return events((e) => this.onRenderEvent(e));
  }

  /** Runs a pending rebuild now; resolves when it is done (undefined when nothing was pending). */
  async flush(batchEnded = false): Promise<AnimaticResult | undefined> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.landed.size === 0 && !batchEnded) return this.queued;
    const ids = [...this.landed];
    this.landed.clear();
    const reason = ids.length ? `${ids.join(', ')} landed` : 'the batch ended';
    return this.build(reason).catch(() => undefined);
  }

  /** Resolves once no build is running or queued. */
  async idle(): Promise<void> {
    while (this.queued || this.controller) await this.chain;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.emitter.dispose();
  }

  private schedule(): void {
    const debounce = this.o.debounceMs ?? 1500;
    const maxWait = this.o.maxWaitMs ?? 8000;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(debounce, this.firstLandedAt + maxWait - Date.now()));
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private async runOnce(reason: string): Promise<AnimaticResult> {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const project = await this.o.load();
      const result = await buildAnimatic({
        paths: this.o.paths,
        project,
        options: this.o.options(),
        ffmpeg: this.o.ffmpeg(),
        reason,
        signal: controller.signal,
        concurrency: this.o.concurrency,
        idleTimeoutMs: this.o.idleTimeoutMs,
        onSpawn: this.o.onSpawn,
        onEvent: (e) => this.emitter.fire(e),
      });
      this.last = result;
      this.emitter.fire({ type: 'done', result });
      return result;
    } catch (err) {
      const error = isAbortError(err)
        ? canceled('Animatic build canceled; the previous animatic is kept')
        : toDailiesError(err);
      this.emitter.fire({
        type: 'failed',
        error,
        shotId: err instanceof CutError ? err.shotId : undefined,
        canceled: isAbortError(err),
      });
      throw error;
    } finally {
      this.controller = undefined;
    }
  }
}
