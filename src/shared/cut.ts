// The messages between the host and the Cut webview (the animatic player with its timeline strip). Same
// rules as protocol.ts: `ready` is answered with a complete snapshot, later changes come as events.

export interface CutClip {
  shotId: string;
  /** Position in project.json. */
  index: number;
  sceneId?: string;
  startS: number;
  durationS: number;
  /** Circled take shown; undefined: the shot is a slate ("not rendered"). */
  take?: number;
  /** webview-URI of the take's WebP thumbnail. */
  thumbUrl?: string;
}

export interface CutBuildState {
  building: boolean;
  /** What the builder is doing now: encoding a shot's segment, or joining them. */
  phase?: 'encoding' | 'joining';
  shotId?: string;
  /** 0–1 of the frames to encode in this build. */
  fraction?: number;
  /** The last build failed: its message (naming the shot when there is one). */
  error?: string;
  /** Shots that landed and wait for the next (debounced) rebuild. */
  pending?: string[];
}

export interface CutSnapshot {
  projectFile: string;
  title: string;
  aspectRatio: string;
  /** webview-URI of the animatic, with a version query so a rebuilt file is reloaded; absent: none yet. */
  videoUrl?: string;
  width: number;
  height: number;
  fps: number;
  durationS: number;
  clips: CutClip[];
  builtAt?: number;
  build: CutBuildState;
}

export type CutHostRequests = {
  ready: { params: { clientId: string }; result: CutSnapshot };
  build: { params: Record<string, never>; result: { started: boolean } };
  cancel: { params: Record<string, never>; result: { canceled: boolean } };
  revealShot: { params: { shotId: string }; result: { revealed: boolean } };
};

export type CutEvents = {
  snapshot: CutSnapshot;
  build: CutBuildState;
};

/** Webview-persisted UI state (getState/setState). */
export const CUT_STATE_VERSION = 1;
export interface CutState {
  v: typeof CUT_STATE_VERSION;
  /** Playhead, restored after the panel was hidden (same video only). */
  time: number;
  builtAt?: number;
}
