// ShotView (host model) → ShotRow (what a storyboard card shows), with no vscode in sight so the encoding
// is tested in plain node. Images go as path templates relative to the project folder, never as bytes or
// absolute URIs: the webview joins them to one root URI (see StoryboardSnapshot.root).
import { circledTake, takeMask } from '../../core/review/takes';
import { circled, type ShotView } from '../../core/state/productionState';
import {
  PROMPT_CHARS,
  type ReviewCell,
  ROW_FLAG_CACHED,
  SHOT_ID_TOKEN,
  type ShotRow,
} from '../../shared/protocol';
import { reviewCode } from '../../shared/review';
import { playableFile } from '../../shared/takeMedia';

/** An append-only string table; what was added since the last take() goes out with the next message. */
export class StringTable {
  private readonly index = new Map<string, number>();
  private readonly pairs = new Map<string, Map<string, number>>();
  private fresh: string[] = [];
  private size = 0;

  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.size++;
      this.index.set(s, i);
      this.fresh.push(s);
    }
    return i;
  }

  /** `${a}\t${b}`, without building that string for every shot (a model is shared by thousands). */
  internPair(a: string, b: string): number {
    let inner = this.pairs.get(a);
    if (!inner) {
      inner = new Map();
      this.pairs.set(a, inner);
    }
    let i = inner.get(b);
    if (i === undefined) {
      i = this.intern(`${a}\t${b}`);
      inner.set(b, i);
    }
    return i;
  }

  /** The entries added since the last call, in index order. */
  take(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/**
 * A project-relative path as a template (the shot id replaced by SHOT_ID_TOKEN), or undefined for a path
 * the webview must not be pointed at: absolute, escaping the folder, or carrying control characters.
 */
export function pathTemplate(rel: string | undefined, shotId: string): string | undefined {
  if (!rel) return undefined;
  // Called twice per shot per snapshot (100,000 times at 50,000 shots): plain scans, no regexes.
  const p = rel.includes('\\') ? rel.replaceAll('\\', '/') : rel;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) < 0x20) return undefined;
  if (p.startsWith('/') || p[1] === ':') return undefined;
  if (p.includes('..') && `/${p}/`.includes('/../')) return undefined;
  return shotId && p.includes(shotId) ? p.replaceAll(shotId, SHOT_ID_TOKEN) : p;
}

export function cutPrompt(prompt: string): string {
  if (prompt.length <= PROMPT_CHARS) return prompt;
  let end = PROMPT_CHARS - 1;
  // Never split a surrogate pair (an emoji would become a replacement character).
  const code = prompt.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${prompt.slice(0, end)}…`;
}

export function toRow(shot: ShotView, strings: StringTable): ShotRow {
  // The card shows the take the edit uses: the circled one.
  const out = circled(shot);
  const thumb = pathTemplate(out?.thumb, shot.id);
  const image = pathTemplate(out?.image, shot.id);
  const row: ShotRow = [
    shot.id,
    shot.status,
    cutPrompt(shot.prompt),
    shot.sceneId === undefined ? -1 : strings.intern(shot.sceneId),
    strings.internPair(shot.provider, shot.model),
    thumb === undefined ? -1 : strings.intern(thumb),
    image === undefined ? -1 : strings.intern(image),
    out?.sha256?.slice(0, 8) ?? '',
  ];
  const flags = shot.cached || shot.status === 'cached' ? ROW_FLAG_CACHED : 0;
  const review = reviewCell(shot);
  const proxy = out ? pathTemplate(playableFile(out), shot.id) : undefined;
  // Optional fields ride at the end; the ones before a present one are written out (0: no review).
  if (shot.reason !== undefined || flags || review || proxy) row.push(shot.reason ?? '');
  if (flags || review || proxy) row.push(flags);
  if (review || proxy) row.push(review ?? 0);
  if (proxy) row.push(strings.intern(proxy));
  return row;
}

/** The shot's review for its card, or undefined when there is nothing to show. */
export function reviewCell(shot: ShotView): ReviewCell | undefined {
  const status = reviewCode(shot.review?.status ?? 'pending');
  const source = { take: shot.take, render: { outputs: shot.outputs } };
  const taken = shot.take !== undefined && circledTake(source) === shot.take ? shot.take : 0;
  const takes = takeMask(shot.outputs);
  const notes = shot.review?.notes.length ?? 0;
  const versions = shot.versions ?? 0;
  if (!status && !taken && (takes & (takes - 1)) === 0 && !notes && versions <= 1) return undefined;
  return [status, taken, takes, notes, versions];
}

export function sameRow(a: ShotRow | undefined, b: ShotRow): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((v, j) => v !== y[j]))
      return false;
  }
  return true;
}
