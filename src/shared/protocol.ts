// The messages between the extension host and its two webviews. One request map and one event map per
// direction per webview. The storyboard's `ready` is answered with a snapshot (the first screen of shots
// when the page asks for that, the rest as a delta once the page has painted and sends `more`); after it
// the host sends deltas against the webview's last revision (≤ 10 per second while visible, one on re-show).
import type { MetricsSnapshot } from './metrics';
import type { ReviewStatus } from './review';
import type { ShotState } from './shotState';

/** A card's status: the one shot-state vocabulary (see shotState.ts). */
export type ShotStatus = ShotState;

export interface ShotProgress {
  variation: number;
  variations: number;
  step?: number;
  steps?: number;
  /** 'queued' | 'uploading' | 'submitted' | 'running' | 'retrying' | 'downloading' | 'thumbnail' */
  state: string;
  queuePosition?: number;
}

/**
 * One shot as a storyboard card shows it, as a tuple: 50,000 of these travel in one message, so field
 * names are not repeated and repeated strings (scene, model, path templates) are indices into the
 * message's string table. Image paths are relative to the snapshot's `root` URI, with the shot's id
 * replaced by SHOT_ID_TOKEN, so most shots share one template.
 */
export type ShotRow = [
  id: string,
  status: ShotStatus,
  /** Cut to what a card can show (PROMPT_CHARS). */
  prompt: string,
  /** String-table index of the scene id; -1 for none. */
  scene: number,
  /** String-table index of "provider\tmodel". */
  model: number,
  /** String-table index of the thumbnail's path template; -1 for none. */
  thumb: number,
  /** String-table index of the full image's path template; -1 for none. */
  image: number,
  /** A few hex digits of the image's content hash: a re-rendered frame gets a new URL ('' when unknown). */
  version: string,
  reason?: string,
  /** Bit 1: served from the result cache. */
  flags?: number,
  /** Review, when the shot has any to show (absent: pending, nothing circled, one take, no notes). */
  review?: ReviewCell | 0,
  /** String-table index of a video take's review proxy (path template), played on hover; absent: a still. */
  proxy?: number,
];

/** A shot's review in a row: small numbers only (50,000 rows travel in one message). */
export type ReviewCell = [
  /** Index in REVIEW_STATUSES. */
  status: number,
  /** The circled take when it names a rendered variation, else 0. */
  circled: number,
  /** Bit n-1 set for each rendered variation n (take chips). */
  takes: number,
  notes: number,
  versions: number,
];

/**
 * ShotRow[] as JSON text. Rows cross postMessage as one string: a string is copied in one piece, while
 * 50,000 small arrays are cloned one by one — in VS Code twice (into the webview's frame, then into the
 * page) and first parsed on the workbench's own thread.
 */
export type ShotRowsText = string;

/** Stands for the shot's id inside a path template (ids never contain control characters). */
export const SHOT_ID_TOKEN = '\u0001';
/** Longest prompt a card is sent: two lines of the widest card, with room to spare. */
export const PROMPT_CHARS = 160;
export const ROW_FLAG_CACHED = 1;

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

/** What the storyboard shows above and around its cards. */
export interface StoryboardHeader {
  projectFile: string;
  title: string;
  aspectRatio: string;
  scenes: SceneInfo[];
  /** Project-level problem (e.g. invalid JSON) shown as a banner; shots keep their last known state. */
  problem?: string;
}

/** The complete state, answered to `ready`; every later change comes as a `delta` against a revision. */
export interface StoryboardSnapshot extends StoryboardHeader {
  rev: number;
  /** URI (asWebviewUri of the project folder, ending in '/') that every image path is relative to. */
  root: string;
  strings: string[];
  /** The first shots in project order: all of them, or `first` of them when the page asked for a page. */
  shots: ShotRowsText;
  /** Live progress of the shots in `shots` that are in a batch, by id. */
  live: Record<string, ShotProgress>;
  batch?: BatchInfo;
  /**
   * How many shots the snapshot left out (absent: none). They come as one delta when the page asks with
   * `more`, and deltas before it only touch the shots the page has.
   */
  more?: number;
}

