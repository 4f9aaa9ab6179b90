// The messages between the extension host and the take viewer: one shot at a time, every take of its
// current render and of each kept version, its review status and notes. The page asks (`ready`, `go`)
// and acts (`circle`, `review`, `note`, `restore`); the host pushes `shot` whenever that shot changed (a
// render landed, a teammate's review arrived through git). Image URLs are webview URIs made by the host.
import type { ReviewStatus } from './review';
import type { ShotState } from './shotState';

export interface TakeImage {
  variation: number;
  /** WebP thumbnail (shown first), when there is one. */
  thumb?: string;
  /** The full-resolution image (a video take's poster frame). */
  image: string;
  /** A video take's review proxy (H.264, no audio): what the viewer plays, in sync with the others. */
  video?: string;
  /** A video take's length in seconds, when recorded. */
  seconds?: number;
  /** A video take's frame rate, when recorded (ffprobe's, at render time). */
  fps?: number;
  width?: number;
  height?: number;
  seed?: number;
}

export interface VersionInfo {
  id: string;
  /** 1-based, oldest first. */
  n: number;
  /** When it was rendered (ISO). */
  renderedAt: string;
  costUsd?: number;
  model?: string;
  prompt?: string;
  /** Recorded before versions were kept: its prompt is not known. */
  legacy: boolean;
  /** The render project.json holds now (same bytes). */
  current: boolean;
  takes: TakeImage[];
}

export interface NoteInfo {
  text: string;
  author?: string;
  at?: string;
  status?: string;
  /** Written before the current render: history. */
  earlier: boolean;
}

export interface ViewerShot {
  projectFile: string;
  shotId: string;
  /** Position among the production's shots (0-based) and their number, for ←/→. */
  index: number;
  total: number;
  title: string;
  scene?: string;
  prompt: string;
  status: ShotState;
  reason?: string;
  aspectRatio: string;
  review: ReviewStatus;
  /** A status written in project.json that Dailies does not know (shown, never rewritten). */
  unknownStatus?: string;
  by?: string;
  at?: string;
  notes: NoteInfo[];
  /** The production's frame rate (the animatic's): frame steps of a clip whose rate is not recorded. */
  fps?: number;
  /** The take the edit uses (circled, else 1). */
  take: number;
  /** Whether one is circled in project.json. */
  circled: boolean;
  /** The current render's takes. */
  takes: TakeImage[];
  versions: VersionInfo[];
}

export interface ViewerEmpty {
  projectFile: string;
  empty: string;
}

export interface ActionResult {
  ok: boolean;
  /** What happened, in words, when it was not simply done. */
  message?: string;
}

/** One video on the stage, as the page plays it. */
export interface PlaybackVideo {
  /** The pane it is in (`t1` for take 1, `A<version id>` …). */
  pane: string;
  /** Seconds into the clip. */
  time: number;
  paused: boolean;
  /** HTMLMediaElement.readyState (2 and up: a frame to show). */
  ready: number;
}

/**
 * What the page plays right now, sent whenever it changes (and a few times a second while playing) so
 * the Take Viewer Snapshot command can say it (the in-host tests read it). The host keeps the last one.
 */
export interface PlaybackReport {
  shotId: string;
  playing: boolean;
  /** The rate the transport steps and counts at. */
  fps: number;
  /** Every video of the stage, the clock first; sampled together. */
  videos: PlaybackVideo[];
}

export const MAX_REPORTED_VIDEOS = 16;

export type ViewerHostRequests = {
  ready: { params: { clientId: string }; result: ViewerShot | ViewerEmpty };
  /** Another shot: by id, or the next (+1) / previous (-1) one in project order. */
  go: { params: { shotId?: string; step?: number }; result: ViewerShot | ViewerEmpty };
  circle: { params: { shotId: string; take: number }; result: ActionResult };
  review: { params: { shotId: string; status: ReviewStatus; note?: string }; result: ActionResult };
  note: { params: { shotId: string; note: string }; result: ActionResult };
  restore: { params: { shotId: string; versionId: string }; result: ActionResult };
  playback: { params: PlaybackReport; result: null };
};

export type ViewerEvents = {
  shot: ViewerShot;
  /** Send a playback report now (the snapshot command wants a fresh one, e.g. of paused videos). */
  reportPlayback: Record<string, never>;
};

export const VIEWER_STATE_VERSION = 1;
export type ViewerMode = 'takes' | 'ab' | 'versions';
export interface ViewerState {
  v: typeof VIEWER_STATE_VERSION;
  projectFile?: string;
  shotId?: string;
  mode: ViewerMode;
  /** A/B as a wipe or a flip. */
  ab: 'wipe' | 'flip';
}
