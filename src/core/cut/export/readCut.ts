// What an editor's timeline says about the shots: the clips of its first picture track in record order,
// each with its name, the Dailies shot id when the tool kept our metadata, its media, and its length in
// frames at the timeline's own rate. One reader per format, each bounded (size, depth) and tolerant of
// what NLEs add; anything it cannot use is reported, never guessed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { bytesLabel } from '../../util/bytes';
import { DailiesError } from '../../util/errors';
import { readEdl } from './readEdl';
import { readFcpXml } from './readFcpXml';

export interface EditorialClip {
  name: string;
  /** `metadata.dailies.shotId`, when the editor's tool carried it through. */
  shotId?: string;
  /** URL or path of the clip's media, as written. */
  media?: string;
  /** Length on the timeline. */
  frames: number;
  /** Frames per second those frames are counted in. */
  rate: number;
  /** Position on the timeline (frames at `rate`), for ordering. */
  start: number;
}

export interface EditorialCut {
  format: 'otio' | 'fcpxml' | 'edl';
  name?: string;
  clips: EditorialClip[];
  /** Items that were skipped, with why (nested sequences, clips without a length…). */
  skipped: string[];
}

export const MAX_CUT_BYTES = 256 * 1024 * 1024;

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);
const schemaOf = (v: unknown) =>
  isObj(v) && typeof v['OTIO_SCHEMA'] === 'string' ? v['OTIO_SCHEMA'].split('.')[0] : undefined;

function rationalTime(v: unknown): { value: number; rate: number } | undefined {
  if (!isObj(v)) return undefined;
  const value = Number(v['value']);
  const rate = Number(v['rate']);
  return Number.isFinite(value) && Number.isFinite(rate) && rate > 0 ? { value, rate } : undefined;
}

function duration(range: unknown): { value: number; rate: number } | undefined {
  return isObj(range) ? rationalTime(range['duration']) : undefined;
}

/** Reads the first Timeline of an .otio document (or of a collection holding timelines). */
export function readOtio(text: string): EditorialCut {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new DailiesError('validation', `not an OpenTimelineIO file: ${(err as Error).message}`);
  }
  const timeline = findTimeline(root, 0);
  if (!timeline) throw new DailiesError('validation', 'no OpenTimelineIO Timeline in the file');
  const stack = timeline['tracks'];
  const tracks = isObj(stack) && Array.isArray(stack['children']) ? stack['children'] : [];
  const video = tracks.find((t) => schemaOf(t) === 'Track' && isObj(t) && (t['kind'] ?? 'Video') === 'Video');
  if (!isObj(video)) throw new DailiesError('validation', 'the timeline has no video track');
  const cut: EditorialCut = {
    format: 'otio',
    name: typeof timeline['name'] === 'string' ? timeline['name'] : undefined,
    clips: [],
    skipped: [],
  };
  let atSeconds = 0;
  for (const child of Array.isArray(video['children']) ? video['children'] : []) {
    const kind = schemaOf(child);
    if (!isObj(child) || kind === 'Transition') continue;
    const name = typeof child['name'] === 'string' ? child['name'] : '';
    const len = duration(child['source_range']) ?? clipAvailable(child);
    if (!len) {
      if (kind === 'Clip') cut.skipped.push(`clip "${name}" has no length`);
      continue;
    }
    const startSeconds = atSeconds;
    atSeconds += len.value / len.rate;
    if (kind === 'Gap') continue;
    if (kind !== 'Clip') {
      cut.skipped.push(`${kind ?? 'item'} "${name}" (nested sequences are not read)`);
      continue;
    }
    if (child['enabled'] === false) {
      cut.skipped.push(`clip "${name}" is disabled`);
      continue;
    }
    const meta = isObj(child['metadata']) ? child['metadata']['dailies'] : undefined;
    const shotId = isObj(meta) && typeof meta['shotId'] === 'string' ? meta['shotId'] : undefined;
    cut.clips.push({
      name,
      shotId,
      media: mediaUrl(child),
      frames: len.value,
      rate: len.rate,
      start: startSeconds * len.rate,
    });
  }
  return cut;
}

function findTimeline(v: unknown, depth: number): J | undefined {
  if (!isObj(v) || depth > 8) return undefined;
  if (schemaOf(v) === 'Timeline') return v;
  for (const c of Array.isArray(v['children']) ? v['children'] : []) {
    const t = findTimeline(c, depth + 1);
    if (t) return t;
  }
  return undefined;
}

function activeReference(clip: J): J | undefined {
  const refs = clip['media_references'];
  if (isObj(refs)) {
    const key =
      typeof clip['active_media_reference_key'] === 'string'
        ? clip['active_media_reference_key']
        : 'DEFAULT_MEDIA';
    const r = refs[key];
    return isObj(r) ? r : undefined;
  }
  return isObj(clip['media_reference']) ? clip['media_reference'] : undefined; // Clip.1
}

function clipAvailable(clip: J) {
  const ref = activeReference(clip);
  return ref ? duration(ref['available_range']) : undefined;
}

function mediaUrl(clip: J): string | undefined {
  const ref = activeReference(clip);
  return ref && typeof ref['target_url'] === 'string' ? ref['target_url'] : undefined;
}

/** Reads an editorial cut file, by extension (.otio, .xml/.fcpxml, .edl). */
export async function readCutFile(file: string, fps: number): Promise<EditorialCut> {
  const stat = await fs.stat(file).catch((err: Error) => {
    throw new DailiesError('not-found', `cannot read ${file}: ${err.message}`);
  });
  if (!stat.isFile()) throw new DailiesError('validation', `${file} is not a file`);
  if (stat.size > MAX_CUT_BYTES)
    throw new DailiesError('validation', `${file} is larger than ${bytesLabel(MAX_CUT_BYTES)}`);
  const text = await fs.readFile(file, 'utf8');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.otio') return readOtio(text);
  if (ext === '.xml' || ext === '.fcpxml') return readFcpXml(text);
  if (ext === '.edl') return readEdl(text, fps);
  throw new DailiesError(
    'validation',
    `${path.basename(file)}: import-cut reads .otio, .xml (FCP 7) or .edl files`,
  );
}
