// Results on their way into project.json: queued per shot, written together after a short delay, and
// checked at the end of a batch against what the file really holds (a save based on older text can wipe
// them; those are written again).
import type { LogTag } from '../../shared/events';
import type { RenderRecord } from '../project/schema';
import type { ProjectWriter } from '../project/write';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string) => void;

/** Flushes should take at most about this share of the time while results stream in. */
const FLUSH_SHARE = 1 / 8;
/** …but a result never waits longer than this to reach project.json. */
export const MAX_FLUSH_DELAY_MS = 5000;

/**
 * The wait before the next flush: the configured delay, stretched when the last flush was expensive (a
 * huge file, a slow disk) so that writing results never becomes most of what the process does.
 */
export function nextFlushDelay(baseMs: number, lastFlushMs: number): number {
  return Math.round(
    Math.min(Math.max(baseMs, MAX_FLUSH_DELAY_MS), Math.max(baseMs, lastFlushMs / FLUSH_SHARE)),
  );
}

export class ResultRecorder {
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;
  /** Records written by this engine, checked at batch end against what the file really holds. */
  private readonly recorded = new Map<string, RenderRecord>();

  constructor(
    private readonly writer: ProjectWriter,
    private readonly log: Log,
    private readonly flushDelayMs: number,
  ) {}

  /** Queues a shot's record and schedules a flush. */
  record(shotId: string, record: RenderRecord): void {
    this.writer.set(shotId, record);
    this.recorded.set(shotId, record);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        void this.flushNow();
      },
      nextFlushDelay(this.flushDelayMs, this.lastFlushMs),
    );
  }

  async flushNow(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const started = performance.now();
    const report = await this.writer.flush();
    if (report.written.length) this.lastFlushMs = performance.now() - started;
    if (report.written.length)
      this.log('debug', 'WRITE', `recorded ${report.written.length} shot(s) in project.json`);
    if (report.missing.length) {
      this.log(
        'warn',
        'WRITE',
        `shot(s) ${report.missing.join(', ')} are no longer in project.json; their renders stay in the cache`,
      );
    }
    if (report.blocked) this.log('warn', 'WRITE', report.blocked);
  }

  /** Re-records what a save wiped; `lastBatch` forgets the records once no other batch needs them. */
  async reconcile(lastBatch: boolean): Promise<void> {
    // Nothing recorded (a no-op batch): nothing to check, and no reason to re-read a large file.
    for (let round = 0; round < 3 && this.recorded.size > 0; round++) {
      const requeued = await this.writer.reconcile(this.recorded);
      if (requeued === 0) break;
      this.log(
        'warn',
        'WRITE',
        `${requeued} result(s) were overwritten by another save of project.json; recording them again`,
      );
      await this.flushNow();
    }
    if (lastBatch) {
      this.recorded.clear();
      this.writer.forget();
    }
  }
}
