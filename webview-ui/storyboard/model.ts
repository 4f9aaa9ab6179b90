// The webview's copy of the board: decoded from the host's compact snapshot, then kept current by deltas
// against its revision. Cards keep their object identity across deltas (the view holds references). A
// snapshot may hold only the first screen of shots: `missing` counts the rest until the delta that brings
// them (`complete`).
import {
  type BatchInfo,
  ROW_FLAG_CACHED,
  SHOT_ID_TOKEN,
  type ShotProgress,
  type ShotRow,
  type ShotStatus,
  type StoryboardDelta,
  type StoryboardHeader,
  type StoryboardSnapshot,
} from '../../src/shared/protocol';
import { type ReviewStatus, reviewFromCode } from '../../src/shared/review';
import { parseRows } from './snapshotGuard';

/** Every field is always present (undefined when empty): one object shape for 50,000 cards. */
export interface ShotCard {
  id: string;
  /** Position in project.json (the default sort). */
  index: number;
  sceneId: string | undefined;
  prompt: string;
  model: string;
  provider: string;
  status: ShotStatus;
  reason: string | undefined;
  cached: boolean;
  /** Path templates (string-table entries) of the thumbnail and the image; see ImageUrls. */
  thumb: string | undefined;
  image: string | undefined;
  /** A video take's review proxy (path template), played on hover; undefined for a still. */
  proxy: string | undefined;
  version: string;
  progress: ShotProgress | undefined;
  review: ReviewStatus;
  /** The circled take (0: none circled; the card shows variation 1). */
  circled: number;
  /** Bit n-1 set per rendered variation n. */
  takes: number;
  notes: number;
  versions: number;
  /** The take picked on the card (a click on a take, or 1–9): shown, and what C circles. Page-only. */
  picked: number | undefined;
  /** Path templates of every take, fetched when one is first picked. Page-only. */
  takeImages: Map<number, { thumb?: string; image?: string }> | undefined;
}

export interface ShotChange {
  shot: ShotCard;
  /** The card as it was before this delta (a copy). */
  before: ShotCard;
}

export type DeltaResult =
  /** `reordered`: shots were added, removed or moved; `completed`: the page now holds every shot. */
  | { kind: 'applied'; changes: ShotChange[]; reordered: boolean; header: boolean; completed: boolean }
  /** The delta was made for another revision (or is unreadable): the page must ask for a snapshot. */
  | { kind: 'resync' };

export class BoardModel {
  rev: number | undefined;
  root = '';
  header: StoryboardHeader = { projectFile: '', title: '', aspectRatio: '16:9', scenes: [] };
  batch: BatchInfo | undefined;
  shots: ShotCard[] = [];
  readonly byId = new Map<string, ShotCard>();
  /** Shots the snapshot left out and no delta has brought yet (0: the page holds the whole board). */
  missing = 0;
  private strings: string[] = [];
  /** "provider\tmodel" entries of the string table, split once. */
  private models = new Map<number, [string, string]>();

  get loaded(): boolean {
    return this.rev !== undefined;
  }

  /** Takes a complete snapshot; false (and nothing changed) when its rows are unreadable. */
  load(s: StoryboardSnapshot): boolean {
    const rows = parseRows(s.shots);
    if (!rows) return false;
    this.rev = s.rev;
    this.root = s.root;
    this.strings = s.strings.slice();
    this.models = new Map();
    this.header = {
      projectFile: s.projectFile,
      title: s.title,
      aspectRatio: s.aspectRatio,
      scenes: s.scenes,
      ...(s.problem ? { problem: s.problem } : {}),
    };
    this.batch = s.batch;
    this.missing = typeof s.more === 'number' && s.more > 0 ? s.more : 0;
    this.byId.clear();
    const shots: ShotCard[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const card = this.decode(rows[i]!, i);
      const progress = s.live[card.id];
      if (progress) card.progress = progress;
      shots[i] = card;
      this.byId.set(card.id, card);
    }
    this.shots = shots;
    return true;
  }

