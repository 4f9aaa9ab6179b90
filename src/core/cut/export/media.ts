// How a hand-off names a media file: absolute `file://` URLs for OTIO and FCP XML (they resolve from
// wherever the hand-off is written, on this machine), a plain absolute path for EDL comments. The kind of
// a file decides how NLEs treat it (a still is held, a movie is cut, audio goes on an audio track).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export type MediaKind = 'image' | 'video' | 'audio';

const KINDS: Record<string, MediaKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  gif: 'image',
  tif: 'image',
  tiff: 'image',
  bmp: 'image',
  exr: 'image',
  dpx: 'image',
  mp4: 'video',
  m4v: 'video',
  mov: 'video',
  webm: 'video',
  mkv: 'video',
  avi: 'video',
  mxf: 'video',
  mp3: 'audio',
  wav: 'audio',
  aif: 'audio',
  aiff: 'audio',
  m4a: 'audio',
  ogg: 'audio',
  opus: 'audio',
  flac: 'audio',
};

/** Still, movie or sound, by extension; an unknown extension is treated as a movie (it is cut, not held). */
export function mediaKind(file: string): MediaKind {
  return KINDS[path.extname(file).slice(1).toLowerCase()] ?? 'video';
}

/** `file:///abs/path%20with%20spaces.png` (percent-encoded: `#`, `?`, `%`, spaces, non-ASCII). */
export function fileUrl(abs: string): string {
  return pathToFileURL(abs).href;
}

/** FCP 7 XML's form, as Final Cut Pro and Premiere write it: `file://localhost/abs/path`. */
export function fcpPathUrl(abs: string): string {
  return fileUrl(abs).replace(/^file:\/\/\/?/, 'file://localhost/');
}

/** An absolute path with forward slashes (EDL comments are read the same on every platform). */
export function plainPath(abs: string): string {
  return abs.split(path.sep).join('/');
}
