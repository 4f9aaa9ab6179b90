// One segment per shot, cached by the hash of what it shows: the image's bytes (or the slate's text),
// its frame count and rate, the frame size, the burned-in text and subtitles, the push-in, and the encoder
// settings' version. A segment is trusted only if its manifest (size + sha256) still matches the file, so
// a truncated or damaged segment is found on use and encoded again.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import { hashJson, sha256File } from '../util/hash';
import { ENCODER_VERSION } from './filters';
import { slateLines } from './frames';
import type { AnimaticOptions } from './options';
import { burnInLabel, type Clip, clipTimecode, type Timeline } from './timeline';

export interface SegmentSpec {
  shotId: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  kenBurns: boolean;
  source:
    | { kind: 'image'; file: string; sha256: string }
    /** A video take: its clip, trimmed to the shot's frames (or its last frame held to fill them). */
    | { kind: 'video'; file: string; sha256: string }
    | { kind: 'slate'; slate: ReturnType<typeof slateLines> };
  burnIn?: { label: string; timecode: string };
  subtitles: { speaker: string; text: string; startS: number; endS: number }[];
}

export function segmentSpec(
  clip: Clip,
  timeline: Timeline,
  options: AnimaticOptions,
  image: { file: string; sha256: string; video?: boolean } | undefined,
): SegmentSpec {
  const { width, height, fps } = timeline;
  const source: SegmentSpec['source'] = !image
    ? { kind: 'slate', slate: slateLines(clip, width) }
    : { kind: image.video ? 'video' : 'image', file: image.file, sha256: image.sha256 };
  return {
    shotId: clip.shotId,
    width,
    height,
    fps,
    frames: clip.frames,
    // A slate does not move (a push-in on a text card only makes it harder to read); a video moves already.
    kenBurns: options.kenBurns && source.kind === 'image',
    source,
    burnIn: options.burnIn ? { label: burnInLabel(clip), timecode: clipTimecode(clip, fps) } : undefined,
    subtitles: clip.lines.map((l) => ({ speaker: l.name, text: l.text, startS: l.startS, endS: l.endS })),
  };
}

/** Everything that changes the pixels, nothing that does not (the image's path or the shot's prompt). */
export function segmentKey(spec: SegmentSpec): string {
  const { shotId: _id, source, ...rest } = spec;
  const what =
    source.kind === 'image'
      ? { image: source.sha256 }
      : source.kind === 'video'
        ? { video: source.sha256 }
        : { slate: source.slate };
  return hashJson({ v: ENCODER_VERSION, ...rest, ...what });
}

interface Manifest {
  v: 1;
  frames: number;
  bytes: number;
  sha256: string;
}

export type SegmentState = 'ok' | 'missing' | 'corrupt';

export class SegmentCache {
  constructor(readonly dir: string) {}

  file(key: string): string {
    return path.join(this.dir, `${key}.mp4`);
  }

  private manifestFile(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** A fresh temp name beside the segment, so a killed encode never leaves a half file under its key. */
  tempFile(key: string): string {
    return path.join(
      this.dir,
      `.${key}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.partial.mp4`,
    );
  }

  async check(key: string, frames: number): Promise<SegmentState> {
    const [manifest, stat] = await Promise.all([
      readManifest(this.manifestFile(key)),
      fs.stat(this.file(key)).catch(() => undefined),
    ]);
    if (!stat && !manifest) return 'missing';
    if (!stat || !manifest || !stat.isFile()) return 'corrupt';
    if (manifest.frames !== frames || manifest.bytes !== stat.size) return 'corrupt';
    const { sha256 } = await sha256File(this.file(key)).catch(() => ({ sha256: '' }));
    return sha256 === manifest.sha256 ? 'ok' : 'corrupt';
  }

  /** Moves a finished encode under its key, then records what it must look like. */
  async commit(key: string, temp: string, frames: number): Promise<void> {
    const { sha256, size } = await sha256File(temp);
    await fs.rename(temp, this.file(key));
    const manifest: Manifest = { v: 1, frames, bytes: size, sha256 };
    await writeFileAtomic(this.manifestFile(key), `${JSON.stringify(manifest)}\n`);
  }

  async discard(key: string): Promise<void> {
    await Promise.all([
      fs.rm(this.file(key), { force: true }),
      fs.rm(this.manifestFile(key), { force: true }),
    ]);
  }
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    const text = await fs.readFile(file, 'utf8');
    if (text.length > 4096) return undefined;
    const m = JSON.parse(text) as Partial<Manifest>;
    if (
      m.v === 1 &&
      Number.isInteger(m.frames) &&
      Number.isInteger(m.bytes) &&
      typeof m.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(m.sha256)
    ) {
      return m as Manifest;
    }
  } catch {
    // Missing or unreadable: the caller treats the segment as absent or damaged.
  }
  return undefined;
}