  apply(d: StoryboardDelta): DeltaResult {
    if (this.rev === undefined || d.from !== this.rev) return { kind: 'resync' };
    const rows = d.rows === undefined ? [] : parseRows(d.rows);
    if (!rows) return { kind: 'resync' };
    this.rev = d.rev;
    if (d.strings) for (const s of d.strings) this.strings.push(s);
    const changes: ShotChange[] = [];
    const added = new Map<string, ShotCard>();
    for (const row of rows) {
      const next = this.decode(row, 0);
      const shot = this.byId.get(next.id);
      if (!shot) {
        added.set(next.id, next);
        continue;
      }
      next.index = shot.index;
      next.progress = shot.progress;
      // A picked take survives a delta while that take still exists (its images may be new).
      next.picked =
        shot.picked !== undefined && next.takes & (1 << (shot.picked - 1)) ? shot.picked : undefined;
      if (next.version === shot.version) next.takeImages = shot.takeImages;
      changes.push({ shot, before: { ...shot } });
      Object.assign(shot, next);
    }
    const reordered = d.order !== undefined || added.size > 0;
    if (!d.order) {
      // Shots the page lacked (the snapshot's left-out rest) go after its last shot, in the rows' order.
      for (const shot of added.values()) {
        shot.index = this.shots.length;
        this.shots.push(shot);
        this.byId.set(shot.id, shot);
      }
    } else {
      const shots: ShotCard[] = [];
      for (const id of d.order) {
        const shot = this.byId.get(id) ?? added.get(id);
        if (!shot) continue;
        shot.index = shots.length;
        shots.push(shot);
      }
      this.shots = shots;
      this.byId.clear();
      for (const shot of shots) this.byId.set(shot.id, shot);
    }
    for (const [id, progress] of Object.entries(d.live ?? {})) {
      const shot = this.byId.get(id);
      if (!shot) continue;
      if (!changes.some((c) => c.shot === shot)) changes.push({ shot, before: { ...shot } });
      shot.progress = progress ?? undefined;
    }
    if (d.header) this.header = d.header;
    if (d.batch) this.batch = d.batch;
    const completed = d.complete === true && this.missing > 0;
    if (d.complete) this.missing = 0;
    return { kind: 'applied', changes, reordered, header: d.header !== undefined, completed };
  }

  private decode(row: ShotRow, index: number): ShotCard {
    const [id, status, prompt, scene, model, thumb, image, version, reason, flags, review, proxy] = row;
    const cell = Array.isArray(review) ? review : [];
    const num = (i: number) => (typeof cell[i] === 'number' && Number.isFinite(cell[i]) ? cell[i] : 0);
    let pair = this.models.get(model);
    if (!pair) {
      const entry = this.strings[model] ?? '';
      const tab = entry.indexOf('\t');
      pair = tab < 0 ? ['', entry] : [entry.slice(0, tab), entry.slice(tab + 1)];
      this.models.set(model, pair);
    }
    return {
      id,
      index,
      sceneId: scene >= 0 ? this.strings[scene] : undefined,
      prompt,
      model: pair[1],
      provider: pair[0],
      status,
      reason: reason || undefined,
      cached: ((flags ?? 0) & ROW_FLAG_CACHED) !== 0,
      thumb: thumb >= 0 ? this.strings[thumb] : undefined,
      image: image >= 0 ? this.strings[image] : undefined,
      proxy: typeof proxy === 'number' && proxy >= 0 ? this.strings[proxy] : undefined,
      version,
      progress: undefined,
      review: reviewFromCode(cell[0]),
      circled: num(1),
      takes: num(2),
      notes: num(3),
      versions: num(4),
      picked: undefined,
      takeImages: undefined,
    };
  }
}

/** Turns a card's path templates into URLs under the board's root (each path segment encoded). */
export class ImageUrls {
  private readonly parts = new Map<string, string[]>();

  constructor(private readonly root: () => string) {}

  thumb(shot: ShotCard): string | undefined {
    return this.url(shot, shot.thumb);
  }

  image(shot: ShotCard): string | undefined {
    return this.url(shot, shot.image);
  }

  proxy(shot: ShotCard): string | undefined {
    return this.url(shot, shot.proxy);
  }

  /** The URL of a path template of this shot (a take's thumbnail or image). */
  url(shot: ShotCard, template: string | undefined): string | undefined {
    if (template === undefined) return undefined;
    let parts = this.parts.get(template);
    if (!parts) {
      parts = template.split(SHOT_ID_TOKEN).map((p) => p.split('/').map(encodeURIComponent).join('/'));
      this.parts.set(template, parts);
    }
    const path = parts.join(encodeURIComponent(shot.id).replace(/%2F/gi, '/'));
    return `${this.root()}${path}${shot.version ? `?v=${shot.version}` : ''}`;
  }
}
