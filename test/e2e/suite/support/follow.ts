// Watches the surfaces follow the engine during a batch. Every engine event sets an expectation on what a
// shot's tree row (as VS Code last received it) and the status bar must show; a sampler checks them and
// records any expectation still unmet after the deadline. Only *that* surfaces catch up is asserted (with a
// deadline far above the goal), not how fast: the lags seen are reported for the reader.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DailiesApi } from '../../../../src/extension/api';
import type { RenderEvent } from '../../../../src/shared/events';

type Row = ReturnType<DailiesApi['treeRows']>[number];

interface Expectation {
  at: number;
  what: string;
  met: (row: Row | undefined) => boolean;
}

export interface FollowReport {
  events: number;
  /** Expectations met, and the longest wait seen for one (ms). */
  met: number;
  maxLagMs: number;
  statusMaxLagMs: number;
  /** How long the extension host's thread was blocked at worst, and at the 99th percentile (ms). */
  hostBlockedMaxMs: number;
  hostBlockedP99Ms: number;
  /** Expectations not met within the deadline: what, for which shot, and what the row showed. */
  late: string[];
}

const LIVE = new Set(['queued', 'uploading', 'submitted', 'running', 'retrying', 'downloading', 'thumbnail']);

/** What a row must show after this event (undefined: nothing new to check). */
function expectationOf(e: RenderEvent, now: number): [string, Expectation] | undefined {
  if (e.type === 'job' && LIVE.has(e.state)) {
    if (e.state === 'queued')
      return [
        e.shotId,
        {
          at: now,
          what: 'queued or running',
          met: (r) => r?.status === 'queued' || r?.status === 'running',
        },
      ];
    const tag = `v${e.variation}/${e.variations}`;
    return [
      e.shotId,
      {
        at: now,
        what: `running ${tag}`,
        met: (r) => r?.status === 'running' && r.description.includes(tag),
      },
    ];
  }
  if (e.type === 'shot' && e.outcome !== 'skipped') {
    const state = {
      rendered: 'done',
      cached: 'cached',
      partial: 'failed',
      failed: 'failed',
      canceled: 'canceled',
    }[e.outcome];
    return [e.shotId, { at: now, what: state, met: (r) => r?.status === state }];
  }
  return undefined;
}

export class Follower {
  private readonly expectations = new Map<string, Expectation[]>();
  private readonly report: FollowReport = {
    events: 0,
    met: 0,
    maxLagMs: 0,
    statusMaxLagMs: 0,
    hostBlockedMaxMs: 0,
    hostBlockedP99Ms: 0,
    late: [],
  };
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  private finished = 0;
  /** Shots the engine finished, by time (for the status bar's n/N). */
  private readonly finishes: number[] = [];
  private statusMetUpTo = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly api: DailiesApi,
    private readonly file: string,
    private readonly deadlineMs: number,
  ) {
    this.sub = api.onRenderEvent((f, e) => {
      if (f !== file) return;
      this.report.events++;
      const now = Date.now();
      const x = expectationOf(e, now);
      if (x) {
        const list = this.expectations.get(x[0]) ?? [];
        list.push(x[1]);
        this.expectations.set(x[0], list);
      }
      if (e.type === 'shot' && e.outcome !== 'skipped') this.finishes.push(now);
    });
    this.timer = setInterval(() => this.sample(), 50);
    this.loop.enable();
  }

  private sample(): void {
    const now = Date.now();
    const rows = new Map(
      this.api
        .treeRows()
        .filter((r) => r.file === this.file)
        .map((r) => [r.shotId, r]),
    );
    for (const [shotId, list] of this.expectations) {
      const row = rows.get(shotId);
      // The newest expectation the row meets settles it and every older one (they were superseded).
      let k = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.met(row)) {
          k = i;
          break;
        }
      }
      for (const x of list.splice(0, k + 1)) {
        this.report.met++;
        this.report.maxLagMs = Math.max(this.report.maxLagMs, now - x.at);
      }
      const overdue = list.filter((x) => now - x.at > this.deadlineMs);
      for (const x of overdue) {
        // One line per shot and state is enough to see what froze.
        if (!this.report.late.some((l) => l.startsWith(`${shotId}: "${x.what}"`)))
          this.report.late.push(
            `${shotId}: "${x.what}" not shown ${now - x.at} ms after the event (row: ${row ? `${row.status} "${row.description}"` : 'none'})`,
          );
        list.splice(list.indexOf(x), 1);
      }
    }
    // The status bar counts finished shots: "12/24 shots", or the idle summary once the batch is over.
    const text = this.api.statusText();
    const m = /(\d+)\/[\d,]+ shots/.exec(text);
    const shown = m ? Number(m[1]) : this.finishes.length;
    while (this.statusMetUpTo < this.finishes.length && this.statusMetUpTo < shown) {
      this.report.statusMaxLagMs = Math.max(
        this.report.statusMaxLagMs,
        now - this.finishes[this.statusMetUpTo]!,
      );
      this.statusMetUpTo++;
    }
    const behind = this.finishes[this.statusMetUpTo];
    if (
      behind !== undefined &&
      now - behind > this.deadlineMs &&
      !this.report.late.some((l) => l.startsWith('status bar'))
    ) {
      this.report.late.push(
        `status bar: shot #${this.statusMetUpTo + 1} finished ${now - behind} ms ago, it shows "${text}"`,
      );
    }
    this.finished = this.finishes.length;
  }

  /** Stops watching once every pending expectation had its chance; returns what was seen. */
  async stop(): Promise<FollowReport> {
    const until = Date.now() + this.deadlineMs + 500;
    while (Date.now() < until && [...this.expectations.values()].some((l) => l.length)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.sample();
    clearInterval(this.timer);
    this.sub.dispose();
    this.loop.disable();
    this.report.hostBlockedMaxMs = Math.round(this.loop.max / 1e6);
    this.report.hostBlockedP99Ms = Math.round(this.loop.percentile(99) / 1e6);
    for (const [shotId, list] of this.expectations)
      for (const x of list) this.report.late.push(`${shotId}: "${x.what}" never shown`);
    return { ...this.report, late: [...new Set(this.report.late)] };
  }

  get shotsFinished(): number {
    return this.finished;
  }
}
