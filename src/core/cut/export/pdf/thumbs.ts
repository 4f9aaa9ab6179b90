// The picture of a panel: the take's WebP thumbnail (or its poster), else the still itself, converted by
// sharp to a small baseline JPEG that a PDF carries as is (DCTDecode). Read only inside the project (a
// thumbnail that is a link leading out is not read) and within the decode limits every Dailies read uses.
// The source is read here and keyed by its content, so the boards convert and embed a picture that
// several panels share (a held take, a reused still) once, and refer to it from every page after that.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

import { DECODE_LIMITS } from '../../../media/image';
import { sharp } from '../../../media/sharpSetup';
import type { ProjectPaths } from '../../../project/paths';
import { errorMessage } from '../../../util/errors';
import type { HandoffShot } from '../handoff';

export interface PanelJpeg {
  bytes: Buffer;
  width: number;
  height: number;
}

/** `key`: the source's content and the output size; a `known` key is not converted again (`reuse`). */
export type PanelPicture = { jpeg: PanelJpeg; key: string } | { reuse: string } | { missing: string };

export interface PictureOptions {
  /** Longest side in pixels (≤ PANEL_PX): the panel's size at print resolution. */
  px?: number;
  /** Whether a picture with this key is already in the document. */
  known?: (key: string) => boolean;
}

/** Longest side of a panel's picture (px): ~130 dpi across a 2×3 panel; thumbnails are 400 px anyway. */
export const PANEL_PX = 400;

/** A picture file larger than this is not read (a thumbnail is tens of KB; a still a few MB). */
const MAX_PICTURE_BYTES = 64 * 2 ** 20;

/** Pixels for a picture box `points` wide or high: ~150 dpi, never above PANEL_PX (smaller grids print smaller). */
export function panelPx(points: number): number {
  return Math.max(64, Math.min(PANEL_PX, Math.ceil((points * 150) / 72)));
}

export async function panelPicture(
  shot: HandoffShot,
  paths: ProjectPaths,
  options: PictureOptions = {},
): Promise<PanelPicture> {
  const px = options.px ?? PANEL_PX;
  const media = shot.media;
  if (!media) return { missing: shot.slate ?? 'not rendered' };
  // A video take prints its poster frame (its thumbnail first): the boards never decode the clip.
  const still = media.kind === 'image' ? media.abs : media.poster;
  const source = media.thumb ?? still;
  if (!source) return { missing: `take ${shot.take} (${media.kind}) has no thumbnail yet` };
  try {
    const real = await paths.checkInside(
      source,
      source === media.abs ? media.rel : source === media.poster ? 'its poster' : 'its thumbnail',
    );
    const { size } = await fs.stat(real);
    if (size > MAX_PICTURE_BYTES)
      throw new Error(`${Math.round(size / 2 ** 20)} MB is too large for a panel`);
    const bytes = await fs.readFile(real);
    const key = `${createHash('sha1').update(bytes).digest('base64')}@${px}`;
    if (options.known?.(key)) return { reuse: key };
    const { data, info } = await sharp(bytes, DECODE_LIMITS)
      .rotate()
      .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .jpeg({ quality: 80, progressive: false, chromaSubsampling: '4:2:0', optimiseCoding: false })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: { bytes: data, width: info.width, height: info.height }, key };
  } catch (err) {
    // A thumbnail that is gone or damaged: the still itself, if that is different and readable.
    if (media.thumb && source === media.thumb && still) {
      return panelPicture({ ...shot, media: { ...media, thumb: undefined } }, paths, options);
    }
    return { missing: `take ${shot.take}: ${errorMessage(err)}` };
  }
}