/**
 * What changed between revision `from` (the last one the webview got) and `rev`. A webview holding
 * another revision asks for a fresh snapshot instead of applying it.
 */
export interface StoryboardDelta {
  from: number;
  rev: number;
  /** Entries appended to the string table. */
  strings?: string[];
  /** New or changed shots. */
  rows?: ShotRowsText;
  /** Every shot id in project order, when shots were added, removed or moved. */
  order?: string[];
  /** Progress by id; null when a shot's progress ended. */
  live?: Record<string, ShotProgress | null>;
  header?: StoryboardHeader;
  batch?: BatchInfo;
  /**
   * The page now holds every shot: the ones the snapshot left out came with this delta, placed by `order`
   * when present, else after the page's last shot in the order of `rows`.
   */
  complete?: true;
}

/** A page asks for no more than this many shots up front (a first screen of the smallest cards on 8K). */
export const STORYBOARD_FIRST_MAX = 5000;

/** The host commands a storyboard may run (each spends through the host's own confirmation). */
export const STORYBOARD_COMMANDS = ['dailies.renderAll', 'dailies.renderStale'] as const;
export type StoryboardCommand = (typeof STORYBOARD_COMMANDS)[number];

// The four maps below are `type`s, not `interface`s: RpcEndpoint constrains them to an index-signature
// type, and only type aliases are implicitly indexable (an interface fails with TS2344).
export type StoryboardHostRequests = {
  /** `first`: only that many shots (in project order) now, the rest after `more`; absent: all of them. */
  ready: { params: { clientId: string; first?: number }; result: StoryboardSnapshot };
  /** The first screen is painted: send the shots the snapshot left out (as a delta event). */
  more: { params: Record<string, never>; result: Record<string, never> };
  render: { params: { shotIds: string[]; force: boolean }; result: { started: boolean } };
  cancel: { params: { shotIds: string[] }; result: { canceled: number } };
  runCommand: { params: { command: StoryboardCommand }; result: { started: boolean } };
  openImage: { params: { shotId: string; variation?: number }; result: { opened: boolean } };
  revealShot: { params: { shotId: string }; result: { revealed: boolean } };
  revealInTree: { params: { shotId: string }; result: { revealed: boolean } };
  copyPrompt: { params: { shotId: string }; result: { copied: boolean } };
  /** The selection changed: palette commands ("Render Selected Shot(s)") act on it. */
  select: { params: { shotIds: string[] }; result: Record<string, never> };
  /** Circles a take of each shot (one write for all). */
  circle: { params: { takes: { shotId: string; take: number }[] }; result: ReviewReply };
  /** Sets the review status; changes requested asks the user for the note. */
  review: { params: { shotIds: string[]; status: ReviewStatus }; result: ReviewReply };
  openViewer: { params: { shotId: string }; result: { opened: boolean } };
  /** Path templates (see ShotRow) of every take of a shot, for picking one on its card. */
  takes: {
    params: { shotId: string };
    result: { takes: { variation: number; thumb?: string; image?: string }[] };
  };
};

export interface ReviewReply {
  ok: boolean;
  message?: string;
}

export type StoryboardEvents = {
  delta: StoryboardDelta;
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
  /** Which production the panel showed, so a restored panel finds it again (optional: no version bump). */
  projectFile?: string;
  /** Review filter (optional: no version bump). */
  review?: string;
}

export const METRICS_STATE_VERSION = 1;
export interface MetricsState {
  v: typeof METRICS_STATE_VERSION;
  feature: string;
  sortBy: string;
  /** Key of the series shown in the charts; added without a version bump because it is optional. */
  series?: string;
}
