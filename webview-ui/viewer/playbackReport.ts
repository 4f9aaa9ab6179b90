// Tells the host what the stage plays (see PlaybackReport): on play, pause and seek, and at most every
// REPORT_MS while the clock runs. The host keeps only the last report, for the Take Viewer Snapshot
// command; a lost report is simply superseded by the next one.
import type { PlaybackReport } from '../../src/shared/viewerProtocol';
import { MAX_REPORTED_VIDEOS } from '../../src/shared/viewerProtocol';
import type { VideoSyncGroup } from '../common/videoSync';

const REPORT_MS = 200;
const EVENTS = ['timeupdate', 'seeked', 'play', 'pause', 'loadeddata'] as const;

export class PlaybackReporter {
  private group: VideoSyncGroup | undefined;
  private unbind: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (report: PlaybackReport) => void,
    private readonly now: () => { shotId: string | undefined; fps: number },
  ) {}

  bind(group: VideoSyncGroup | undefined): void {
    if (group === this.group) return;
    this.unbind?.();
    this.unbind = undefined;
    this.group = group;
    if (group) {
      const changed = () => this.schedule();
      const off = group.onChange(changed);
      const videos = [...group.members];
      for (const v of videos) for (const e of EVENTS) v.addEventListener(e, changed);
      this.unbind = () => {
        off();
        for (const v of videos) for (const e of EVENTS) v.removeEventListener(e, changed);
      };
    }
    this.schedule();
  }

  reportNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.report();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.report();
    }, REPORT_MS);
  }

  private report(): void {
    const { shotId, fps } = this.now();
    if (shotId === undefined) return;
    const g = this.group;
    this.send({
      shotId,
      playing: g?.isPlaying ?? false,
      fps,
      videos: (g?.members ?? []).slice(0, MAX_REPORTED_VIDEOS).map((v) => ({
        pane: v.dataset['pane'] ?? '',
        time: v.currentTime,
        paused: v.paused,
        ready: v.readyState,
      })),
    });
  }
}
