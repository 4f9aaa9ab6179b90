// What one storyboard webview has been sent, so each message carries only what changed since the
// webview's last revision: after `ready` a snapshot (every shot, or the first screen of them with the rest
// in one delta when the page asks), then deltas (changed rows, the id order when it moved, progress, the
// header and batch when they changed). A storyboard kept alive while hidden gets one delta when shown
// again instead of the whole production. No vscode here: tested in node.
import type { ShotView } from '../../core/state/productionState';
import type {
  BatchInfo,
  ShotProgress,
  ShotRow,
  StoryboardDelta,
  StoryboardHeader,
  StoryboardSnapshot,
} from '../../shared/protocol';
import { STORYBOARD_FIRST_MAX } from '../../shared/protocol';
import { StringTable, sameRow, toRow } from './cards';

export interface SyncSource {
  shots(): readonly ShotView[];
  shot(id: string): ShotView | undefined;
  header(): StoryboardHeader;
  batch(): BatchInfo | undefined;
}

export class StoryboardSync {
  /** Increases across sessions, so a delta meant for an earlier page never matches a later one. */
  private rev = 0;
  private connected = false;
  private strings = new StringTable();
  /** The rows the page holds, by id; a shot not in here has not been sent yet (or was removed). */
  private sent = new Map<string, ShotRow>();
  /** The ids the page holds, in its order. */
  private order: string[] = [];
  /** The snapshot left shots out and no delta has sent them yet. */
  private partial = false;
  private live = new Map<string, string>();
  private header = '';
  private batch = '';

  constructor(private readonly source: SyncSource) {}

  get revision(): number {
    return this.rev;
  }

  /**
   * The state for a page that has (or kept) nothing; starts a new session. `first`: only that many shots
   * now (the first screen), the rest with rest(); undefined: all of them.
   */
  snapshot(root: string, first?: number): StoryboardSnapshot {
    this.strings = new StringTable();
    this.sent = new Map();
    this.live = new Map();
    const shots = this.source.shots();
    const count = Math.min(shots.length, pageSize(first) ?? shots.length);
    const rows: ShotRow[] = new Array(count);
    const live: Record<string, ShotProgress> = {};
    this.order = [];
    this.partial = count < shots.length;
    for (let i = 0; i < count; i++) rows[i] = this.send(shots[i]!, live);
    const header = this.source.header();
    const batch = this.source.batch();
    this.header = JSON.stringify(header);
    this.batch = JSON.stringify(batch ?? null);
    this.connected = true;
    this.rev++;
    return {
      ...header,
      rev: this.rev,
      root: root.endsWith('/') ? root : `${root}/`,
      strings: this.strings.take(),
      shots: JSON.stringify(rows),
      live,
      ...(batch ? { batch } : {}),
      ...(this.partial ? { more: shots.length - count } : {}),
    };
  }

  /**
   * The shots the snapshot left out (a delta that completes the page), or undefined when the page already
   * holds every shot or none is connected. Changes to the shots the page holds are left to the next
   * delta, unless shots moved: then this is a full delta with the order.
   */
  rest(): StoryboardDelta | undefined {
    if (!this.connected || !this.partial) return undefined;
    const shots = this.source.shots();
    const held = this.order.length;
    let prefix = shots.length >= held;
    for (let i = 0; prefix && i < held; i++) if (shots[i]!.id !== this.order[i]) prefix = false;
    if (!prefix) return this.delta(undefined);
    // The page's shots are still the first ones, in order: the others go after them, as they are now.
    const rows: ShotRow[] = new Array(shots.length - held);
    const live: Record<string, ShotProgress> = {};
    for (let i = held; i < shots.length; i++) rows[i - held] = this.send(shots[i]!, live);
    this.partial = false;
    const strings = this.strings.take();
    const from = this.rev++;
    return {
      from,
      rev: this.rev,
      ...(strings.length ? { strings } : {}),
      ...(rows.length ? { rows: JSON.stringify(rows) } : {}),
      ...(Object.keys(live).length ? { live } : {}),
      complete: true,
    };
  }

