// The picture a segment starts from, drawn with sharp: the circled take letterboxed to the cut's frame
// (EXIF orientation applied, any format sharp reads), or a slate card for a shot with no take yet. ffmpeg
// then only holds, pushes in, burns in and encodes, so its input is always a plain PNG of a known size.
import { sharp } from '../media/sharpSetup';
import type { Clip } from './timeline';

export async function stillFrame(file: string, width: number, height: number): Promise<Buffer> {
  return sharp(file)
    .rotate()
    .resize(width, height, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 1 } })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** What a slate shows; also its identity in the segment cache. */
export function slateLines(clip: Clip, width: number): { title: string; scene: string; prompt: string[] } {
  const perLine = Math.max(20, Math.floor(width / 16));
  return {
    title: clip.shotId,
    scene: clip.sceneTitle ?? '',
    prompt: wrap(excerpt(clip.prompt, perLine * 3), perLine).slice(0, 3),
  };
}

export async function slateFrame(clip: Clip, width: number, height: number): Promise<Buffer> {
  const { title, scene, prompt } = slateLines(clip, width);
  const u = height / 100;
  const font = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';
  const left = width * 0.08;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="100%" height="100%" fill="#1b1d22"/>
  <rect x="${left - u * 2}" y="${u * 14}" width="${u * 0.8}" height="${u * 72}" fill="#e0a030"/>
  <text x="${left}" y="${u * 28}" ${font} font-size="${u * 13}" font-weight="bold" fill="#f2f2f2">${esc(title)}</text>
  <text x="${left}" y="${u * 42}" ${font} font-size="${u * 6.5}" fill="#b8bcc6">${esc(scene)}</text>
  ${prompt.map((l, i) => `<text x="${left}" y="${u * (57 + i * 8)}" ${font} font-size="${u * 5.4}" fill="#d8d8d8">${esc(l)}</text>`).join('')}
  <text x="${left}" y="${u * 87}" ${font} font-size="${u * 6}" font-weight="bold" fill="#e0a030" letter-spacing="${u * 0.6}">NOT RENDERED</text>
</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 1 }).toBuffer();
}

export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[,;:.\s]+$/, '')}…`;
}

/** Greedy word wrap at `width` characters (a word longer than that is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const w = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
