// The TTY progress line on stderr: redrawn at most 10 times a second, one line, no flicker. Without a
// TTY (CI logs, pipes) it prints one line per finished shot instead.
import { BatchProgress, formatDuration } from '../shared/batchProgress';
import type { RenderEvent } from '../shared/events';
import { SHOT_STATE, stateOfOutcome } from '../shared/shotState';

const WIDTH = 28;

export class ProgressBar {
  private readonly progress = new BatchProgress();
  private timer: NodeJS.Timeout | undefined;
  private lastLine = '';

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty: boolean = out.isTTY === true,
  ) {}

  onEvent(e: RenderEvent): void {
    this.progress.apply(e);
    if (!this.tty) {
      if (e.type === 'shot' && e.outcome !== 'skipped') this.printLine(shotLine(e));
      return;
    }
    if (e.type === 'shot' && (e.outcome === 'failed' || e.outcome === 'partial')) this.printLine(shotLine(e));
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 100);
  }

  /** Prints a line above the bar without tearing it. */
  printLine(line: string): void {
    if (this.tty && this.lastLine) this.out.write('\r\x1b[2K');
    this.out.write(`${line}\n`);
    if (this.tty && this.lastLine) this.out.write(this.lastLine);
  }

  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.tty) {
      this.draw();
      this.out.write('\n');
      this.lastLine = '';
    }
  }

  private draw(): void {
    const p = this.progress;
    const f = p.fraction;
    const filled = Math.round(f * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const parts = [`${p.shotsDone}/${p.shotsTotal} shots`, `${p.jobsFinished}/${p.jobsTotal} variations`];
    if (p.shotsCanceled) parts.push(`${p.shotsCanceled} ${SHOT_STATE.canceled.label}`);
    if (p.prewarm && p.prewarm.done < p.prewarm.total)
      parts.push(`uploading ${p.prewarm.done}/${p.prewarm.total}`);
    if (p.running) parts.push(`${p.running} running`);
    if (p.jobsCached) parts.push(`${p.jobsCached} cached`);
    if (p.jobsFailed) parts.push(`${p.jobsFailed} failed`);
    parts.push(`ETA ${formatDuration(p.etaMs())}`);
    const columns = this.out.columns || 100;
    const line = `${bar} ${Math.round(f * 100)}% ${parts.join(' · ')}`.slice(0, columns - 1);
    this.out.write(`\r\x1b[2K${line}`);
    this.lastLine = line;
  }
}

function shotLine(e: Extract<RenderEvent, { type: 'shot' }>): string {
  const mark = { rendered: '✓', cached: '↺', skipped: '·', partial: '!', failed: '✗', canceled: '⊘' }[
    e.outcome
  ];
  const n = e.outputs?.length ?? 0;
  const time = e.durationMs !== undefined ? ` ${formatDuration(e.durationMs)}` : '';
  const detail = e.error ? `: ${e.error.message}` : n ? ` (${n} variation${n > 1 ? 's' : ''})` : '';
  const state = stateOfOutcome(e.outcome);
  const word = state ? SHOT_STATE[state].label : 'up to date';
  return `${mark} ${e.shotId} ${word}${e.outcome === 'partial' ? ' (partly)' : ''}${time}${detail}`;
}
