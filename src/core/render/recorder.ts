// Results on their way into project.json: queued per shot, written together after a short delay, and
// checked at the end of a batch against what the file really holds (a save based on older text can wipe
// them; those are written again).
import type { LogTag } from '../../shared/events';
import type { RenderRecord } from '../project/schema';
import type { ProjectWriter } from '../project/write';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string) => void;

/**
 * Flushes should take at most about this share of the time while results stream in: a flush rewrites
 * the whole file (atomically), so on a 20 MB project each one costs tens of ms however few results it
 * carries, and flushing at a fixed rate would make a long batch's CPU per shot grow with the project.
 */
const FLUSH_SHARE = 1 / 32;
/**
 * …and should rewrite at most about this many bytes per second: every flush leaves a copy of the whole
 * text to the garbage collector and to the disk (at a fixed 400 ms, a 20 MB project rewrote 50 MB/s).
 */
const FLUSH_BYTES_PER_S = 4 * 2 ** 20;
/** …but a result never waits longer than this to reach project.json (it is safe in the result cache). */
export const MAX_FLUSH_DELAY_MS = 5000;

/**
 * The wait before the next flush: the configured delay, stretched when the last flush was expensive (a
 * huge file, a slow disk) so that writing results never becomes most of what the process does.
 */
export function nextFlushDelay(baseMs: number, last: { ms: number; bytes: number }): number {
  const cost = Math.max(last.ms / FLUSH_SHARE, (last.bytes / FLUSH_BYTES_PER_S) * 1000);
  return Math.round(Math.min(Math.max(baseMs, MAX_FLUSH_DELAY_MS), Math.max(baseMs, cost)));
}

export class ResultRecorder {
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = { ms: 0, bytes: 0 };
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
      nextFlushDelay(this.flushDelayMs, this.lastFlush),
    );
  }

  async flushNow(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const started = performance.now();
    const report = await this.writer.flush();
    if (report.written.length) this.lastFlush = { ms: performance.now() - started, bytes: report.chars ?? 0 };
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
    // The last write's lost-save check, and any redo, is over before the batch is reported done.
    await this.writer.settled();
    if (lastBatch) {
      this.recorded.clear();
      this.writer.forget();
    }
  }
}
