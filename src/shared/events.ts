// The one event stream a render batch produces. The CLI's progress bar, the extension's tree, status bar
// and log, and both webviews consume exactly these types; nothing here may import vscode or the DOM.

export type JobState =
  | 'queued'
  | 'uploading'
  | 'submitted'
  | 'running'
  | 'retrying'
  | 'downloading'
  | 'thumbnail'
  | 'done'
  | 'cached'
  | 'failed'
  | 'canceled';

export type ShotOutcome = 'skipped' | 'rendered' | 'cached' | 'partial' | 'failed' | 'canceled';

export type LogTag = 'PREWARM' | 'CACHE' | 'RENDER' | 'ERROR' | 'UPLOAD' | 'WRITE' | 'RESUME';

export interface UserError {
  code: string;
  message: string;
}

export interface BatchSummary {
  batchId: string;
  shots: {
    total: number;
    rendered: number;
    cached: number;
    skipped: number;
    failed: number;
    canceled: number;
  };
  variations: { rendered: number; cached: number; failed: number; canceled: number };
  uploads: { new: number; cached: number; revalidated: number };
  wallMs: number;
  costUsd: number;
  errors: { shotId: string; variation?: number; code: string; message: string }[];
}

export interface OutputRef {
  variation: number;
  image: string;
  thumb?: string;
  /** Content hash of the image, so views can tell a new render from a cached copy of the old one. */
  sha256?: string;
  /** A video take (see takeMedia.ts): its clip and review proxy; `image` is then its poster. */
  video?: string;
  proxy?: string;
  seconds?: number;
  fps?: number;
}

export type RenderEvent =
  | {
      type: 'batch-start';
      batchId: string;
      projectFile: string;
      startedAt: number;
      shots: { shotId: string; variations: number; stale: boolean }[];
      jobs: number;
    }
  | {
      type: 'prewarm';
      batchId: string;
      done: number;
      total: number;
      uploaded: number;
      cached: number;
      revalidated: number;
    }
  | {
      type: 'job';
      batchId: string;
      shotId: string;
      variation: number;
      variations: number;
      state: JobState;
      step?: number;
      steps?: number;
      queuePosition?: number;
      /** A long job's typical duration (video models), for progress and ETAs before it reports steps. */
      expectMs?: number;
      attempt?: number;
      retryInMs?: number;
      message?: string;
      error?: UserError;
      output?: OutputRef;
    }
  | {
      type: 'shot';
      batchId: string;
      shotId: string;
      outcome: ShotOutcome;
      outputs?: OutputRef[];
      error?: UserError;
      durationMs?: number;
    }
  | { type: 'batch-end'; batchId: string; summary: BatchSummary }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; tag: LogTag; message: string };

export type RenderEventOf<T extends RenderEvent['type']> = Extract<RenderEvent, { type: T }>;

export function emptySummary(batchId: string): BatchSummary {
  return {
    batchId,
    shots: { total: 0, rendered: 0, cached: 0, skipped: 0, failed: 0, canceled: 0 },
    variations: { rendered: 0, cached: 0, failed: 0, canceled: 0 },
    uploads: { new: 0, cached: 0, revalidated: 0 },
    wallMs: 0,
    costUsd: 0,
    errors: [],
  };
}
