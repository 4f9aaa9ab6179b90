// Folds the render event stream into "12/24 shots · ETA 3m": the shots a batch renders and how many of
// them finished (shots are the unit every surface counts; variations are the finer grain the ETA uses),
// what is running, and an ETA from the fraction of work done (counting steps inside running variations,
// so a long first wave does not show "ETA —" for minutes). Used by the CLI bar, the status bar and the
// storyboard.
import type { JobState, RenderEvent } from './events';

interface JobProgress {
  state: JobState;
  step: number;
  steps: number;
  /** Long jobs that report no steps (video): when it went out, and how long such a job usually takes. */
  since?: number;
  expectMs?: number;
}

/** A job known only by its typical duration counts at most this much done until it finishes. */
const TIMED_CAP = 0.9;

const TERMINAL: ReadonlySet<JobState> = new Set(['done', 'cached', 'failed', 'canceled']);

export class BatchProgress {
  startedAt = 0;
  /** Shots the batch renders (fresh shots it skips are not counted). */
  shotsTotal = 0;
  /** Of those, finished in any way (done, cached, failed, canceled). */
  shotsDone = 0;
  shotsFailed = 0;
  shotsCanceled = 0;
  jobsTotal = 0;
  jobsFinished = 0;
  jobsCached = 0;
  jobsFailed = 0;
  prewarm: { done: number; total: number } | undefined;
  ended = false;
  private jobs = new Map<string, JobProgress>();

  apply(e: RenderEvent, now: number = Date.now()): void {
    switch (e.type) {
      case 'batch-start':
        this.startedAt = e.startedAt;
        for (const s of e.shots) if (s.stale) this.shotsTotal++;
        this.jobsTotal += e.jobs;
        this.ended = false;
        break;
      case 'prewarm':
        this.prewarm = { done: e.done, total: e.total };
        break;
      case 'job': {
        const key = `${e.shotId}#${e.variation}`;
        const prev = this.jobs.get(key);
        if (prev && TERMINAL.has(prev.state)) break;
        const expectMs = e.expectMs ?? prev?.expectMs;
        const next: JobProgress = {
          state: e.state,
          step: e.step ?? prev?.step ?? 0,
          steps: e.steps ?? prev?.steps ?? 0,
          ...(expectMs ? { expectMs, since: prev?.since ?? now } : {}),
        };
        this.jobs.set(key, next);
        if (TERMINAL.has(e.state)) {
          this.jobsFinished++;
          if (e.state === 'cached') this.jobsCached++;
          if (e.state === 'failed') this.jobsFailed++;
        }
        break;
      }
      case 'shot':
        if (e.outcome === 'skipped') break;
        this.shotsDone++;
        if (e.outcome === 'failed' || e.outcome === 'partial') this.shotsFailed++;
        if (e.outcome === 'canceled') this.shotsCanceled++;
        break;
      case 'batch-end':
        this.ended = true;
        break;
    }
  }

  get running(): number {
    let n = 0;
    for (const j of this.jobs.values())
      if (j.state === 'running' || j.state === 'submitted' || j.state === 'downloading') n++;
    return n;
  }

  /** 0..1 of the variations to run, partial steps included. */
  get fraction(): number {
    return this.fractionAt(Date.now());
  }

  /**
   * Partial steps count; a long job that reports none (a video at the provider: queue positions, then
   * free-form logs) counts its time out of its typical duration, so minutes in, the ETA is not "—".
   */
  fractionAt(now: number): number {
    if (this.jobsTotal === 0) return this.shotsTotal > 0 ? this.shotsDone / this.shotsTotal : 0;
    let done = this.jobsFinished;
    for (const j of this.jobs.values()) {
      if (TERMINAL.has(j.state)) continue;
      if (j.steps > 0) done += Math.min(0.95, j.step / j.steps);
      else if (j.expectMs && j.since !== undefined) done += Math.min(TIMED_CAP, (now - j.since) / j.expectMs);
    }
    return Math.min(1, done / this.jobsTotal);
  }

  /** Milliseconds left, or undefined until there is enough to go on. */
  etaMs(now: number = Date.now()): number | undefined {
    const f = this.fractionAt(now);
    const elapsed = now - this.startedAt;
    if (f <= 0.02 || elapsed < 500 || this.ended) return undefined;
    return Math.max(0, (elapsed * (1 - f)) / f);
  }
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
