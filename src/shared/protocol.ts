// The messages between the extension host and its two webviews. One request map and one event map per
// direction per webview; `ready` is answered with a complete snapshot (never a delta), after which the
// host sends coalesced progress batches (≤ 10 per second) while the view is visible.
import type { MetricsSnapshot } from './metrics';

export type ShotStatus =
  | 'fresh'
  | 'stale'
  | 'never'
  | 'queued'
  | 'running'
  | 'cached'
  | 'done'
  | 'partial'
  | 'failed'
  | 'canceled'
  | 'invalid';

export interface ShotProgress {
  variation: number;
  variations: number;
  step?: number;
  steps?: number;
  /** 'queued' | 'uploading' | 'submitted' | 'running' | 'retrying' | 'downloading' | 'thumbnail' */
  state: string;
  queuePosition?: number;
}

export interface ShotCard {
  id: string;
  /** Position in project.json (the default sort). */
  index: number;
  sceneId?: string;
  prompt: string;
  model: string;
  provider: string;
  variations: number;
  status: ShotStatus;
  /** Why the status is what it is ("inputs changed since the last render", an error message…). */
  reason?: string;
  /** webview-URIs (asWebviewUri) of the WebP thumbnail and the full image; never image bytes. */
  thumbUrl?: string;
  imageUrl?: string;
  progress?: ShotProgress;
  cached?: boolean;
  durationS?: number;
}

export interface SceneInfo {
  id: string;
  title: string;
}

export interface BatchInfo {
  running: boolean;
  shotsDone: number;
  shotsTotal: number;
  jobsDone: number;
  jobsTotal: number;
  etaMs?: number;
}

export interface StoryboardSnapshot {
  projectFile: string;
  title: string;
  aspectRatio: string;
  scenes: SceneInfo[];
  shots: ShotCard[];
  batch?: BatchInfo;
  /** Project-level problem (e.g. invalid JSON) shown as a banner; shots keep their last known state. */
  problem?: string;
}

/** A partial card: `id` plus the fields that changed. */
export type ShotUpdate = Partial<ShotCard> & { id: string };

// The four maps below are `type`s, not `interface`s: RpcEndpoint constrains them to an index-signature
// type, and only type aliases are implicitly indexable (an interface fails with TS2344).
export type StoryboardHostRequests = {
  ready: { params: { clientId: string }; result: StoryboardSnapshot };
  render: { params: { shotIds: string[]; force: boolean }; result: { started: boolean } };
  cancel: { params: { shotIds: string[] }; result: { canceled: number } };
  openImage: { params: { shotId: string; variation?: number }; result: { opened: boolean } };
  revealShot: { params: { shotId: string }; result: { revealed: boolean } };
  /** The selection changed: palette commands ("Render Selected Shot(s)") act on it. */
  select: { params: { shotIds: string[] }; result: Record<string, never> };
};

export type StoryboardEvents = {
  snapshot: StoryboardSnapshot;
  progress: { updates: ShotUpdate[]; batch?: BatchInfo };
};

export type MetricsHostRequests = {
  ready: { params: { clientId: string }; result: MetricsViewSnapshot };
  export: { params: Record<string, never>; result: { saved: boolean; path?: string } };
  reset: { params: Record<string, never>; result: { reset: boolean } };
};

export interface MetricsViewSnapshot {
  projectFile: string;
  title: string;
  metrics: MetricsSnapshot;
}

export type MetricsEvents = {
  snapshot: MetricsViewSnapshot;
};

/** Webview-persisted UI state (getState/setState); bump the version when its shape changes. */
export const STORYBOARD_STATE_VERSION = 1;
export interface StoryboardState {
  v: typeof STORYBOARD_STATE_VERSION;
  scrollTop: number;
  zoom: number;
  scene: string;
  status: string;
  text: string;
  sort: 'order' | 'status' | 'scene' | 'id';
  selected: string[];
}

export const METRICS_STATE_VERSION = 1;
export interface MetricsState {
  v: typeof METRICS_STATE_VERSION;
  feature: string;
  sortBy: string;
  /** Key of the series shown in the charts; added without a version bump because it is optional. */
  series?: string;
}