  /** A shot the page does not hold yet, placed after its others: its row, and its progress into `live`. */
  private send(shot: ShotView, live: Record<string, ShotProgress>): ShotRow {
    const row = toRow(shot, this.strings);
    this.order.push(shot.id);
    this.sent.set(shot.id, row);
    if (shot.progress) {
      live[shot.id] = shot.progress;
      this.live.set(shot.id, JSON.stringify(shot.progress));
    }
    return row;
  }

  /**
   * What changed for `ids` (undefined: anything may have, e.g. after a re-plan) since the last message,
   * or undefined when nothing did or no page is connected.
   */
  delta(ids: Iterable<string> | undefined): StoryboardDelta | undefined {
    if (!this.connected) return undefined;
    const rows: ShotRow[] = [];
    const live: Record<string, ShotProgress | null> = {};
    let liveCount = 0;
    let order: string[] | undefined;
    const visit = (shot: ShotView) => {
      const row = toRow(shot, this.strings);
      if (!sameRow(this.sent.get(shot.id), row)) {
        rows.push(row);
        this.sent.set(shot.id, row);
      }
      const progress = shot.progress ? JSON.stringify(shot.progress) : undefined;
      if (progress !== this.live.get(shot.id)) {
        live[shot.id] = shot.progress ?? null;
        liveCount++;
        if (progress === undefined) this.live.delete(shot.id);
        else this.live.set(shot.id, progress);
      }
    };
    let complete = false;
    if (ids === undefined) {
      const shots = this.source.shots();
      const now = shots.map((s) => s.id);
      // Rows the page lacks go after its last shot: the order travels only when that is not the order.
      const appended = this.order.concat(now.filter((id) => !this.sent.has(id)));
      if (appended.length !== now.length || now.some((id, i) => id !== appended[i])) {
        order = now;
        const keep = new Set(now);
        for (const id of this.sent.keys()) if (!keep.has(id)) this.sent.delete(id);
        for (const id of this.live.keys()) if (!keep.has(id)) this.live.delete(id);
      }
      this.order = now;
      for (const shot of shots) visit(shot);
      complete = this.partial;
      this.partial = false;
    } else {
      for (const id of ids) {
        const shot = this.source.shot(id);
        // A shot that appeared or went away also changes the order: that arrives with a full re-plan.
        if (shot && this.sent.has(id)) visit(shot);
      }
    }
    const header = this.source.header();
    const headerJson = JSON.stringify(header);
    const batch = this.source.batch();
    const batchJson = JSON.stringify(batch ?? null);
    const strings = this.strings.take();
    const changedHeader = headerJson !== this.header;
    const changedBatch = batchJson !== this.batch;
    if (
      !rows.length &&
      !order &&
      !liveCount &&
      !changedHeader &&
      !changedBatch &&
      !strings.length &&
      !complete
    ) {
      return undefined;
    }
    this.header = headerJson;
    this.batch = batchJson;
    const from = this.rev++;
    return {
      from,
      rev: this.rev,
      ...(strings.length ? { strings } : {}),
      ...(rows.length ? { rows: JSON.stringify(rows) } : {}),
      ...(order ? { order } : {}),
      ...(liveCount ? { live } : {}),
      ...(changedHeader ? { header } : {}),
      ...(changedBatch && batch ? { batch } : {}),
      ...(complete ? { complete: true as const } : {}),
    };
  }

  /** The page went away: nothing is sent until it asks again. */
  disconnect(): void {
    this.connected = false;
  }
}

/** How many shots a page asked for up front: a whole number within bounds, or undefined for all. */
function pageSize(first: number | undefined): number | undefined {
  if (typeof first !== 'number' || !Number.isFinite(first)) return undefined;
  return Math.min(STORYBOARD_FIRST_MAX, Math.max(1, Math.floor(first)));
}
